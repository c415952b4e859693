/**
 * Exact Euclidean distance transform (Felzenszwalb & Huttenlocher, "Distance Transforms of Sampled
 * Functions", 2012): squared distance from every pixel to the nearest background pixel, computed
 * as two passes of the 1D lower envelope of parabolas (columns, then rows). Squared distances are
 * integers, so comparisons (the click protocol's "first maximum") are exact.
 */
import { squaredDistance1d } from '../distance-1d';

/**
 * Squared EDT of the foreground of `mask` (non-zero pixels): 0 on background, squared distance to
 * the nearest background pixel inside. With `padBorder`, the outside of the image counts as
 * background (RITM pads the error maps by one pixel), so a pixel on the edge has distance 1.
 * Without it, a mask with no background at all is +∞ everywhere.
 */
export function squaredEdt(mask: ArrayLike<number>, width: number, height: number, padBorder = true): Float64Array {
  const out = new Float64Array(width * height);
  const n = Math.max(width, height) + 2;
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  const pad = padBorder ? 1 : 0;
  // Columns: with padding, one background sample before and after each column.
  const colLen = height + 2 * pad;
  for (let x = 0; x < width; x++) {
    if (pad) {
      f[0] = 0;
      f[colLen - 1] = 0;
    }
    for (let y = 0; y < height; y++) f[y + pad] = (mask[y * width + x] ?? 0) !== 0 ? Infinity : 0;
    squaredDistance1d(f, colLen, 1, d, v, z);
    for (let y = 0; y < height; y++) out[y * width + x] = d[y + pad] ?? Infinity;
  }
  // Rows: the padded border columns are background (0).
  const rowLen = width + 2 * pad;
  for (let y = 0; y < height; y++) {
    if (pad) {
      f[0] = 0;
      f[rowLen - 1] = 0;
    }
    for (let x = 0; x < width; x++) f[x + pad] = out[y * width + x] ?? Infinity;
    squaredDistance1d(f, rowLen, 1, d, v, z);
    for (let x = 0; x < width; x++) out[y * width + x] = d[x + pad] ?? Infinity;
  }
  return out;
}
