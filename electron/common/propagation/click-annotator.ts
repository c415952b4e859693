/**
 * Slices annotated the interactive way, for the evaluations: RITM click simulation on one slice
 * (each click at the centre of the larger error region) until IoU ≥ 85 % or 20 clicks, with the
 * click engine the app runs.
 */
import { iou, MAX_CLICKS, nextClick } from '../click/protocol';
import type { Click, ClickSegmenter } from '../click/types';
import type { Volume } from '../volume';
import type { ClickedSlice } from './interactive-eval';
import { percentileWindow } from './normalize';
import { readSlice, type SliceLayout } from '../slice';

export const CLICK_IOU_TARGET = 0.85;

export type ClickAnnotator = (slice: number, truth: Uint8Array, layout: SliceLayout) => Promise<ClickedSlice>;

export function clickAnnotator(segmenter: ClickSegmenter, image: Volume, target = CLICK_IOU_TARGET, maxClicks = MAX_CLICKS): ClickAnnotator {
  const window = percentileWindow(image.voxels, 0.5, 99.5);
  const spacing = image.geometry.spacing;
  return async (slice, truth, layout) => {
    const { width, height } = layout;
    const pixels = width * height;
    const values = readSlice(image.voxels, layout, slice, new Float32Array(pixels));
    const [u, v] = layout.axis === 0 ? [1, 2] : layout.axis === 1 ? [0, 2] : [0, 1];
    const options = { intensityRange: [window.low, window.high] as const, pixelSpacing: [spacing[u as 0 | 1 | 2], spacing[v as 0 | 1 | 2]] as const };
    const clicked = new Uint8Array(pixels);
    const clicks: Click[] = [];
    let mask = new Uint8Array(pixels);
    let previous: Float32Array | undefined;
    for (let n = 0; n < maxClicks; n++) {
      const click = nextClick(mask, truth, clicked, width, height);
      if (!click) break;
      clicks.push(click);
      clicked[click.y * width + click.x] = 1;
      previous = await segmenter.predict(values, width, height, clicks, previous, options);
      mask = new Uint8Array(pixels);
      for (let i = 0; i < pixels; i++) mask[i] = (previous[i] ?? 0) > segmenter.threshold ? 1 : 0;
      if (iou(mask, truth) >= target) break;
    }
    return { mask, clicks: clicks.length };
  };
}
