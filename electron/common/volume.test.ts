import { describe, expect, it } from 'vitest';
import {
  allocateVoxels,
  checkGeometry,
  COMPONENT_TYPES,
  componentTypeOf,
  fromOrientationCode,
  gridVolume,
  IDENTITY_DIRECTION,
  indexAxisForView,
  indexToWorld,
  indexToWorldAffine,
  isIntegerComponentType,
  linearIndex,
  orientationCode,
  worldToIndex,
  type Mat3,
  type VolumeGeometry,
} from './volume';

/** LPS directions of familiar layouts (column c = where index axis c points). */
const RAS_STORED: Mat3 = [-1, 0, 0, 0, -1, 0, 0, 0, 1];
/** FreeSurfer's conformed space: i→left, j→inferior, k→anterior. */
const LIA: Mat3 = [1, 0, 0, 0, 0, -1, 0, -1, 0];
/** OAI-ZIB 9092628 as itk-wasm reads it: a sagittal scan tilted 6° about the S/I axis. */
const OBLIQUE_SAGITTAL: Mat3 = [0.10452846, 0, -0.9945219, 0.9945219, 0, 0.10452846, 0, -1, 0];

function geometry(direction: Mat3 = IDENTITY_DIRECTION): VolumeGeometry {
  return { size: [10, 20, 30], spacing: [0.5, 0.75, 2], origin: [-12, 30, 7.5], direction };
}

describe('index ↔ world', () => {
  it('maps voxel (0,0,0) to the origin and steps by spacing along the direction columns', () => {
    const g = geometry(LIA);
    expect(indexToWorld(g, [0, 0, 0])).toEqual([-12, 30, 7.5]);
    // i→L (+x), j→I (−z), k→A (−y)
    expect(indexToWorld(g, [2, 0, 0])).toEqual([-11, 30, 7.5]);
    expect(indexToWorld(g, [0, 4, 0])).toEqual([-12, 30, 4.5]);
    expect(indexToWorld(g, [0, 0, 1])).toEqual([-12, 28, 7.5]);
  });

  it('worldToIndex inverts indexToWorld for an oblique direction', () => {
    const g = geometry(OBLIQUE_SAGITTAL);
    const index = [3.25, 17, 29.5] as const;
    const back = worldToIndex(g, indexToWorld(g, index));
    back.forEach((value, n) => expect(value).toBeCloseTo(index[n] ?? NaN, 5));
  });

  it('gives the RAS affine by negating the first two world rows of the LPS one', () => {
    const g = geometry(OBLIQUE_SAGITTAL);
    const lps = indexToWorldAffine(g, 'LPS');
    const ras = indexToWorldAffine(g, 'RAS');
    expect(ras.slice(0, 8)).toEqual(lps.slice(0, 8).map((v) => -v));
    expect(ras.slice(8)).toEqual(lps.slice(8));
    // Column 0 scaled by spacing[0]; last column is the origin.
    expect(lps[0]).toBeCloseTo(0.10452846 * 0.5, 10);
    expect(lps[3]).toBe(-12);
    expect(lps.slice(12)).toEqual([0, 0, 0, 1]);
  });

  it('orders voxels with i fastest', () => {
    expect(linearIndex([10, 20, 30], 1, 2, 3)).toBe(1 + 10 * (2 + 20 * 3));
  });
});

describe('orientation codes', () => {
  it.each([
    ['LPS (ITK identity)', IDENTITY_DIRECTION, 'LPS', 'RAI'],
    ['RAS (NIfTI identity)', RAS_STORED, 'RAS', 'LPI'],
    ['LIA (FreeSurfer conformed)', LIA, 'LIA', 'RSP'],
    ['oblique sagittal (nibabel says PIR)', OBLIQUE_SAGITTAL, 'PIR', 'ASL'],
  ])('%s', (_name, direction, towards, from) => {
    expect(orientationCode(direction)).toBe(towards);
    expect(fromOrientationCode(direction)).toBe(from);
  });
});

describe('view-axis selection', () => {
  it('follows the direction matrix, not the storage order', () => {
    // Sagittal scan stored with k along L/R (the DESS knee series: i→P, j→I, k→R).
    const sagittal: Mat3 = [0, 0, -1, 1, 0, 0, 0, -1, 0];
    expect(indexAxisForView(sagittal, 'sagittal')).toBe(2);
    expect(indexAxisForView(sagittal, 'coronal')).toBe(0);
    expect(indexAxisForView(sagittal, 'axial')).toBe(1);
  });

  it('picks the closest axis for an oblique scan', () => {
    expect(indexAxisForView(OBLIQUE_SAGITTAL, 'sagittal')).toBe(2);
    expect(indexAxisForView(OBLIQUE_SAGITTAL, 'coronal')).toBe(0);
    expect(indexAxisForView(OBLIQUE_SAGITTAL, 'axial')).toBe(1);
    expect(indexAxisForView(LIA, 'axial')).toBe(1);
  });
});

describe('geometry checks and voxel types', () => {
  it('accepts a valid geometry and names what is wrong with a bad one', () => {
    expect(checkGeometry(geometry())).toBeUndefined();
    expect(checkGeometry({ ...geometry(), size: [10, 0, 3] })).toMatch(/size/);
    expect(checkGeometry({ ...geometry(), spacing: [1, -1, 1] })).toMatch(/spacing/);
    expect(checkGeometry({ ...geometry(), origin: [0, NaN, 0] })).toMatch(/origin/);
    expect(checkGeometry({ ...geometry(), direction: [2, 0, 0, 0, 1, 0, 0, 0, 1] })).toMatch(/column 0/);
  });

  it('round-trips every component type through its typed array', () => {
    for (const type of COMPONENT_TYPES) expect(componentTypeOf(allocateVoxels(type, 4))).toBe(type);
    expect(COMPONENT_TYPES.filter(isIntegerComponentType)).toEqual([
      'uint8',
      'int8',
      'uint16',
      'int16',
      'uint32',
      'int32',
    ]);
  });
});

describe('gridVolume', () => {
  it('puts voxels on the unit grid with their own component type, and refuses a wrong count', () => {
    const v = gridVolume([2, 3, 4], new Float32Array(24));
    expect(v.componentType).toBe('float32');
    expect(v.geometry).toEqual({ size: [2, 3, 4], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] });
    expect(gridVolume([2, 3, 4], new Uint8Array(24)).componentType).toBe('uint8');
    expect(() => gridVolume([2, 3, 4], new Uint8Array(23))).toThrow(/23 voxels do not fill a 2×3×4 grid/);
  });
});
