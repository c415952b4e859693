/**
 * The messages between the page and the statistics worker, and the worker's side of them as a
 * plain function (so the page can answer them itself where no worker starts, and tests run it).
 */
import { allocateVoxels, componentTypeOf, type Vec3, type VoxelArray } from '../../../electron/common/volume';
import { computeSegmentStatistics, type SegmentStatistics } from './segment-statistics';

export interface StatisticsImage {
  /** Which volume (and version of its voxels) this is. */
  readonly key: string;
  readonly intensities: VoxelArray;
  readonly size: Vec3;
  readonly spacing: Vec3;
}

/**
 * One run of an image's voxels, from `offset`; the worker assembles the image from its parts (in
 * order) and holds it once the last arrives. Parts let the page copy a large image a few megabytes
 * per task instead of in one task of seconds.
 */
export interface StatisticsImagePart {
  readonly type: 'image-part';
  readonly key: string;
  readonly size: Vec3;
  readonly spacing: Vec3;
  /** Voxels in the whole image. */
  readonly total: number;
  readonly offset: number;
  readonly values: VoxelArray;
}

export type StatisticsMessage =
  | { readonly type: 'image'; readonly image: StatisticsImage }
  | StatisticsImagePart
  | { readonly type: 'compute'; readonly id: number; readonly imageKey: string; readonly labels: Uint8Array | Uint16Array };

export type StatisticsReply =
  | { readonly id: number; readonly result: SegmentStatistics[]; readonly ms: number }
  | { readonly id: number; readonly error: string };

export interface StatisticsWorkerState {
  image: StatisticsImage | undefined;
  /** An image whose parts are still arriving, and how many voxels of it have. */
  assembling?: { readonly image: StatisticsImage; filled: number };
}

function takePart(state: StatisticsWorkerState, part: StatisticsImagePart): void {
  let assembling = state.assembling;
  if (part.offset === 0 || assembling?.image.key !== part.key) {
    const intensities = allocateVoxels(componentTypeOf(part.values), part.total);
    assembling = { image: { key: part.key, intensities, size: part.size, spacing: part.spacing }, filled: 0 };
    state.assembling = assembling;
  }
  if (part.offset !== assembling.filled || part.offset + part.values.length > part.total) {
    state.assembling = undefined; // out of order: drop it, and a compute for this key says so
    return;
  }
  assembling.image.intensities.set(part.values, part.offset);
  assembling.filled += part.values.length;
  if (assembling.filled === part.total) {
    state.image = assembling.image;
    state.assembling = undefined;
  }
}

/** Keeps the image, or computes the statistics of a label map over it. */
export function answerStatisticsMessage(state: StatisticsWorkerState, message: StatisticsMessage): StatisticsReply | undefined {
  if (message.type === 'image') {
    state.image = message.image;
    return undefined;
  }
  if (message.type === 'image-part') {
    takePart(state, message);
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
