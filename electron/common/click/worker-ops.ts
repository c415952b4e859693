/**
 * The inference worker's click operations: one options schema and one result schema per operation
 * (ITK-Wasm's `<op>-options` / `<op>-result` style). The worker parses the options before its
 * handler (electron/inference/click-handlers.ts) runs, and the host parses the result
 * (electron/node/inference-host.ts); the TypeScript types are derived from these schemas. Slices
 * and masks travel as ArrayBuffers (structured clone), never as JSON number arrays.
 */
import { z } from 'zod';
import type { ReadonlyDeep } from '../readonly-deep';
import { boxSchema, clickSchema, scribbleSchema } from '../contract-click';
import { EXECUTION_PROVIDERS } from './execution-provider';

const arrayBuffer = z.instanceof(ArrayBuffer);
const executionProvider = z.enum(EXECUTION_PROVIDERS);
const range = z.tuple([z.number(), z.number()]).readonly();
/** Slices up to 2^26 pixels (8192²): past that the buffers alone exceed a message's sane size. */
const MAX_SLICE_PIXELS = 1 << 26;

/** A model folder to load: the worker parses its manifest.json and verifies its sha256 itself. */
export const clickLoadOptionsSchema = z
  .object({
    /** Absolute path of native-models/<id>/. */
    modelDir: z.string().min(1),
    ep: z.enum(['auto', ...EXECUTION_PROVIDERS]),
    /** Intra-op threads (default: all cores). */
    threads: z.number().int().positive().optional(),
  })
  .strict();

export const clickLoadResultSchema = z.object({
  modelId: z.string(),
  ep: executionProvider,
  attempts: z.array(z.object({ ep: executionProvider, error: z.string().optional() })).readonly(),
  loadMs: z.number(),
  /** First forward pass (warm-up, on zeros). */
  warmupMs: z.number(),
});

export const clickPredictOptionsSchema = z
  .object({
    /** A loaded model's id, or "classical-growcut" / "classical" (always available). */
    modelId: z.string().min(1),
    /** Float32 slice values, width × height, x fastest; may be left out when `sliceKey` is cached. */
    slice: arrayBuffer.optional(),
    /**
     * Names the slice (and the last mask answered on it) in the worker's cache, so the next click
     * on it sends neither again. A key the worker no longer holds is answered with an error
     * containing NOT_CACHED_IN_WORKER, and the caller sends the buffers again.
     */
    sliceKey: z.string().min(1).max(256).optional(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    clicks: z.array(clickSchema).readonly(),
    /** A box prompt and scribbles beside the clicks (click/prompt.ts). */
    box: boxSchema.optional(),
    scribbles: z.array(scribbleSchema).readonly().optional(),
    /** The click guarantee (click/honour.ts); default true. */
    guarantee: z.boolean().optional(),
    /** Uint8 (binary, the default) or Float32 (probability) previous mask, width × height. */
    previousMask: arrayBuffer.optional(),
    previousMaskType: z.enum(['uint8', 'float32']).optional(),
    /**
     * The previous mask is the worker's answer `previousAnswerId` on `sliceKey` (nothing is sent);
     * if that is no longer its last answer there, the error contains NOT_CACHED_IN_WORKER.
     */
    previousAnswerId: z.number().int().nonnegative().optional(),
    intensityRange: range.optional(),
    pixelSpacing: range.optional(),
    /**
     * What comes back: "mask-runs" (the mask at the engine's threshold as uint32 run lengths,
     * click/mask-runs.ts; what the app uses), "mask" (uint8 0/1) or "probabilities" (float32; the
     * default, for evaluation).
     */
    output: z.enum(['mask-runs', 'mask', 'probabilities']).optional(),
  })
  .strict()
  .superRefine((o, context) => {
    const pixels = o.width * o.height;
    if (pixels > MAX_SLICE_PIXELS) {
      context.addIssue({ code: 'custom', message: `The slice size ${o.width}×${o.height} is too large.` });
      return;
    }
    if (o.slice === undefined && o.sliceKey === undefined) {
      context.addIssue({ code: 'custom', path: ['slice'], message: 'The slice or the key of a cached slice is needed.' });
    }
    if (o.slice !== undefined && o.slice.byteLength !== pixels * 4) {
      context.addIssue({ code: 'custom', path: ['slice'], message: `The slice must be ${pixels} float32 values (${o.width}×${o.height}).` });
    }
    if (o.previousAnswerId !== undefined && (o.sliceKey === undefined || o.previousMask !== undefined)) {
      context.addIssue({ code: 'custom', path: ['previousAnswerId'], message: 'A previous answer needs a slice key, and no previous mask beside it.' });
    }
    if (o.previousMask !== undefined) {
      const bytes = o.previousMaskType === 'float32' ? pixels * 4 : pixels;
      if (o.previousMask.byteLength !== bytes) {
        context.addIssue({ code: 'custom', path: ['previousMask'], message: `The previous mask must be ${bytes} bytes for a ${o.width}×${o.height} slice.` });
      }
    }
  });

export const clickPredictResultSchema = z.object({
  modelId: z.string(),
  /** What `output` says: float32 probabilities, uint8 0/1, or uint32 mask runs; width × height pixels. */
  probabilities: arrayBuffer,
  output: z.enum(['mask-runs', 'mask', 'probabilities']),
  /** With a `sliceKey` and a mask output: the id under which the worker keeps this answer's mask. */
  answerId: z.number().int().nonnegative().optional(),
  threshold: z.number(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Time inside the worker: whole predict, and the model's forward pass alone (0 for classical). */
  predictMs: z.number(),
  forwardMs: z.number(),
});

export const clickUnloadOptionsSchema = z.object({ modelId: z.string().min(1) }).strict();
export const clickUnloadResultSchema = z.object({ unloaded: z.boolean() });

export const clickStatusOptionsSchema = z.object({}).strict();
export const clickStatusResultSchema = z.object({
  loaded: z.array(z.object({ modelId: z.string(), ep: executionProvider })).readonly(),
  rssMb: z.number(),
  /** Peak resident set size of the worker process so far. */
  peakRssMb: z.number(),
});

/** The click operations, for the worker's dispatch and the host's result check. */
export const clickWorkerOperations = {
  'click.load': { options: clickLoadOptionsSchema, result: clickLoadResultSchema },
  'click.predict': { options: clickPredictOptionsSchema, result: clickPredictResultSchema },
  'click.unload': { options: clickUnloadOptionsSchema, result: clickUnloadResultSchema },
  'click.status': { options: clickStatusOptionsSchema, result: clickStatusResultSchema },
} as const;

export type ClickModelLoadPayload = ReadonlyDeep<z.input<typeof clickLoadOptionsSchema>>;
export type ClickModelLoadResult = z.output<typeof clickLoadResultSchema>;
export type ClickPredictPayload = ReadonlyDeep<z.input<typeof clickPredictOptionsSchema>>;
export type ClickPredictResult = z.output<typeof clickPredictResultSchema>;
export type ClickWorkerStatus = z.output<typeof clickStatusResultSchema>;

/** Options as a caller writes them and results as the host hands them on, per operation. */
export type ClickWorkerOps = {
  [K in keyof typeof clickWorkerOperations]: {
    payload: ReadonlyDeep<z.input<(typeof clickWorkerOperations)[K]['options']>>;
    result: z.output<(typeof clickWorkerOperations)[K]['result']>;
  };
};
export type ClickWorkerOpName = keyof ClickWorkerOps;

/** In the worker's error when a `sliceKey` it was asked for is not (or no longer) in its cache. */
export const NOT_CACHED_IN_WORKER = 'is not cached in the inference worker';

/** The worker's reply to an op it does not know starts with this (see worker.ts). */
export const UNKNOWN_OP_PREFIX = 'Unknown worker operation';
