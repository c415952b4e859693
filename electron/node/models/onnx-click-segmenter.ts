/**
 * The ONNX click model behind the `ClickSegmenter` interface. The same class runs in the inference
 * worker (for the app) and in the CLI's eval-clicks and bench, so what is measured is what ships.
 */
import { clickModelTensorNames, outputIsLogits } from '../../common/click/manifest';
import type { ExecutionProvider, ExecutionProviderPreference, ProviderAttempt } from '../../common/click/execution-provider';
import { prepareClickInput, restoreProbabilities, specFromManifest, type ClickModelSpec, type InputBuffers, type PreparedInput } from '../../common/click/prepare';
import type { ZoomInOptions } from '../../common/click/roi';
import type { Click, ClickSegmenter, PredictOptions } from '../../common/click/types';
import type { VerifiedModel } from './discovery';
import { createOrtSession, loadOrt, type OrtSessionHandle } from './ort-session';

/** Input buffer pairs kept for reuse: two cover a click in flight and the next one being prepared. */
const MAX_SPARE_BUFFERS = 2;

export interface OnnxLoadOptions {
  readonly ep?: ExecutionProviderPreference;
  readonly threads?: number;
  readonly zoomIn?: Partial<ZoomInOptions>;
}

export class OnnxClickSegmenter implements ClickSegmenter {
  readonly kind = 'onnx' as const;
  readonly threshold: number;
  /** Milliseconds of the last request's forward passes alone (session.run; two for a refined first click). */
  lastForwardMs = 0;
  /** CPU milliseconds of the same, all threads of this process together. */
  lastForwardCpuMs = 0;
  private readonly names: { image: string; clicks: string; output: string };
  /** Input arrays of earlier clicks, reused by the next (prepare.ts InputBuffers). */
  private readonly spareBuffers: InputBuffers[] = [];
  private readonly logits: boolean;

  private constructor(
    readonly id: string,
    readonly spec: ClickModelSpec,
    private readonly handle: OrtSessionHandle,
    model: VerifiedModel,
  ) {
    this.threshold = spec.threshold;
    const file = model.manifest.files.model;
    if (!file) throw new Error(`Model "${id}" has no files.model.`);
    this.names = clickModelTensorNames(file);
    this.logits = outputIsLogits(model.manifest, file);
  }

  get ep(): ExecutionProvider {
    return this.handle.ep;
  }
  get attempts(): readonly ProviderAttempt[] {
    return this.handle.attempts;
  }
  get loadMs(): number {
    return this.handle.loadMs;
  }
  get warmupMs(): number {
    return this.handle.warmupMs;
  }

  static async load(model: VerifiedModel, options: OnnxLoadOptions = {}): Promise<OnnxClickSegmenter> {
    const manifest = model.manifest;
    if (manifest.task !== 'click-to-mask') throw new Error(`Model "${model.id}" is a ${manifest.task} model, not a click model.`);
    const path = model.files.model;
    const file = manifest.files.model;
    if (!path || !file) throw new Error(`Model "${model.id}" has no files.model.`);
    const spec = specFromManifest(manifest, options.zoomIn);
    const names = clickModelTensorNames(file);
    const shape = [1, 3, spec.inputSize[0], spec.inputSize[1]];
    const handle = await createOrtSession(path, options.ep ?? 'auto', {
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      warmup: { [names.image]: shape, [names.clicks]: shape },
    });
    return new OnnxClickSegmenter(manifest.id, spec, handle, model);
  }

  async predict(
    slice: Float32Array,
    width: number,
    height: number,
    clicks: readonly Click[],
    previousMask?: Uint8Array | Float32Array,
    options?: PredictOptions,
  ): Promise<Float32Array> {
    const [h, w] = this.spec.inputSize;
    // Clicks overlapping in time (predict is async) each take their own pair.
    const buffers = this.spareBuffers.pop() ?? { image: new Float32Array(3 * h * w), clicks: new Float32Array(3 * h * w) };
    try {
      const prepared = prepareClickInput(this.spec, slice, width, height, clicks, previousMask, options, buffers);
      const output = await this.forward(prepared);
      const first = restoreProbabilities(this.spec, output, this.logits, prepared.roi, width, height);
      if (!this.refines(previousMask, options)) return first;
      const firstForwardMs = this.lastForwardMs;
      const firstForwardCpuMs = this.lastForwardCpuMs;
      const zoomed = prepareClickInput(this.spec, slice, width, height, clicks, first, options, buffers);
      const refined = await this.forward(zoomed);
      this.lastForwardMs += firstForwardMs;
      this.lastForwardCpuMs += firstForwardCpuMs;
      return restoreProbabilities(this.spec, refined, this.logits, zoomed.roi, width, height);
    } finally {
      // session.run has returned: onnxruntime holds no reference to the inputs any more.
      if (this.spareBuffers.length < MAX_SPARE_BUFFERS) this.spareBuffers.push(buffers);
    }
  }

  /** Whether this request gets a second, zoomed-in pass (ZoomInOptions.refineFirst). */
  private refines(previousMask: Uint8Array | Float32Array | undefined, options: PredictOptions | undefined): boolean {
    return this.spec.zoomIn.refineFirst && this.spec.withPreviousMask && previousMask === undefined && options?.box === undefined;
  }

  /** The forward pass alone: the model's [H, W] output (logits or probabilities, see the manifest) for prepared inputs. */
  async forward(prepared: PreparedInput): Promise<Float32Array> {
    const ort = await loadOrt();
    const [h, w] = this.spec.inputSize;
    const feeds = {
      [this.names.image]: new ort.Tensor('float32', prepared.image, [1, 3, h, w]),
      [this.names.clicks]: new ort.Tensor('float32', prepared.clicks, [1, 3, h, w]),
    };
    const t0 = performance.now();
    const cpu = process.cpuUsage();
    const results = await this.handle.session.run(feeds);
    this.lastForwardMs = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    this.lastForwardCpuMs = (used.user + used.system) / 1000;
    const output = results[this.names.output];
    if (!output || output.type !== 'float32') throw new Error(`Model "${this.id}" did not return a float32 "${this.names.output}".`);
    // The CPU provider's outputs are arrays of their own: keeping one after dispose() is safe.
    const data = output.data as Float32Array;
    for (const tensor of Object.values(results)) tensor.dispose();
    return data;
  }

  /** Whether forward() returns logits (else probabilities). */
  get outputIsLogits(): boolean {
    return this.logits;
  }

  async dispose(): Promise<void> {
    await this.handle.session.release();
  }
}
