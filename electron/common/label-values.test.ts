import { describe, expect, it } from 'vitest';
import { narrowLabelVoxels } from './label-values';

describe('narrowLabelVoxels', () => {
  it('keeps uint8 labels as they are', () => {
    const voxels = Uint8Array.of(0, 1, 255);
    expect(narrowLabelVoxels(voxels)).toEqual({ componentType: 'uint8', voxels });
  });

  it('chooses uint8 or uint16 by the largest value, whatever the stored type', () => {
    expect(narrowLabelVoxels(Int16Array.of(0, 4, 255))).toEqual({
      componentType: 'uint8',
      voxels: Uint8Array.of(0, 4, 255),
    });
    expect(narrowLabelVoxels(Int32Array.of(0, 256))).toEqual({
      componentType: 'uint16',
      voxels: Uint16Array.of(0, 256),
    });
    expect(narrowLabelVoxels(Float32Array.of(0, 1, 1))).toEqual({
      componentType: 'uint8',
      voxels: Uint8Array.of(0, 1, 1),
    });
  });

  it('names the value that cannot be a label', () => {
    expect(narrowLabelVoxels(Float32Array.of(0, 0.5))).toEqual({
      problem: 'it holds the non-integer value 0.5',
    });
    expect(narrowLabelVoxels(Int16Array.of(0, -3))).toEqual({ problem: 'it holds the negative value -3' });
    expect(narrowLabelVoxels(Int32Array.of(0, 70000))).toEqual({
      problem: 'it holds the value 70000, above the largest label 65535',
    });
    expect(narrowLabelVoxels(Float64Array.of(NaN))).toEqual({
      problem: 'it holds the non-integer value NaN',
    });
  });
});
