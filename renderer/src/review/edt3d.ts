/**
 * Exact squared Euclidean distance transform in 3D with anisotropic spacing (Felzenszwalb &
 * Huttenlocher, separable: one 1D lower envelope of parabolas per axis). Distances are in the
 * units of `spacing` (millimetres), squared.
 */
import { squaredDistance1d } from '../../../electron/common/distance-1d';
import type { Vec3 } from '../../../electron/common/volume';

/**
 * Squared distance (mm²) from every voxel to the nearest voxel where `feature` is non-zero
 * (Infinity everywhere when there is none). `size` is i, j, k with i fastest.
 */
export function squaredEdt3d(feature: ArrayLike<number>, size: Vec3, spacing: Vec3): Float64Array {
  const [nx, ny, nz] = size;
  const out = new Float64Array(nx * ny * nz);
  for (let n = 0; n < out.length; n++) out[n] = (feature[n] ?? 0) !== 0 ? 0 : Infinity;
  const longest = Math.max(nx, ny, nz);
  const f = new Float64Array(longest);
  const d = new Float64Array(longest);
  const v = new Int32Array(longest);
  const z = new Float64Array(longest + 1);
  const pass = (len: number, stride: number, starts: Iterable<number>, w: number): void => {
    const w2 = w * w;
    for (const start of starts) {
      for (let q = 0; q < len; q++) f[q] = out[start + q * stride] ?? Infinity;
      squaredDistance1d(f, len, w2, d, v, z);
      for (let q = 0; q < len; q++) out[start + q * stride] = d[q] ?? Infinity;
    }
  };
  function* lineStarts(axis: 0 | 1 | 2): Generator<number> {
    for (let k = 0; k < (axis === 2 ? 1 : nz); k++)
      for (let j = 0; j < (axis === 1 ? 1 : ny); j++)
        for (let i = 0; i < (axis === 0 ? 1 : nx); i++) yield i + nx * (j + ny * k);
  }
  pass(nx, 1, lineStarts(0), spacing[0]);
  pass(ny, nx, lineStarts(1), spacing[1]);
  pass(nz, nx * ny, lineStarts(2), spacing[2]);
  return out;
}
