/**
 * The three propagation networks of a model folder (native-models/<id>/) on ONNX Runtime, behind
 * the engine's `PropagationNetworks` interface. Uses the shared model helpers: discovery and
 * sha256 verification (../models/discovery.ts) and sessions with execution-provider fallback
 * (../models/ort-session.ts). Runs wherever onnxruntime-node may load: the inference worker or
 * the CLI.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { parseExecutionProviderPreference, type ExecutionProvider } from '../../common/click/execution-provider';
import { identityDigest, type ModelFile, type ModelManifest } from '../../common/click/manifest';
import { ServiceError } from '../../common/errors';
import type { KeyFeatures, NetworkGeometry, PropagationNetworks } from '../../common/propagation/networks';
import { readModelFolder, verifyModel, isVerified, discoverModels, firstVerified } from '../models/discovery';
import { createOrtSession, envPreference, loadOrt } from '../models/ort-session';
import { outputOf } from './ort-output';
import { readFile } from 'node:fs/promises';
import { createOrtKernels, withSigmoidOutput } from './ort-kernels';
import { cutDecoderTail } from './decoder-tail';
import { upsampledLogits, upsampledProbabilities } from '../../common/propagation/upsample-logits';
import { isRunnableWindow, type ReadoutKernel, type ReadoutWindow } from '../../common/propagation/readout';
import { z } from 'zod';

export const PROPAGATION_ROLES = ['keyEncoder', 'valueEncoder', 'decoder'] as const;

/** The decoder's added output (withSigmoidOutput): sigmoid of its logits. */
const DECODER_PROBABILITY = 'iseg_probability';

/**
 * How the decoder session ends: cut before its final upsampling (decoder-tail.ts; the engine
 * upsamples and applies the sigmoid), or whole with a Sigmoid output appended.
 */
type DecoderEnd = { readonly kind: 'cut'; readonly output: string; readonly factor: number } | { readonly kind: 'whole'; readonly logits: string; readonly probability: string };

export interface PropagationReadoutSpec {
  readonly topK: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly stride: number;
  /** The local read-out the weights were trained with (readout.window); absent: every position. */
  readonly window?: ReadoutWindow;
}

const readoutWindowSchema = z
  .object({ tile: z.number().int().min(0), radius: z.number().int().min(0), pool: z.number().int().min(0).optional(), poolSide: z.number().int().min(1).optional() })
  .refine(isRunnableWindow);

function windowOf(manifest: ModelManifest, value: unknown): ReadoutWindow | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = readoutWindowSchema.safeParse(value);
  if (!parsed.success) {
    throw new ServiceError('unreadable', `Model "${manifest.id}": readout.window must be {tile ≥ 0, radius ≥ 0, pool 0 or ≥ 2 (≥ 2 with tile 0 or a poolSide), poolSide ≥ 1}, not ${JSON.stringify(value)}.`);
  }
  const { tile, radius, pool = 0, poolSide } = parsed.data;
  return { tile, radius, ...(pool >= 2 ? { pool } : {}), ...(poolSide !== undefined ? { poolSide } : {}) };
}

/** The read-out section of a propagation manifest, or one sentence saying what is wrong. */
export function readoutSpecOf(manifest: ModelManifest): PropagationReadoutSpec {
  const r = manifest.readout ?? {};
  const get = (key: string): number => {
    const v = r[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ServiceError('unreadable', `Model "${manifest.id}": readout.${key} must be a positive integer.`);
    return v;
  };
  if (r.kind !== undefined && r.kind !== 'l2-topk') throw new ServiceError('unreadable', `Model "${manifest.id}": read-out kind ${JSON.stringify(r.kind)} is not supported (only l2-topk).`);
  const window = windowOf(manifest, r.window);
  return { topK: get('topK'), keyDim: get('keyDim'), valueDim: get('valueDim'), stride: typeof r.stride === 'number' ? get('stride') : 16, ...(window ? { window } : {}) };
}

function names(file: ModelFile, expected: readonly string[], side: 'inputs' | 'outputs'): string[] {
  const specs = file[side];
  if (specs.length < expected.length) throw new ServiceError('unreadable', `${file.file} lists ${specs.length} ${side}, expected ${expected.join(', ')}.`);
  // By name where the manifest uses the agreed names, else by position.
  return expected.map((name, i) => specs.find((s) => s.name === name)?.name ?? specs[i]?.name ?? name);
}

export interface OnnxPropagationOptions {
  /** 'auto' | 'cpu' | 'cuda' | …; default $ISEG_EP or auto. */
  readonly ep?: string;
  readonly threads?: number;
  /** Where the read-out runs: ONNX Runtime (default) or the TypeScript loops. */
  readonly readout?: 'onnx' | 'typescript';
  /** Run the decoder whole, its final upsampling and an appended Sigmoid in ONNX Runtime (the reference). */
  readonly wholeDecoder?: boolean;
}

export class OnnxPropagationNetworks implements PropagationNetworks {
  readonly imageChannels = 3;

  private constructor(
    readonly id: string,
    /** sha256 of the key encoder (PropagationNetworks wants one digest); all three in `digests`. */
    readonly sha256: string,
    readonly ep: ExecutionProvider,
    private readonly spec: PropagationReadoutSpec,
    readonly threshold: number,
    readonly normalization: PropagationNetworks['normalization'],
    private readonly key: { session: InferenceSession; input: string; outputs: string[] },
    private readonly value: { session: InferenceSession; inputs: string[]; output: string },
    private readonly decoder: { session: InferenceSession; inputs: string[]; end: DecoderEnd },
    private readonly ort: typeof import('onnxruntime-node'),
  ) {}

  /** The three graphs' digests, for provenance. */
  digests: { role: string; sha256: string }[] = [];
  readoutKernel: ReadoutKernel | undefined;
  private releaseKernels: (() => Promise<void>) | undefined;

  get keyDim(): number {
    return this.spec.keyDim;
  }
  get valueDim(): number {
    return this.spec.valueDim;
  }
  get stride(): number {
    return this.spec.stride;
  }
  /** The manifest's readout.window; undefined when it names none (the engine's default then). */
  get readoutWindow(): ReadoutWindow | undefined {
    return this.spec.window;
  }

  get topK(): number {
    return this.spec.topK;
  }

  /** Loads and verifies the model in `dir` (a folder with manifest.json and the three .onnx files). */
  static async load(dir: string, options: OnnxPropagationOptions = {}): Promise<OnnxPropagationNetworks> {
    const discovered = await readModelFolder(dir, 'propagation');
    const model = await verifyModel(discovered);
    if (!isVerified(model)) throw new ServiceError('unreadable', model.problem ?? `The model in ${dir} cannot be used.`);
    const manifest = model.manifest;
    if (manifest.task !== 'propagation') throw new ServiceError('bad-request', `Model "${manifest.id}" is a ${manifest.task} model, not a propagation model.`);
    const files: Partial<Record<(typeof PROPAGATION_ROLES)[number], ModelFile>> = {};
    for (const role of PROPAGATION_ROLES) {
      const file = manifest.files[role];
      if (!file) throw new ServiceError('unreadable', `Model "${manifest.id}" has no files.${role}.`);
      files[role] = file;
    }
    const spec = readoutSpecOf(manifest);
    const preference = parseExecutionProviderPreference(options.ep ?? envPreference()) ?? 'auto';
    const decoderOutput = names(files.decoder as ModelFile, ['logits'], 'outputs')[0] ?? 'logits';
    let decoderEnd: DecoderEnd = { kind: 'whole', logits: decoderOutput, probability: DECODER_PROBABILITY };
    const open = async (role: (typeof PROPAGATION_ROLES)[number]) => {
      const path = model.files[role];
      if (!path) throw new ServiceError('unreadable', `Model "${manifest.id}" has no ${role} file.`);
      const sessionOptions = options.threads === undefined ? {} : { threads: options.threads };
      if (role !== 'decoder') return createOrtSession(path, preference, sessionOptions);
      // Read from the file verified above: cut before its last upsampling, else given a Sigmoid output.
      const bytes = new Uint8Array(await readFile(path));
      const cut = options.wholeDecoder ? undefined : cutDecoderTail(bytes, decoderOutput);
      if (cut) {
        try {
          const session = await createOrtSession(cut.model, preference, sessionOptions);
          decoderEnd = { kind: 'cut', output: cut.output, factor: cut.factor };
          return session;
        } catch {
          // A cut ONNX Runtime will not load: the decoder runs whole (its own errors, if any, are reported there).
        }
      }
      return createOrtSession(withSigmoidOutput(bytes, decoderOutput, DECODER_PROBABILITY), preference, sessionOptions);
    };
    const [k, v, d] = await Promise.all([open('keyEncoder'), open('valueEncoder'), open('decoder')]);
    const kf = files.keyEncoder as ModelFile;
    const vf = files.valueEncoder as ModelFile;
    const df = files.decoder as ModelFile;
    const n = manifest.normalization;
    const networks = new OnnxPropagationNetworks(
      manifest.id,
      identityDigest(manifest) ?? kf.sha256.toLowerCase(),
      k.ep,
      spec,
      manifest.threshold,
      { low: n.low, high: n.high, mean: n.mean, std: n.std },
      { session: k.session, input: names(kf, ['image'], 'inputs')[0] ?? 'image', outputs: names(kf, ['key', 'f16', 'f8', 'f4'], 'outputs') },
      { session: v.session, inputs: names(vf, ['image', 'mask', 'otherMask', 'f16'], 'inputs'), output: names(vf, ['value'], 'outputs')[0] ?? 'value' },
      { session: d.session, inputs: names(df, ['readout', 'f16', 'f8', 'f4'], 'inputs'), end: decoderEnd },
      await loadOrt(),
    );
    if (options.readout !== 'typescript') {
      const kernels = await createOrtKernels(options.threads);
      networks.readoutKernel = kernels.readout;
      networks.releaseKernels = kernels.release;
    }
    networks.digests = PROPAGATION_ROLES.map((role) => ({ role, sha256: (files[role] as ModelFile).sha256.toLowerCase() }));
    return networks;
  }

  async encodeKey(image: Float32Array, size: NetworkGeometry): Promise<KeyFeatures> {
    const out = await this.key.session.run({ [this.key.input]: this.tensor(image, [1, this.imageChannels, size.height, size.width]) });
    const [key, f16, f8, f4] = this.key.outputs.map((name) => outputOf(out, name, 'The propagation model'));
    return { key: key as Float32Array, f16: f16 as Float32Array, f8: f8 as Float32Array, f4: f4 as Float32Array };
  }

  async encodeValue(image: Float32Array, mask: Float32Array, otherMask: Float32Array, f16: Float32Array, size: NetworkGeometry): Promise<Float32Array> {
    const { height: H, width: W } = size;
    const h = H / this.stride;
    const w = W / this.stride;
    const [iImage, iMask, iOther, iF16] = this.value.inputs as [string, string, string, string];
    const out = await this.value.session.run({
      [iImage]: this.tensor(image, [1, this.imageChannels, H, W]),
      [iMask]: this.tensor(mask, [1, 1, H, W]),
      [iOther]: this.tensor(otherMask, [1, 1, H, W]),
      [iF16]: this.tensor(f16, [1, f16.length / (h * w), h, w]),
    });
    return outputOf(out, this.value.output, 'The propagation model');
  }

  /** How the decoder runs: cut before its final upsampling (the engine does it), or whole. */
  get decoderEnd(): DecoderEnd {
    return this.decoder.end;
  }

  async decode(readout: Float32Array, features: KeyFeatures, size: NetworkGeometry): Promise<Float32Array> {
    const end = this.decoder.end;
    if (end.kind === 'whole') return this.runDecoder(readout, features, size, end.logits);
    return upsampledLogits(await this.lowResolutionLogits(readout, features, size, end));
  }

  async decodeProbabilities(readout: Float32Array, features: KeyFeatures, size: NetworkGeometry, width: number, height: number): Promise<Float32Array> {
    const end = this.decoder.end;
    if (end.kind === 'cut') return upsampledProbabilities(await this.lowResolutionLogits(readout, features, size, end), width, height);
    const padded = await this.runDecoder(readout, features, size, end.probability);
    if (width === size.width && height === size.height) return padded;
    const out = new Float32Array(width * height);
    for (let y = 0; y < height; y++) out.set(padded.subarray(y * size.width, y * size.width + width), y * width);
    return out;
  }

  private async lowResolutionLogits(readout: Float32Array, features: KeyFeatures, size: NetworkGeometry, end: { output: string; factor: number }) {
    const logits = await this.runDecoder(readout, features, size, end.output);
    const lowWidth = size.width / end.factor;
    const lowHeight = size.height / end.factor;
    if (!Number.isInteger(lowWidth) || !Number.isInteger(lowHeight) || logits.length !== lowWidth * lowHeight) {
      throw new ServiceError('internal', `The propagation decoder gave ${logits.length} logits before its ${end.factor}× upsampling, not one channel of ${lowWidth} × ${lowHeight}.`);
    }
    return { logits, lowWidth, lowHeight, factor: end.factor };
  }

  private async runDecoder(readout: Float32Array, features: KeyFeatures, size: NetworkGeometry, output: string): Promise<Float32Array> {
    const { height: H, width: W } = size;
    const at = (s: number): [number, number] => [H / s, W / s];
    const shape = (a: Float32Array, s: number): number[] => {
      const [h, w] = at(s);
      return [1, a.length / (h * w), h, w];
    };
    const [iRead, i16, i8, i4] = this.decoder.inputs as [string, string, string, string];
    const out = await this.decoder.session.run({
      [iRead]: this.tensor(readout, shape(readout, this.stride)),
      [i16]: this.tensor(features.f16, shape(features.f16, this.stride)),
      [i8]: this.tensor(features.f8, shape(features.f8, this.stride / 2)),
      [i4]: this.tensor(features.f4, shape(features.f4, this.stride / 4)),
    }, [output]);
    return outputOf(out, output, 'The propagation model');
  }

  async dispose(): Promise<void> {
    await Promise.all([this.key.session.release(), this.value.session.release(), this.decoder.session.release(), this.releaseKernels?.()]);
  }

  private tensor(values: Float32Array, dims: number[]): Tensor {
    return new this.ort.Tensor('float32', values, dims);
  }
}

/**
 * The folder of propagation model `id` under the models root (fixtures included), or a clear error.
 * Without an id: the first trained model that passes its digest check, in the order "default"
 * tries click models (`firstVerified`: a quantised copy just before its source) — so a damaged
 * int8 copy leaves the float32 model in charge.
 */
export async function propagationModelDir(root: string, id: string | undefined): Promise<string> {
  const models = (await discoverModels(root, { includeFixtures: true })).filter((m) => m.manifest?.task === 'propagation');
  const chosen = id === undefined ? (await firstVerified(models.filter((m) => !m.fixture))).model : models.find((m) => m.id === id);
  if (!chosen) {
    const known = models.map((m) => m.id).join(', ') || 'none';
    throw new ServiceError('not-found', id === undefined ? `No usable trained propagation model was found under ${root} (available: ${known}).` : `There is no propagation model "${id}" under ${root} (available: ${known}).`);
  }
  return chosen.dir;
}
