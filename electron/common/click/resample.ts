/**
 * Bilinear resampling between a crop of the slice and the model's fixed input grid, with the
 * align-corners mapping RITM uses both ways: grid pixel u ↔ slice x = x0 + u·(x1−x0)/(W−1), so the
 * crop's corner pixels land exactly on the grid's corners and, when the crop is the whole slice at
 * the model's size, both directions are the identity.
 */
import type { Roi } from './roi';

/** Slice coordinate of grid index `u` along one axis of `n` grid pixels spanning [a, b]. */
function gridToSlice(u: number, n: number, a: number, b: number): number {
  return n > 1 ? a + (u * (b - a)) / (n - 1) : (a + b) / 2;
}

/** How sampled values are transformed before interpolation. */
export type SampleTransform =
  | { readonly kind: 'identity' }
  /** Non-zero → 1 (binary masks). */
  | { readonly kind: 'binary' }
  /** (v − low) / (high − low), clipped to [0, 1]: the percentile normalisation. */
  | { readonly kind: 'unit'; readonly low: number; readonly high: number };

const IDENTITY: SampleTransform = { kind: 'identity' };

/**
 * Samples `source` (width × height, x fastest) at the `outWidth × outHeight` grid spanning `roi`,
 * bilinearly; positions outside the slice read 0 (as training's padding). `transform` applies to
 * each source value before interpolation, as if the whole slice had been mapped first.
 */
export function cropResize(
  source: ArrayLike<number>,
  width: number,
  height: number,
  roi: Roi,
  outWidth: number,
  outHeight: number,
  transform: SampleTransform = IDENTITY,
  out: Float32Array = new Float32Array(outWidth * outHeight),
): Float32Array {
  // The transformed source over the crop plus a one-pixel margin (zero outside the slice), read
  // once; the bilinear loop below then needs no bounds checks and calls no functions.
  const bx0 = Math.floor(roi.x0) - 1;
  const by0 = Math.floor(roi.y0) - 1;
  const pw = Math.ceil(roi.x1) + 1 - bx0 + 1;
  const ph = Math.ceil(roi.y1) + 1 - by0 + 1;
  const buffer = new Float32Array(pw * ph);
  const unit = transform.kind === 'unit';
  const binary = transform.kind === 'binary';
  const low = transform.kind === 'unit' ? transform.low : 0;
  const inv = transform.kind === 'unit' ? 1 / Math.max(transform.high - transform.low, 1e-6) : 1;
  const xa = Math.max(0, bx0);
  const xb = Math.min(width - 1, bx0 + pw - 1);
  for (let y = Math.max(0, by0); y <= Math.min(height - 1, by0 + ph - 1); y++) {
    const src = y * width;
    const dst = (y - by0) * pw - bx0;
    for (let x = xa; x <= xb; x++) {
      const v = source[src + x] ?? 0;
      let t = v;
      if (unit) {
        t = (v - low) * inv;
        t = t > 0 ? (t < 1 ? t : 1) : 0; // NaN → 0
      } else if (binary) t = v !== 0 ? 1 : 0;
      buffer[dst + x] = t;
    }
  }
  const cols = new Int32Array(outWidth);
  const colW = new Float64Array(outWidth);
  for (let u = 0; u < outWidth; u++) {
    const sx = gridToSlice(u, outWidth, roi.x0, roi.x1);
    const x0 = Math.floor(sx);
    cols[u] = x0 - bx0;
    colW[u] = sx - x0;
  }
  for (let v = 0; v < outHeight; v++) {
    const sy = gridToSlice(v, outHeight, roi.y0, roi.y1);
    const y0 = Math.floor(sy);
    const fy = sy - y0;
    const top = (y0 - by0) * pw;
    const bottom = top + pw;
    const o = v * outWidth;
    for (let u = 0; u < outWidth; u++) {
      // In bounds by construction (the buffer holds the crop and a one-pixel margin).
      const fx = colW[u] as number;
      const c = cols[u] as number;
      const a = buffer[top + c] as number;
      const b = buffer[top + c + 1] as number;
      const d0 = buffer[bottom + c] as number;
      const d1 = buffer[bottom + c + 1] as number;
      out[o + u] = (a * (1 - fx) + b * fx) * (1 - fy) + (d0 * (1 - fx) + d1 * fx) * fy;
    }
  }
  return out;
}

/** Grid coordinates of a slice position (the inverse of the mapping above), not rounded. */
export function sliceToGrid(x: number, y: number, roi: Roi, gridWidth: number, gridHeight: number): { u: number; v: number } {
  const u = roi.x1 > roi.x0 ? ((x - roi.x0) * (gridWidth - 1)) / (roi.x1 - roi.x0) : (gridWidth - 1) / 2;
  const v = roi.y1 > roi.y0 ? ((y - roi.y0) * (gridHeight - 1)) / (roi.y1 - roi.y0) : (gridHeight - 1) / 2;
  return { u, v };
}

/**
 * Puts a grid (gridWidth × gridHeight spanning `roi`) back onto the slice: every slice pixel inside
 * the crop is interpolated bilinearly from the grid; pixels outside the crop get `outside` (RITM
 * sets them to 0: the object is inside the expanded box).
 */
export function pasteBack(
  grid: Float32Array,
  gridWidth: number,
  gridHeight: number,
  roi: Roi,
  width: number,
  height: number,
  outside = 0,
): Float32Array {
  const out = new Float32Array(width * height).fill(outside);
  const xa = Math.max(0, roi.x0);
  const xb = Math.min(width - 1, roi.x1);
  const ya = Math.max(0, roi.y0);
  const yb = Math.min(height - 1, roi.y1);
  for (let y = ya; y <= yb; y++) {
    const v = roi.y1 > roi.y0 ? ((y - roi.y0) * (gridHeight - 1)) / (roi.y1 - roi.y0) : (gridHeight - 1) / 2;
    const v0 = Math.min(Math.floor(v), gridHeight - 1);
    const fy = v - v0;
    const v1 = Math.min(v0 + 1, gridHeight - 1);
    const rowA = v0 * gridWidth;
    const rowB = v1 * gridWidth;
    for (let x = xa; x <= xb; x++) {
      const u = roi.x1 > roi.x0 ? ((x - roi.x0) * (gridWidth - 1)) / (roi.x1 - roi.x0) : (gridWidth - 1) / 2;
      const u0 = Math.min(Math.floor(u), gridWidth - 1);
      const fx = u - u0;
      const u1 = Math.min(u0 + 1, gridWidth - 1);
      const a = grid[rowA + u0] ?? 0;
      const b = grid[rowA + u1] ?? 0;
      const c = grid[rowB + u0] ?? 0;
      const d = grid[rowB + u1] ?? 0;
      out[y * width + x] = a * (1 - fx) * (1 - fy) + b * fx * (1 - fy) + c * (1 - fx) * fy + d * fx * fy;
    }
  }
  return out;
}
