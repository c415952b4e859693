/**
 * Every engine's road from a prompt to a mask, so the app's worker, its main-process fallback and
 * the CLI's evaluation run one path: prompt → engine clicks and box (prompt.ts) → any
 * ClickSegmenter → the click guarantee (honour.ts).
 */
import { honourProbabilities } from './honour';
import { threshold } from './prepare';
import { checkPrompt, promptClicks, type Prompt } from './prompt';
import type { Click, ClickSegmenter, PredictOptions } from './types';

export interface PromptOptions extends PredictOptions {
  /** Apply the click guarantee (default true; false measures the engine alone). */
  readonly guarantee?: boolean;
  /** Keep components no positive click and no previous-mask pixel holds (honour.ts step 4 off). */
  readonly keepStray?: boolean;
}

/** Probabilities for the prompt from `segmenter`, with the guarantee applied unless turned off. */
export async function segmentPrompt(
  segmenter: ClickSegmenter,
  slice: Float32Array,
  width: number,
  height: number,
  prompt: Prompt,
  previousMask?: Uint8Array | Float32Array,
  options: PromptOptions = {},
): Promise<Float32Array> {
  checkPrompt(prompt, width, height);
  const { guarantee = true, keepStray = false, ...predictOptions } = options;
  const clicks = promptClicks(prompt);
  const box = prompt.box;
  const probabilities = await segmenter.predict(slice, width, height, clicks.engine, previousMask, {
    ...predictOptions,
    ...(box ? { box } : {}),
  });
  if (!guarantee) return probabilities;
  // A label mask as it is (honour.ts reads non-zero), probabilities as the engine thresholds them.
  const previous = previousMask === undefined || keepStray ? undefined : previousMask instanceof Uint8Array ? previousMask : threshold(previousMask, segmenter.threshold);
  return honourProbabilities(
    probabilities,
    width,
    height,
    { clicks: clicks.user, ...(box ? { box } : {}), ...(previous ? { previous } : {}), ...(keepStray ? { keepStray } : {}) },
    segmenter.threshold,
  );
}

/**
 * `segmenter` behind the same interface, answering through segmentPrompt (a box comes in
 * PredictOptions.box): what the click protocol and the benchmarks drive.
 */
export function promptSegmenter(segmenter: ClickSegmenter, guarantee = true, keepStray = false): ClickSegmenter {
  return {
    id: segmenter.id,
    kind: segmenter.kind,
    threshold: segmenter.threshold,
    predict: (slice: Float32Array, width: number, height: number, clicks: readonly Click[], previousMask?: Uint8Array | Float32Array, options: PredictOptions = {}) => {
      const { box, ...rest } = options;
      return segmentPrompt(segmenter, slice, width, height, { clicks, ...(box ? { box } : {}) }, previousMask, { ...rest, guarantee, keepStray });
    },
  };
}
