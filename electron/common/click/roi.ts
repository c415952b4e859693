/**
 * RITM's zoom-in (isegm/inference/transforms/zoom_in.py), stateless: after the first click, the
 * model sees a crop around the current object — the bounding box of the previous prediction
 * (> threshold) and the positive clicks, expanded by `expansion` (1.4) about its centre, at least
 * `minCropSize` pixels — instead of the whole slice.
 *
 * Two departures, both because our slices are medical, not photographs: the crop is made square in
 * millimetres (the model was trained on isotropic, undistorted crops, so a fixed-size model input
 * must not stretch an anisotropic or elongated region), and instead of clamping the box to the
 * image (which would break squareness) it is shifted inside the image where it fits, and centred
 * over the image (padding with zeros, as in training) where it does not. RITM keeps the previous
 * crop while it still contains the clicks and overlaps the new one by IoU ≥ 0.5; we recompute it
 * at every click, which makes the result a function of (clicks, previous mask) alone.
 */
import type { Click } from './types';

/** Inclusive pixel bounds of a crop; may extend outside the slice (sampled as zero there). */
export interface Roi {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export interface ZoomInOptions {
  /** Number of clicks answered on the whole slice before zooming in (RITM: 1). */
  readonly skipClicks: number;
  readonly expansion: number;
  /** Smallest crop side in pixels (RITM: 200 for a 400 px input, i.e. half the input size). */
  readonly minCropSize: number;
  readonly threshold: number;
  /**
   * Answer a first click twice: on the whole slice, then zoomed in on that answer with it as the
   * previous mask (the crop a second click would get). A first answer on the whole slice,
   * downsampled to the input, misses small and thin objects. Not for a box (already cropped) nor a
   * prompt that starts from a mask. Known cost: a large object's partial first answer can shrink
   * (native-models/README, "First click answered twice").
   */
  readonly refineFirst: boolean;
}

export function defaultZoomIn(inputSize: readonly [number, number], threshold: number): ZoomInOptions {
  return { skipClicks: 1, expansion: 1.4, minCropSize: Math.round(0.5 * Math.max(inputSize[0], inputSize[1])), threshold, refineFirst: false };
}

/** Bounding box of the pixels above `threshold` (or non-zero for Uint8) plus the positive clicks. */
export function objectBox(
  mask: Uint8Array | Float32Array | undefined,
  width: number,
  height: number,
  clicks: readonly Click[],
  threshold: number,
): Roi | undefined {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  let found = false;
  if (mask) {
    const binary = mask instanceof Uint8Array;
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 0; x < width; x++) {
        const v = mask[row + x] ?? 0;
        if (binary ? v !== 0 : v > threshold) {
          found = true;
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
  }
  // RITM: no object in the previous prediction means no zoom-in, whatever the clicks.
  if (!found) return undefined;
  for (const c of clicks) {
    if (!c.positive) continue;
    const x = Math.round(c.x);
    const y = Math.round(c.y);
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  return { x0, y0, x1, y1 };
}

/** Places a span of `size` pixels centred at `centre` inside [0, extent), or centred on it when larger. */
function placeSpan(centre: number, size: number, extent: number): [number, number] {
  const span = Math.max(1, Math.round(size));
  let start: number;
  if (span >= extent) start = Math.round((extent - span) / 2);
  else start = Math.min(Math.max(Math.round(centre - (span - 1) / 2), 0), extent - span);
  return [start, start + span - 1];
}

/** A square (in millimetres) crop of side ≥ `side` pixels… around a centre, placed as described above. */
export function squareRoi(
  cx: number,
  cy: number,
  sideMm: number,
  width: number,
  height: number,
  spacing: readonly [number, number],
): Roi {
  const [x0, x1] = placeSpan(cx, sideMm / spacing[0], width);
  const [y0, y1] = placeSpan(cy, sideMm / spacing[1], height);
  return { x0, y0, x1, y1 };
}

/** The whole slice, padded to a square in millimetres. */
export function fullSliceRoi(width: number, height: number, spacing: readonly [number, number] = [1, 1]): Roi {
  const side = Math.max(width * spacing[0], height * spacing[1]);
  return squareRoi((width - 1) / 2, (height - 1) / 2, side, width, height, spacing);
}

function union(a: Roi, b: Roi | undefined): Roi {
  if (b === undefined) return a;
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

/**
 * The crop the model sees for this request (see the file comment). The first click sees the whole
 * slice, box or not (unless it refines a previous mask without a box, below): the models learnt
 * first clicks on whole slices, and a crop of the box at the first click measured far worse (the
 * box bounds that mask afterwards, click/honour.ts). From the second click on, a box prompt is part of the object's box, grown by what the clicks and the
 * previous mask add, and expanded as RITM expands its object box.
 */
export function zoomInRoi(
  previousMask: Uint8Array | Float32Array | undefined,
  width: number,
  height: number,
  clicks: readonly Click[],
  options: ZoomInOptions,
  spacing: readonly [number, number] = [1, 1],
  prompted?: Roi,
): Roi {
  const found = objectBox(previousMask, width, height, clicks, options.threshold);
  // A first click that refines a mask already there (a prompt that started from the segment's
  // pixels on this slice) is cropped like any later click: on the whole slice, downsampled to the
  // input, the rest of that mask would come back blurred, and committing replaces it.
  if (clicks.length <= options.skipClicks && (found === undefined || prompted !== undefined)) return fullSliceRoi(width, height, spacing);
  const box = prompted === undefined ? found : union(prompted, found);
  if (!box) return fullSliceRoi(width, height, spacing);
  const cx = (box.x0 + box.x1) / 2;
  const cy = (box.y0 + box.y1) / 2;
  const pixel = Math.min(spacing[0], spacing[1]);
  const sideMm = Math.max(
    options.expansion * (box.x1 - box.x0 + 1) * spacing[0],
    options.expansion * (box.y1 - box.y0 + 1) * spacing[1],
    options.minCropSize * pixel,
  );
  return squareRoi(cx, cy, sideMm, width, height, spacing);
}
