/**
 * The inference worker's click operations, their payloads and results. Merge into `WorkerOps`
 * (inference-protocol.ts) with `interface WorkerOps extends ClickWorkerOps { … }`; the handlers are
 * in electron/inference/click-handlers.ts. Slices and masks travel as ArrayBuffers (structured
 * clone), never as JSON number arrays.
 */
import type { ExecutionProvider, ExecutionProviderPreference, ProviderAttempt } from './execution-provider';
import type { Scribble } from './prompt';
import type { Box, Click } from './types';

/**
 * A model for the worker to load: the folder holding its manifest.json. The worker parses the
 * manifest and verifies the file's sha256 itself before creating the session.
 */
export interface ClickModelLoadPayload {
  /** Absolute path of native-models/<id>/. */
  readonly modelDir: string;
  readonly ep: ExecutionProviderPreference;
  /** Intra-op threads (default: all cores). */
  readonly threads?: number;
}

export interface ClickModelLoadResult {
  readonly modelId: string;
  readonly ep: ExecutionProvider;
  readonly attempts: readonly ProviderAttempt[];
  readonly loadMs: number;
  /** First forward pass (warm-up, on zeros). */
  readonly warmupMs: number;
}

export interface ClickPredictPayload {
  /** A loaded model's id, or "classical-growcut" (always available). */
  readonly modelId: string;
  /** Float32 slice values, width × height, x fastest. */
  readonly slice: ArrayBuffer;
  readonly width: number;
  readonly height: number;
  readonly clicks: readonly Click[];
  /** A box prompt and scribbles beside the clicks (click/prompt.ts). */
  readonly box?: Box;
  readonly scribbles?: readonly Scribble[];
  /** The click guarantee (click/honour.ts); default true. */
  readonly guarantee?: boolean;
  /** Uint8 (binary) or Float32 (probability) previous mask, width × height. */
  readonly previousMask?: ArrayBuffer;
  readonly previousMaskType?: 'uint8' | 'float32';
  readonly intensityRange?: readonly [number, number];
  readonly pixelSpacing?: readonly [number, number];
  /**
   * What comes back: "mask" (uint8 0/1 at the model's threshold, 4× less to copy; what the app
   * uses) or "probabilities" (float32; the default, for evaluation).
   */
  readonly output?: 'mask' | 'probabilities';
}

export interface ClickPredictResult {
  readonly modelId: string;
  /** Float32 probabilities, or uint8 0/1 when the payload asked for "mask"; width × height. */
  readonly probabilities: ArrayBuffer;
  readonly output: 'mask' | 'probabilities';
  readonly threshold: number;
  readonly width: number;
  readonly height: number;
  /** Time inside the worker: whole predict, and the model's forward pass alone (0 for classical). */
  readonly predictMs: number;
  readonly forwardMs: number;
}

export interface ClickWorkerStatus {
  readonly loaded: readonly { modelId: string; ep: ExecutionProvider }[];
  readonly rssMb: number;
  /** Peak resident set size of the worker process so far. */
  readonly peakRssMb: number;
}

export interface ClickWorkerOps {
  'click.load': { payload: ClickModelLoadPayload; result: ClickModelLoadResult };
  'click.predict': { payload: ClickPredictPayload; result: ClickPredictResult };
  'click.unload': { payload: { modelId: string }; result: { unloaded: boolean } };
  'click.status': { payload: Record<string, never>; result: ClickWorkerStatus };
}
export type ClickWorkerOpName = keyof ClickWorkerOps;

/** The worker's reply to an op it does not know starts with this (see worker.ts). */
export const UNKNOWN_OP_PREFIX = 'Unknown worker operation';
