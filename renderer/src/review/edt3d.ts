/**
 * Exact squared Euclidean distance transform in 3D with anisotropic spacing (Felzenszwalb &
 * Huttenlocher, separable: one 1D lower envelope of parabolas per axis). Distances are in the
 * units of `spacing` (millimetres), squared.
 */
import type { Vec3 } from '../../../electron/common/volume';

function transform1d(
  f: Float64Array,
  n: number,
  w2: number,
  d: Float64Array,
  v: Int32Array,
  z: Float64Array,
): void {
  let first = 0;
  while (first < n && f[first] === Infinity) first++;
  if (first === n) {
    d.fill(Infinity, 0, n);
    return;
  }
  let k = 0;
  v[0] = first;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = first + 1; q < n; q++) {
    const fq = f[q] ?? Infinity;
    if (fq === Infinity) continue;
    for (;;) {
      const p = v[k] ?? 0;
      const s = (fq + w2 * q * q - ((f[p] ?? 0) + w2 * p * p)) / (2 * w2 * (q - p));
      if (s <= (z[k] ?? -Infinity) && k > 0) {
        k--;
        continue;
      }
      if (s <= (z[k] ?? -Infinity)) {
        // k === 0: the new parabola dominates everywhere.
        v[0] = q;
        z[0] = -Infinity;
        z[1] = Infinity;
        break;
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Infinity;
      break;
    }
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while ((z[k + 1] ?? Infinity) < q) k++;
    const p = v[k] ?? 0;
    d[q] = w2 * (q - p) * (q - p) + (f[p] ?? Infinity);
  }
}

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
      transform1d(f, len, w2, d, v, z);
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
