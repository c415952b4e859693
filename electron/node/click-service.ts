/**
 * Handlers of the click engine's contract methods (common/contract-click.ts): they find the volume
 * and the slice, check the prompt against the slice, and leave the rest to the click engine
 * (click-engine.ts: model selection, load state, and routing to the inference worker).
 */
import { randomUUID } from 'node:crypto';
import { ServiceError } from '../common/errors';
import type { ClickMethodInput, ClickMethodName, ClickMethodOutput } from '../common/contract-click';
import type { ExecutionProviderPreference } from '../common/click/execution-provider';
import { robustRange } from '../common/click/normalize';
import { checkPrompt, type Prompt } from '../common/click/prompt';
import { extractSlice } from '../common/click/slice';
import { ClickInputError, type ClickSegmenter } from '../common/click/types';
import type { Volume } from '../common/volume';
import { ClickEngine, type ClickWorkerLike } from './click-engine';

export type { ClickWorkerLike } from './click-engine';

export interface ClickServiceContext {
  worker: ClickWorkerLike;
  getVolume: (volumeId: string) => Volume | undefined;
  /** native-models/ (undefined: no models; clicks use the classical segmenter). */
  modelsRoot: string | undefined;
  /** Initial settings; see ClickEngineOptions. */
  clickModel?: string;
  ep?: ExecutionProviderPreference;
  /** The segmenter for clicks while the worker is down (default GrowCut). */
  fallbackSegmenter?: ClickSegmenter;
  /** The client whose call is running (ClientScope.current fits); default: one client. */
  currentClient?: () => string;
  log?: (message: string) => void;
}

export type ClickServiceHandlers = {
  [M in ClickMethodName]: (input: ClickMethodInput<M>) => Promise<ClickMethodOutput<M>>;
};

export function createClickServiceHandlers(context: ClickServiceContext): ClickServiceHandlers {
  const engine = new ClickEngine({
    worker: context.worker,
    modelsRoot: context.modelsRoot,
    ...(context.clickModel === undefined ? {} : { clickModel: context.clickModel }),
    ...(context.ep === undefined ? {} : { ep: context.ep }),
    ...(context.fallbackSegmenter === undefined ? {} : { fallbackSegmenter: context.fallbackSegmenter }),
    ...(context.log === undefined ? {} : { log: context.log }),
  });
  const log = context.log ?? ((m: string) => console.error(m));
  const ranges = new WeakMap<Volume, [number, number]>();
  /** A key per open volume for the worker's slice cache: ids may be reused, volumes are not. */
  const volumeKeys = new WeakMap<Volume, string>();
  const volumeKeyOf = (volume: Volume): string => {
    let key = volumeKeys.get(volume);
    if (key === undefined) volumeKeys.set(volume, (key = randomUUID()));
    return key;
  };
  const rangeOf = (volume: Volume): [number, number] => {
    let range = ranges.get(volume);
    if (!range) {
      range = robustRange(volume.voxels, 0.5, 99.5, 1 << 20);
      ranges.set(volume, range);
    }
    return range;
  };

  return {
    'segmentation.clickToMask': async (input) => {
      const started = performance.now();
      const volume = context.getVolume(input.volumeId);
      if (!volume) throw new ServiceError('not-found', 'That volume is not open (it may have been closed).');
      const slices = volume.geometry.size[input.axis];
      if (input.slice >= slices) throw new ServiceError('bad-request', `Slice ${input.slice} does not exist: the volume has ${slices} slices on that axis.`);
      const { data, geometry } = extractSlice(volume, input.axis, input.slice);
      const { width, height } = geometry;
      // The contract's schema checked the shapes; only what depends on this slice is left to check.
      if (input.previousMask !== undefined && input.previousMask.byteLength !== width * height) {
        throw new ServiceError('bad-request', `The previous mask has ${input.previousMask.byteLength} values but the ${width}×${height} slice has ${width * height}.`);
      }
      const prompt: Prompt = { clicks: input.clicks, ...(input.box ? { box: input.box } : {}), ...(input.scribbles ? { scribbles: input.scribbles } : {}) };
      try {
        checkPrompt(prompt, width, height);
      } catch (error) {
        if (error instanceof ClickInputError) throw new ServiceError('bad-request', error.message);
        throw error;
      }
      const volumeKey = volumeKeyOf(volume);
      // A click session, one client on one image: a pool of workers keeps it on one worker. Slice
      // keys stay the image's, so clients sharing an image (the sample) share a worker's slice.
      const sessionKey = `${volumeKey}@${context.currentClient?.() ?? 'local'}`;
      const answer = await engine.segment({
        slice: data,
        width,
        height,
        prompt,
        ...(input.previousMask ? { previousMask: input.previousMask } : {}),
        sliceKey: `${volumeKey}:${input.axis}:${input.slice}`,
        sessionKey,
        intensityRange: rangeOf(volume),
        pixelSpacing: geometry.pixelSpacing,
        ...(input.model === undefined ? {} : { model: input.model }),
      });
      const { mask, ...rest } = answer;
      return { ...rest, mask: mask.buffer as ArrayBuffer, width, height, axis: input.axis, slice: input.slice, elapsedMs: performance.now() - started };
    },
    'models.list': async (input) => {
      // The page asks for the list at start-up (status bar): begin loading the click model now, so
      // the first click does not wait for the session (seconds on a CPU).
      const loaded = engine.ensureLoaded().catch((error: unknown) => log(`Click model loading failed: ${String(error)}`));
      if (input.waitForEngine === true) await loaded;
      return { models: await engine.listModels(), engine: engine.status() };
    },
    'models.select': (input) => engine.select(input),
  };
}
