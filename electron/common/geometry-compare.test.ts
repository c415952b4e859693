import { describe, expect, it } from 'vitest';
import { compareGeometry, describeGeometryDifferences, formatNumber } from './geometry-compare';
import { IDENTITY_DIRECTION, type Mat3, type VolumeGeometry } from './volume';

const image: VolumeGeometry = {
  size: [384, 384, 160],
  spacing: [0.3645833432674408, 0.3645833432674408, 0.699999988079071],
  origin: [-12.5117769241333, -69.36524963378906, 84.04358673095703],
  direction: [
    0.10452850410408142, 0, -0.994521891059187, 0.994521891076191, 0, 0.10452850426586309, 0, -1, 0,
  ],
};

/** Each cosine rounded to float32 and moved by 1e-7, as a NIfTI round trip can. */
function nudged(d: Mat3): Mat3 {
  const f = (v: number) => Math.fround(v) + 1e-7;
  return [f(d[0]), f(d[1]), f(d[2]), f(d[3]), f(d[4]), f(d[5]), f(d[6]), f(d[7]), f(d[8])];
}

describe('compareGeometry', () => {
  it('finds no difference between a geometry and itself', () => {
    expect(compareGeometry(image, image)).toEqual([]);
  });

  it('tolerates the rounding of a float32 round trip (NIfTI) and of DICOM slice positions', () => {
    const rounded: VolumeGeometry = {
      size: image.size,
      spacing: [Math.fround(image.spacing[0]), Math.fround(image.spacing[1]), 0.6999974],
      origin: [
        Math.fround(image.origin[0]),
        Math.fround(image.origin[1]) + 1e-5,
        Math.fround(image.origin[2]),
      ],
      direction: nudged(image.direction),
    };
    expect(compareGeometry(image, rounded)).toEqual([]);
  });

  it('lists every field that differs, with both values', () => {
    const other: VolumeGeometry = {
      size: [256, 256, 256],
      spacing: [0.5, 0.5, 1],
      origin: [0, 0, 0],
      direction: IDENTITY_DIRECTION,
    };
    const differences = compareGeometry(other, image);
    expect(differences.map((d) => d.field)).toEqual(['size', 'spacing', 'origin', 'direction']);
    expect(differences[0]).toMatchObject({ a: [256, 256, 256], b: [384, 384, 160], largest: 128 });
    expect(describeGeometryDifferences(differences)).toBe(
      'size 256×256×256 vs 384×384×160; spacing 0.5×0.5×1 vs 0.3646×0.3646×0.7 mm; ' +
        'origin (0, 0, 0) vs (-12.5118, -69.3652, 84.0436) mm; ' +
        'direction [1 0 0; 0 1 0; 0 0 1] vs [0.1045 0 -0.9945; 0.9945 0 0.1045; 0 -1 0]',
    );
  });

  it('catches a shift of a hundredth of a voxel and a spacing change of 0.1 %', () => {
    const shifted = {
      ...image,
      origin: [image.origin[0] + 0.004, image.origin[1], image.origin[2]] as const,
    };
    expect(compareGeometry(image, shifted).map((d) => d.field)).toEqual(['origin']);
    const stretched = {
      ...image,
      spacing: [image.spacing[0] * 1.001, image.spacing[1], image.spacing[2]] as const,
    };
    expect(compareGeometry(image, stretched).map((d) => d.field)).toEqual(['spacing']);
  });

  it('accepts custom tolerances', () => {
    const shifted = {
      ...image,
      origin: [image.origin[0] + 0.004, image.origin[1], image.origin[2]] as const,
    };
    expect(
      compareGeometry(image, shifted, { spacingRelative: 1e-4, originVoxelFraction: 0.05, direction: 1e-4 }),
    ).toEqual([]);
  });
});

describe('formatNumber', () => {
  it('keeps at most four decimals and drops -0', () => {
    expect(formatNumber(0.36458334)).toBe('0.3646');
    expect(formatNumber(1)).toBe('1');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(-0.00001)).toBe('0');
  });
});
