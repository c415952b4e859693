/**
 * The 1D step of the exact Euclidean distance transform (Felzenszwalb & Huttenlocher, "Distance
 * Transforms of Sampled Functions", 2012): the lower envelope of parabolas rooted at each finite
 * sample. Separable passes of it give the 2D click-protocol EDT (common/click/edt.ts) and the 3D
 * millimetre EDT behind the review's surface distances (renderer/src/review/edt3d.ts).
 */

/**
 * d[q] = min over p of w2·(q − p)² + f[p], for q < n. `w2` is the squared sample spacing (1 for
 * pixel units). v (Int32, ≥ n) and z (Float64, ≥ n + 1) are scratch. All-∞ input gives all ∞.
 */
export function squaredDistance1d(f: Float64Array, n: number, w2: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  // Parabolas at infinite height never form the envelope: start at the first finite sample.
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
      // z[0] is −∞, so this never pops below the first parabola.
      if (s <= (z[k] ?? -Infinity)) {
        k--;
        continue;
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
