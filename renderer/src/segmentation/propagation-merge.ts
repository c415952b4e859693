/**
 * The end of a propagation run as packed diffs, computed where the merge runner puts them (a Web
 * Worker, or the page when none starts): what a job's finished label map adds to the labels beyond
 * the slices already streamed, and the run's one undo step. Both are linear scans of the whole
 * volume, too long for the page's main thread on a 384×384×160 knee.
 */
import { packReplace, type LabelArray, type PackedLabelDiff } from '../../../electron/common/label-diff';

/** A job's finished label map, to merge into the labels on the slices the stream did not show. */
export interface FillRequest {
  readonly size: readonly [number, number, number];
  readonly axis: 0 | 1 | 2;
  /** The labels as the page holds them (read only). */
  readonly current: LabelArray;
  /** The job's label map (same length and type as `current`); overwritten with the merged labels. */
  readonly result: LabelArray;
  /** Values whose voxels neither change nor are written. */
  readonly locked: readonly number[];
  /** Slices (along `axis`) the job decided that the stream did not bring. */
  readonly slices: readonly number[];
}

/**
 * The diff from `current` to `current` with the result's `slices` written into it, except over, or
 * with, a locked value. Every other voxel keeps its current value: the streamed slices were already
 * written through paint, and the rest of the result is the job's copy of the seeds.
 */
export function fillDiff(request: FillRequest): PackedLabelDiff {
  const { size, axis, current, result, slices } = request;
  const [width, height, depth] = size;
  if (current.length !== width * height * depth)
    throw new Error(`The labels have ${current.length} voxels; the image has ${width * height * depth}.`);
  if (result.length !== current.length)
    throw new Error(`The propagation result has ${result.length} voxels; the labels have ${current.length}.`);
  const fill = new Uint8Array(size[axis]);
  for (const slice of slices) if (slice >= 0 && slice < fill.length) fill[slice] = 1;
  const locked = new Set(request.locked);
  let index = 0;
  for (let k = 0; k < depth; k++) {
    for (let j = 0; j < height; j++) {
      const across = axis === 2 ? fill[k] : axis === 1 ? fill[j] : 0;
      for (let i = 0; i < width; i++, index++) {
        const before = current[index] ?? 0;
        const after = result[index] ?? 0;
        if (before === after) continue;
        const filled = axis === 0 ? fill[i] : across;
        if (filled !== 1 || locked.has(before) || locked.has(after)) result[index] = before;
      }
    }
  }
  return packReplace(current, result);
}

/** What the merge worker is asked: a job's fill, or the diff between two label maps. */
export type MergeMessage =
  | { readonly type: 'fill'; readonly id: number; readonly request: FillRequest }
  | { readonly type: 'diff'; readonly id: number; readonly before: LabelArray; readonly after: LabelArray };

export type MergeReply =
  { readonly id: number; readonly diff: PackedLabelDiff } | { readonly id: number; readonly error: string };

export function answerMergeMessage(message: MergeMessage): MergeReply {
  try {
    const diff =
      message.type === 'fill' ? fillDiff(message.request) : packReplace(message.before, message.after);
    return { id: message.id, diff };
  } catch (error) {
    return { id: message.id, error: error instanceof Error ? error.message : String(error) };
  }
}
