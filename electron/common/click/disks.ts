/**
 * Click maps as the models were trained on them (native-models/isegnet/clicks.py): channel 0 is 1
 * where (y−cy)² + (x−cx)² ≤ r² for any positive click centre (cy, cx), channel 1 the same for
 * negative clicks; centres are integer pixels of the model's input grid.
 */

export interface GridClick {
  readonly x: number;
  readonly y: number;
  readonly positive: boolean;
}

/** Draws one filled disk of `value` (default 1) into the plane `map` (width × height), clipped to the grid. */
export function drawDisk(map: Float32Array | Uint8Array, width: number, height: number, cx: number, cy: number, radius: number, value = 1): void {
  const r = Math.floor(radius);
  const r2 = radius * radius;
  const y0 = Math.max(0, cy - r);
  const y1 = Math.min(height - 1, cy + r);
  for (let y = y0; y <= y1; y++) {
    const dy = y - cy;
    const x0 = Math.max(0, cx - r);
    const x1 = Math.min(width - 1, cx + r);
    for (let x = x0; x <= x1; x++) {
      const dx = x - cx;
      if (dx * dx + dy * dy <= r2) map[y * width + x] = value;
    }
  }
}

/**
 * The 2×H×W disk maps (positive plane, then negative plane) written into `out` starting at 0.
 * Click centres are rounded to the nearest pixel; centres outside the grid still draw the part
 * of their disk that falls inside.
 */
export function diskMaps(
  clicks: readonly GridClick[],
  width: number,
  height: number,
  radius: number,
  out: Float32Array = new Float32Array(2 * width * height),
  /** Zero both planes first (false: the caller's `out` is zero already, e.g. just allocated). */
  clear = true,
): Float32Array {
  const plane = width * height;
  if (clear) out.fill(0, 0, 2 * plane);
  const positive = out.subarray(0, plane);
  const negative = out.subarray(plane, 2 * plane);
  for (const click of clicks) {
    drawDisk(click.positive ? positive : negative, width, height, Math.round(click.x), Math.round(click.y), radius);
  }
  return out;
}
