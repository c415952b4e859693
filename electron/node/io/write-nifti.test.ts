import { join } from 'node:path';
import { niftiReadImageNode } from '@itk-wasm/image-io';
import { describe, expect, it } from 'vitest';
import { indexToWorldAffine, type Mat3, type VolumeGeometry } from '../../common/volume';
import { readVolume } from './read-volume';
import { readWithReference, referenceMissingReason, voxelDigest } from './test-support/reference-reader';
import { syntheticVolume } from './test-support/synthetic-volume';
import { useTempDir } from './test-support/temp-dir';
import { quaternionOf } from './write-nifti';
import { writeVolume } from './write-volume';

const temp = useTempDir('write-nifti');

/** Rotation (LPS direction matrix, row-major) about a unit axis by an angle. */
function rotation(axis: [number, number, number], angle: number): Mat3 {
  const [x, y, z] = axis;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const t = 1 - c;
  return [t * x * x + c, t * x * y - s * z, t * x * z + s * y, t * x * y + s * z, t * y * y + c, t * y * z - s * x, t * x * z - s * y, t * y * z + s * x, t * z * z + c];
}

const n = Math.hypot(1, 2, 3);
const DIRECTIONS: Record<string, Mat3> = {
  identity: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  oblique: rotation([1 / n, 2 / n, 3 / n], 0.7),
  'flipped k (left-handed)': [1, 0, 0, 0, 1, 0, 0, 0, -1],
  'permuted and flipped (PIR-like)': [0, 0, -1, 1, 0, 0, 0, -1, 0],
  '180° about y': rotation([0, 1, 0], Math.PI),
};

function geometryWith(direction: Mat3): VolumeGeometry {
  return { size: [7, 6, 5], spacing: [0.3645833, 0.5, 0.7], origin: [-12.5, 69.25, 84.0], direction };
}

describe('quaternionOf', () => {
  it('gives a unit quaternion with a ≥ 0 that rebuilds each rotation, and qfac −1 for a left-handed frame', () => {
    for (const [label, direction] of Object.entries(DIRECTIONS)) {
      const columns = [0, 1, 2].map((c) => [-(direction[c] ?? NaN), -(direction[3 + c] ?? NaN), direction[6 + c] ?? NaN] as [number, number, number]);
      const { b, c, d, qfac } = quaternionOf(columns);
      const a = Math.sqrt(Math.max(0, 1 - b * b - c * c - d * d));
      const rebuilt = [
        [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
        [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
        [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
      ];
      expect(qfac, label).toBe(label.includes('left-handed') ? -1 : 1);
      for (let r = 0; r < 3; r++) {
        for (let col = 0; col < 3; col++) {
          const expected = (columns[col]?.[r] ?? NaN) * (col === 2 ? qfac : 1);
          expect(rebuilt[r]?.[col], `${label} [${r}][${col}]`).toBeCloseTo(expected, 6);
        }
      }
    }
  });
});

describe('NIfTI written here', () => {
  it.each(Object.entries(DIRECTIONS))('%s: ITK and this reader read back the geometry and voxels', async (label, direction) => {
    const volume = syntheticVolume({ ...geometryWith(direction), componentType: 'int16', value: (i) => (i * 37) % 2000 - 1000 });
    const path = join(temp.path, `${label.replace(/\W+/g, '-')}.nii.gz`);
    await writeVolume(volume, path);
    const own = await readVolume(path);
    const { image } = await niftiReadImageNode(path);
    expect([...image.size]).toEqual([...volume.geometry.size]);
    expect([...(image.data as Int16Array)]).toEqual([...volume.voxels]);
    expect([...own.voxels]).toEqual([...volume.voxels]);
    for (const [what, ours, itk, expected] of [
      ['spacing', own.geometry.spacing, [...image.spacing], volume.geometry.spacing],
      ['origin', own.geometry.origin, [...image.origin], volume.geometry.origin],
      ['direction', own.geometry.direction, Array.from(image.direction, Number), direction],
    ] as const) {
      expected.forEach((x, at) => {
        expect(ours[at], `${label}: our ${what} ${at}`).toBeCloseTo(x, 5);
        expect(itk[at], `${label}: ITK's ${what} ${at}`).toBeCloseTo(x, 5);
      });
    }
  });

  const referenceMissing = referenceMissingReason();
  it.skipIf(referenceMissing !== undefined)(
    `uint8 label maps read back by nibabel with their affine and voxels ${referenceMissing ?? ''}`,
    async () => {
      const entries = Object.entries(DIRECTIONS);
      const volumes = entries.map(([, direction]) => syntheticVolume({ ...geometryWith(direction), componentType: 'uint8', value: (i) => (i * 13) % 5 }));
      const paths = entries.map(([label]) => join(temp.path, `labels-${label.replace(/\W+/g, '-')}.nii.gz`));
      await Promise.all(volumes.map((volume, at) => writeVolume(volume, paths[at] ?? '')));
      const references = await readWithReference(paths);
      entries.forEach(([label], at) => {
        const volume = volumes[at];
        const reference = references[at];
        if (!volume || !reference) throw new Error(`nothing read for ${label}`);
        expect(reference.shape, label).toEqual([...volume.geometry.size]);
        expect(reference.dtype, label).toBe('uint8');
        const expected = indexToWorldAffine(volume.geometry, 'RAS');
        reference.affine.flat().forEach((x, e) => expect(x, `${label}: affine element ${e}`).toBeCloseTo(expected[e] ?? NaN, 4));
        expect(reference.sha256, label).toBe(voxelDigest(volume.voxels));
      });
    },
  );
});
