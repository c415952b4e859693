import { describe, expect, it } from 'vitest';
import { indexToWorld, type Mat3, type VolumeGeometry } from '../../common/volume';
import { copyOntoGrid, placeOnGrid, type GridPlacement } from './dicom-seg-grid';

/** A sagittal knee series' orientation: i along +y, j along −z, k along −x (as the shared DESS series). */
const SAGITTAL: Mat3 = [0, 0, -1, 1, 0, 0, 0, -1, 0];

const series: VolumeGeometry = { size: [6, 5, 8], spacing: [0.3125, 0.3125, 1.5], origin: [13, -68, 79], direction: SAGITTAL };

/** A stack of `slices` frames starting at series slice `first`, on the series' grid. */
function part(first: number, slices: number, overrides: Partial<VolumeGeometry> = {}): VolumeGeometry {
  return { ...series, size: [6, 5, slices], origin: indexToWorld(series, [0, 0, first]), ...overrides };
}

function problemOf(result: GridPlacement | { problem: string }): string {
  return 'problem' in result ? result.problem : 'placed';
}

function placed(result: GridPlacement | { problem: string }): GridPlacement {
  if ('problem' in result) throw new Error(result.problem);
  return result;
}

describe('placeOnGrid', () => {
  it('finds the series slice a SEG stack starts at', () => {
    const p = placed(placeOnGrid(part(3, 4), series));
    expect(p.offset).toEqual([0, 0, 3]);
    expect(p.axes).toEqual([0, 1, 2]);
    expect(p.signs).toEqual([1, 1, 1]);
  });

  it('accepts frames stored in the opposite slice order', () => {
    // Last slice first: origin at series slice 6, k stepping backwards.
    const [a, b, c, d, e, f, g, h, i] = SAGITTAL;
    const reversed = part(6, 4, { direction: [a, b, -c, d, e, -f, g, h, -i] });
    const p = placed(placeOnGrid(reversed, series));
    expect(p.offset).toEqual([0, 0, 6]);
    expect(p.signs).toEqual([1, 1, -1]);
  });

  it('tolerates positions rounded as DICOM stores them', () => {
    const [x, y, z] = indexToWorld(series, [0, 0, 2]);
    const p = placed(placeOnGrid(part(2, 3, { origin: [x + 0.004, y - 0.003, z], spacing: [0.3125, 0.3125, 1.499997] }), series));
    expect(p.offset).toEqual([0, 0, 2]);
  });

  it('refuses frames between the series slices, in another orientation, with another step, or outside', () => {
    const halfway = indexToWorld(series, [0, 0, 2.5]);
    expect(problemOf(placeOnGrid(part(0, 2, { origin: halfway }), series))).toMatch(/between the series' voxels/);
    expect(problemOf(placeOnGrid(part(0, 2, { direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] }), series))).toMatch(/not drawn on this series' grid/);
    expect(problemOf(placeOnGrid(part(0, 2, { spacing: [0.3125, 0.3125, 3] }), series))).toMatch(/steps/);
    expect(problemOf(placeOnGrid(part(6, 4), series))).toMatch(/index 6–9 along axis 2, outside the series' 0–7/);
  });
});

describe('copyOntoGrid', () => {
  it('puts each voxel of a reversed stack at its series index', () => {
    const grid: VolumeGeometry = { ...series, size: [2, 2, 4] };
    // Two frames, stored last-first: frame 0 is series slice 3, frame 1 is series slice 2.
    const voxels = [1, 0, 0, 2, /* frame 1 */ 0, 3, 0, 0];
    const out = copyOntoGrid(voxels, [2, 2, 2], grid, { offset: [0, 0, 3], axes: [0, 1, 2], signs: [1, 1, -1] }, (n) => new Uint8Array(n));
    const at = (i: number, j: number, k: number) => out[i + 2 * (j + 2 * k)];
    expect(at(0, 0, 3)).toBe(1);
    expect(at(1, 1, 3)).toBe(2);
    expect(at(1, 0, 2)).toBe(3);
    expect(out.reduce((sum, v) => sum + v, 0)).toBe(6);
  });
});
