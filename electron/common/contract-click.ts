/**
 * Contract methods of the click engine (issue 5), to spread into `methods` in contract.ts:
 *   export const methods = { ...existing, ...clickMethods } as const;
 * Handlers: electron/node/click-service.ts (thin) over the click engine, electron/node/click-engine.ts. Masks travel as ArrayBuffers, never as JSON arrays.
 *
 * Slices: `axis` is the index axis normal to the slice (0 = i, 1 = j, 2 = k; the renderer picks it
 * for a view with indexAxisForView), and click (x, y) is a slice pixel as defined in
 * click/slice.ts. Locked labels are the caller's business: the mask is returned whole, and the
 * workspace that writes it into the label map leaves locked labels' voxels unchanged.
 */
import { z } from 'zod';
import { EXECUTION_PROVIDERS } from './click/execution-provider';

const arrayBufferSchema = z.instanceof(ArrayBuffer);
const finite = z.number();

/**
 * A file digest as the label sidecar records it (lowercase, so two spellings of one hash never
 * count as two models).
 */
export const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits');

/** A model as provenance names it: its manifest id and the digest that identifies its weights. */
export const modelDigestSchema = z.object({ id: z.string().min(1).max(256), sha256: sha256HexSchema }).strict();
export type ModelDigest = z.infer<typeof modelDigestSchema>;

export const clickSchema = z.object({ x: finite, y: finite, positive: z.boolean() }).strict();

/** A box prompt: inclusive slice-pixel corners (click/prompt.ts). */
export const boxSchema = z.object({ x0: finite, y0: finite, x1: finite, y1: finite }).strict();
/** A positive or negative stroke, in slice pixels; it becomes clicks along the stroke. */
export const scribbleSchema = z
  .object({ points: z.array(z.object({ x: finite, y: finite }).strict()).min(1).max(4096), positive: z.boolean() })
  .strict();

export const executionProviderPreferenceSchema = z.enum(['auto', ...EXECUTION_PROVIDERS]);

/** What the status bar shows about the click engine. */
export const clickEngineStatusSchema = z.object({
  /** The segmenter clicks use now: a model id or "classical-growcut". */
  clickModel: z.string(),
  kind: z.enum(['onnx', 'classical']),
  state: z.enum(['idle', 'loading', 'ready', 'fallback']),
  /** Execution provider of the loaded model (absent for the classical segmenter). */
  ep: z.enum(EXECUTION_PROVIDERS).optional(),
  /** "CPU", "CUDA", "DirectML", "CoreML", or "classical". */
  label: z.string(),
  preference: executionProviderPreferenceSchema,
  /** Why the classical segmenter is in use, or why the EP fell back; one sentence each. */
  messages: z.array(z.string()),
  /** Where classical clicks run: the inference worker, or the main process while it is down. */
  classicalRunsIn: z.enum(['worker', 'main']).optional(),
});
export type ClickEngineStatus = z.infer<typeof clickEngineStatusSchema>;

export const modelInfoSchema = z.object({
  id: z.string(),
  version: z.string().optional(),
  task: z.enum(['click-to-mask', 'propagation']).optional(),
  status: z.enum(['ok', 'unverified', 'invalid', 'missing', 'damaged']),
  problem: z.string().optional(),
  licence: z.object({ weights: z.string().optional(), data: z.string().optional() }).optional(),
  inputSize: z.tuple([z.number().int(), z.number().int()]).optional(),
  /**
   * Digest of the model's weights (a click model's `model` file, a propagation model's key
   * encoder), from its manifest; only for a model whose files matched it (status "ok").
   */
  sha256: sha256HexSchema.optional(),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

const indexAxisSchema = z.union([z.literal(0), z.literal(1), z.literal(2)]);

export const clickMethods = {
  'segmentation.clickToMask': {
    input: z
      .object({
        volumeId: z.string().min(1).max(64),
        axis: indexAxisSchema,
        slice: z.number().int().nonnegative().max(1 << 16),
        /** May be empty when a box or a scribble is given (the service checks that one is). */
        clicks: z.array(clickSchema).max(256),
        box: boxSchema.optional(),
        scribbles: z.array(scribbleSchema).max(64).optional(),
        /** Current mask of the object on this slice: uint8, width × height, non-zero = inside. */
        previousMask: arrayBufferSchema.refine((b) => b.byteLength <= 1 << 26, 'previousMask is too large').optional(),
        /** A model id or "classical"; default: the engine's current model. */
        model: z.string().min(1).max(64).optional(),
      })
      .strict(),
    output: z.object({
      /** uint8 0/1, width × height, x fastest. */
      mask: arrayBufferSchema,
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      axis: indexAxisSchema,
      slice: z.number().int().nonnegative(),
      modelId: z.string(),
      kind: z.enum(['onnx', 'classical']),
      /** sha256 of the ONNX file that answered (kind "onnx" only), for the label sidecar. */
      modelSha256: sha256HexSchema.optional(),
      ep: z.enum(EXECUTION_PROVIDERS).optional(),
      /** Set when the classical segmenter answered because the model could not. */
      fallbackReason: z.string().optional(),
      /** Where the segmenter ran: the inference worker, or the main process while the worker is down. */
      ranIn: z.enum(['worker', 'main']).optional(),
      elapsedMs: finite,
    }),
  },
  'models.list': {
    input: z
      .object({
        /** Answer once the click model that is loading has loaded (or failed): its status, not "loading". */
        waitForEngine: z.boolean().optional(),
      })
      .strict(),
    output: z.object({ models: z.array(modelInfoSchema), engine: clickEngineStatusSchema }),
  },
  'models.select': {
    input: z
      .object({
        /** A click model id, "classical", or "default". */
        clickModel: z.string().min(1).max(64).optional(),
        ep: executionProviderPreferenceSchema.optional(),
      })
      .strict(),
    output: clickEngineStatusSchema,
  },
} as const;

export type ClickMethods = typeof clickMethods;
export type ClickMethodName = keyof ClickMethods;
export type ClickMethodInput<M extends ClickMethodName> = z.input<ClickMethods[M]['input']>;
export type ClickMethodOutput<M extends ClickMethodName> = z.output<ClickMethods[M]['output']>;
