/**
 * The manifest that ships beside every model in native-models/<id>/manifest.json (written by the
 * Python export; see native-models/isegnet/export.py). Parsed at the boundary: a model whose
 * manifest does not match is reported as invalid and never loaded.
 */
import { z } from 'zod';
import { denoiseSchema } from './denoise';

const dim = z.union([z.number().int().nonnegative(), z.string()]);

export const tensorSpecSchema = z.object({
  name: z.string().min(1),
  shape: z.array(dim),
  type: z.string().min(1),
});
export type TensorSpec = z.infer<typeof tensorSpecSchema>;

export const modelFileSchema = z.object({
  /** Relative to the manifest's folder; never absolute, never leaving it. */
  file: z
    .string()
    .min(1)
    .refine((f) => !f.startsWith('/') && !/^[a-zA-Z]:/.test(f) && !f.split(/[\\/]/).includes('..'), 'must stay inside the model folder'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hex digits'),
  inputs: z.array(tensorSpecSchema),
  outputs: z.array(tensorSpecSchema),
});
export type ModelFile = z.infer<typeof modelFileSchema>;

const triple = z.tuple([z.number(), z.number(), z.number()]);

export const normalizationSchema = z.object({
  kind: z.literal('percentile'),
  low: z.number().min(0).max(100),
  high: z.number().min(0).max(100),
  mean: triple,
  std: triple.refine((s) => s.every((v) => v > 0), 'std must be positive'),
});

export const clickEncodingSchema = z.object({
  kind: z.literal('disks'),
  radius: z.number().positive().max(64),
  channels: z.array(z.enum(['positive', 'negative', 'previousMask'])).min(2),
});

/**
 * The zoom-in a click model was tuned with (roi.ts); absent fields keep RITM's defaults. Strict:
 * a misspelt key would otherwise silently leave the default in place.
 */
export const zoomInSchema = z.strictObject({
  expansion: z.number().min(1).max(8).optional(),
  minCropSize: z.number().int().min(1).max(8192).optional(),
  refineFirst: z.boolean().optional(),
});

/**
 * A quantised copy of another model (native-models/quantize_click.py): which model it was made
 * from. The default click model is the quantised copy where one sits beside its source and passed
 * the accuracy check (see defaultModelOrder).
 */
export const quantizationSchema = z
  .object({
    kind: z.string().min(1),
    source: z.object({ id: z.string().min(1), version: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hex digits') }).loose(),
  })
  .loose();

export const modelManifestSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" and "-"'),
  version: z.string().min(1),
  task: z.enum(['click-to-mask', 'propagation']),
  files: z.record(z.string(), modelFileSchema),
  opset: z.number().int().positive().optional(),
  inputSize: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  normalization: normalizationSchema,
  clickEncoding: clickEncodingSchema.optional(),
  readout: z.record(z.string(), z.unknown()).optional(),
  threshold: z.number().min(0).max(1).default(0.49),
  zoomIn: zoomInSchema.optional(),
  denoise: denoiseSchema.optional(),
  licence: z.object({ weights: z.string(), data: z.string() }).partial().loose().optional(),
  trainingData: z.array(z.unknown()).optional(),
  metrics: z.record(z.string(), z.unknown()).optional(),
  quantization: quantizationSchema.optional(),
}).loose();
export type ModelManifest = z.infer<typeof modelManifestSchema>;

/**
 * The digest that names a model's weights (provenance, `models.list`, the propagation networks):
 * a click model's `model` file, a propagation model's key encoder. Lowercased: manifests may spell
 * hex either way, the sidecar wants one spelling.
 */
export function identityDigest(manifest: ModelManifest): string | undefined {
  const file = manifest.task === 'propagation' ? manifest.files.keyEncoder : manifest.files.model;
  return file?.sha256.toLowerCase();
}

export type ManifestCheck = { ok: true; manifest: ModelManifest } | { ok: false; problem: string };

/** Parses a manifest and checks what the click engine relies on; `problem` is one sentence. */
export function parseModelManifest(json: unknown): ManifestCheck {
  const parsed = modelManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { ok: false, problem: `the manifest is invalid (${where}${issue?.message ?? 'rejected'})` };
  }
  const manifest = parsed.data;
  if (manifest.normalization.low >= manifest.normalization.high) {
    return { ok: false, problem: 'the manifest is invalid (normalization.low must be below normalization.high)' };
  }
  if (manifest.task === 'click-to-mask') {
    const model = manifest.files.model;
    if (!model) return { ok: false, problem: 'the manifest is invalid (a click model needs files.model)' };
    if (!manifest.clickEncoding) return { ok: false, problem: 'the manifest is invalid (a click model needs clickEncoding)' };
    if (model.inputs.length !== 2 || model.outputs.length < 1) {
      return { ok: false, problem: 'the manifest is invalid (a click model has two inputs, image and clicks, and one output)' };
    }
  }
  return { ok: true, manifest };
}

/** Which input of the click model is the image and which the click maps. */
export function clickModelTensorNames(file: ModelFile): { image: string; clicks: string; output: string } {
  const [a, b] = file.inputs;
  const clicksInput = file.inputs.find((t) => /click/i.test(t.name)) ?? b ?? a;
  const imageInput = file.inputs.find((t) => t !== clicksInput) ?? a;
  const output = file.outputs[0];
  return { image: imageInput?.name ?? 'image', clicks: clicksInput?.name ?? 'clicks', output: output?.name ?? 'logits' };
}

/**
 * Whether the output is logits (the engine applies the sigmoid) or already probabilities: the
 * manifest's optional `output.activation` ("sigmoid": logits), else the output's name.
 */
export function outputIsLogits(manifest: ModelManifest, file: ModelFile): boolean {
  const output = (manifest as { output?: unknown }).output;
  if (typeof output === 'object' && output !== null && 'activation' in output) {
    const activation = (output as { activation?: unknown }).activation;
    if (activation === 'sigmoid') return true;
    if (activation === 'none' || activation === 'identity') return false;
  }
  return !/prob/i.test(file.outputs[0]?.name ?? '');
}

/**
 * The order in which "default" tries models (click, propagation): by id, except that a quantised
 * copy goes just before the model it was made from, when made from that model's present weights
 * (it answers within noise for less CPU, issue #19), so the float32 model stays the fallback.
 */
export function defaultModelOrder<T extends { readonly id: string; readonly manifest?: ModelManifest | undefined }>(models: readonly T[]): T[] {
  const byId = new Map(models.map((m) => [m.id, m]));
  // A copy made from other weights than its source's present ones (the source retrained since) is
  // stale: it keeps its place in id order, after the source, instead of shadowing it.
  const sourceOf = (m: T): string | undefined => {
    const source = m.manifest?.quantization?.source;
    if (source === undefined || source.id === m.id) return undefined;
    const present = byId.get(source.id)?.manifest;
    return present !== undefined && identityDigest(present) === source.sha256.toLowerCase() ? source.id : undefined;
  };
  const sorted = [...models].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const copies = sorted.filter((m) => sourceOf(m) !== undefined);
  const ordered: T[] = [];
  for (const m of sorted) {
    if (sourceOf(m) !== undefined) continue;
    ordered.push(...copies.filter((c) => sourceOf(c) === m.id), m);
  }
  return ordered;
}
