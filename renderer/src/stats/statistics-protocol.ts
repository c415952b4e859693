/**
 * The messages between the page and the statistics worker, and the worker's side of them as a
 * plain function (so the page can answer them itself where no worker starts, and tests run it).
 */
import type { Vec3, VoxelArray } from '../../../electron/common/volume';
import { computeSegmentStatistics, type SegmentStatistics } from './segment-statistics';

export interface StatisticsImage {
  /** Which volume (and version of its voxels) this is. */
  readonly key: string;
  readonly intensities: VoxelArray;
  readonly size: Vec3;
  readonly spacing: Vec3;
}

export type StatisticsMessage =
  | { readonly type: 'image'; readonly image: StatisticsImage }
  | { readonly type: 'compute'; readonly id: number; readonly imageKey: string; readonly labels: Uint8Array | Uint16Array };

export type StatisticsReply =
  | { readonly id: number; readonly result: SegmentStatistics[]; readonly ms: number }
  | { readonly id: number; readonly error: string };

export interface StatisticsWorkerState {
  image: StatisticsImage | undefined;
}

/** Keeps the image, or computes the statistics of a label map over it. */
export function answerStatisticsMessage(state: StatisticsWorkerState, message: StatisticsMessage): StatisticsReply | undefined {
  if (message.type === 'image') {
    state.image = message.image;
    return undefined;
  }
  const image = state.image;
  if (image?.key !== message.imageKey) return { id: message.id, error: 'The image the statistics were asked for is no longer loaded.' };
  const started = performance.now();
  try {
    const result = computeSegmentStatistics({ labels: message.labels, intensities: image.intensities, size: image.size, spacing: image.spacing });
    return { id: message.id, result, ms: performance.now() - started };
  } catch (error) {
    return { id: message.id, error: error instanceof Error ? error.message : String(error) };
  }
}
