/**
 * The inference worker's propagation operations. Merge into `WorkerOps` (inference-protocol.ts)
 * with `interface WorkerOps extends PropagationWorkerOps { … }`; the handlers are made by
 * `createPropagationWorkerHandlers()` in electron/inference/propagation/handlers.ts.
 *
 * A propagation is a job: `start` returns at once, `poll` returns the slices finalised since the
 * last poll (waiting up to `waitMs` for at least one), `cancel` stops it between two slices. The
 * worker's request/reply channel thus streams slices without any event type. Voxels travel as
 * ArrayBuffers, never as JSON numbers.
 */
import type { ComponentType, VolumeGeometry } from '../volume';
import type { GateDecision } from './auto-propagator';
import type { PropagateOptions, PropagationMethod } from './options';
import type { SuspectSlice } from './suspect';

export interface PropagationStartPayload {
  readonly jobId: string;
  readonly method: PropagationMethod;
  /** Folder of the propagation model (memory method). */
  readonly modelDir?: string;
  readonly ep?: string;
  readonly threads?: number;
  /**
   * Identifies the image for the worker's key cache (e.g. volume id + version). When the worker
   * still holds this image, `image.voxels` may be omitted.
   */
  readonly imageKey: string;
  readonly image: { readonly geometry: VolumeGeometry; readonly componentType: ComponentType; readonly voxels?: ArrayBuffer };
  readonly seeds: { readonly componentType: 'uint8' | 'uint16'; readonly voxels: ArrayBuffer };
  readonly options: PropagateOptions;
}

export interface WireSliceUpdate {
  readonly slice: number;
  readonly label: number;
  readonly componentType: 'uint8' | 'uint16';
  readonly labels: ArrayBuffer;
}

export type PropagationJobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface PropagationPollResult {
  readonly state: PropagationJobState;
  readonly updates: readonly WireSliceUpdate[];
  readonly done: number;
  readonly total: number;
  readonly error?: string;
  /** Present once, with state "done". */
  readonly outcome?: {
    readonly componentType: 'uint8' | 'uint16';
    readonly labels: ArrayBuffer;
    readonly propagated: readonly number[];
    readonly written: readonly number[];
    readonly computedSlices: number;
    readonly elapsedMs: number;
    readonly suspects: readonly SuspectSlice[];
    /** What ran, for provenance: the method, the options as the worker parsed them… */
    readonly method?: PropagationMethod;
    readonly options?: PropagateOptions;
    /** What the gate chose per object, with its held-out Dice (method 'auto'). */
    readonly gate?: readonly GateDecision[];
    /** …and the propagation model (memory method): manifest id and key-encoder sha256. */
    readonly model?: { readonly id: string; readonly sha256: string };
  };
}

export interface PropagationWorkerOps {
  'propagation.start': { payload: PropagationStartPayload; result: { jobId: string; needsImage: boolean } };
  'propagation.poll': { payload: { jobId: string; waitMs?: number }; result: PropagationPollResult };
  'propagation.cancel': { payload: { jobId: string }; result: { cancelled: boolean } };
}
