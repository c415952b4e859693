import { describe, expect, it } from 'vitest';
import type { Mat3 } from '../../../electron/common/volume';
import { column } from './vec3';
import { toVtkDirection } from './vtk-direction';

describe('toVtkDirection', () => {
  it('puts the world direction of each index axis in consecutive triples', () => {
    const lia: Mat3 = [1, 0, 0, 0, 0, -1, 0, -1, 0];
    const vtk = toVtkDirection(lia);
    expect(vtk.slice(0, 3)).toEqual([...column(lia, 0)]);
    expect(vtk.slice(3, 6)).toEqual([...column(lia, 1)]);
    expect(vtk.slice(6, 9)).toEqual([...column(lia, 2)]);
  });
});
