/**
 * The one interface every propagation method implements (the memory network in the inference
 * worker, morphological contour interpolation in Node), so the app, the CLI and the evaluation
 * treat them alike.
 */
import type { Volume } from '../volume';
import type { GateDecision } from './auto-propagator';
import type { PropagateOptions, PropagationMethod } from './options';
import type { SuspectSlice } from './suspect';

/** What a caller can pass to cancel: Node's and the browser's AbortSignal both fit. */
export interface CancelSignal {
  readonly aborted: boolean;
}

export interface SliceUpdate {
  /** Slice index along the propagation axis. */
  readonly slice: number;
  /** The label that was just (re)computed on this slice. */
  readonly label: number;
  /** The whole merged label slice as it stands now (width × height, x fastest). */
  readonly labels: Uint8Array | Uint16Array;
  /** Slices finalised so far and in all (over every label). */
  readonly done: number;
  readonly total: number;
}

export type SliceListener = (update: SliceUpdate) => void;

export interface PropagationOutcome {
  /** A new label map in the seeds' geometry, built when first read; the seeds themselves are never modified. */
  readonly labels: Volume;
  readonly method: PropagationMethod;
  /** Labels that were propagated. */
  readonly propagated: readonly number[];
  /** Slices that were (re)written, ascending, over every label. */
  readonly written: readonly number[];
  /** Slices predicted by the method (network evaluations or interpolated slices). */
  readonly computedSlices: number;
  readonly elapsedMs: number;
  readonly suspects: readonly SuspectSlice[];
  /** Where the time went (memory method): network calls and read-out, in ms and counts. */
  readonly timings?: PropagationTimings;
  /** What the gate chose per object and its held-out Dice (method 'auto' only). */
  readonly gate?: readonly GateDecision[];
}

export interface PropagationTimings {
  readonly keyEncodes: number;
  readonly valueEncodes: number;
  readonly decodes: number;
  readonly readoutMs: number;
  readonly networkMs: number;
}

export interface Propagator {
  readonly method: PropagationMethod;
  /**
   * Propagates `seeds` (a label map with some slices filled, in `image`'s geometry) through the
   * volume. Streams each finalised slice through `onSlice`; rejects with a ServiceError 'cancelled'
   * soon after `signal` aborts, in which case nothing is returned and the seeds are untouched.
   */
  propagate(image: Volume, seeds: Volume, options: PropagateOptions, onSlice?: SliceListener, signal?: CancelSignal): Promise<PropagationOutcome>;
}
