/**
 * One review computation, as a plain function of plain data, so it can run in a Web Worker
 * (review-worker.ts) or, where workers are unavailable, on the page.
 */
import type { Vec3 } from '../../../electron/common/volume';
import { errorsPerSlice, overlapMetrics, rankSlices, type OverlapMetrics, type RankedSliceError } from './metrics';

export interface ReviewInput {
  readonly working: Uint8Array | Uint16Array;
  readonly reference: Uint8Array | Uint16Array;
  /** Segment values to score. */
  readonly values: readonly number[];
  readonly size: Vec3;
  readonly spacing: Vec3;
  /** Index axis along which slices are ranked by error. */
  readonly axis: 0 | 1 | 2;
}

export interface ReviewResult {
  readonly volumeMetrics: OverlapMetrics[];
  readonly ranked: RankedSliceError[];
}

export function computeReview(input: ReviewInput): ReviewResult {
  const { working, reference, values, size, spacing, axis } = input;
  return {
    volumeMetrics: values.map((v) => overlapMetrics(working, reference, v, size, spacing)),
    ranked: rankSlices(errorsPerSlice(working, reference, size, axis, new Set(values))),
  };
}
