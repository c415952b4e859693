/**
 * The end of a propagation run as one packed diff, computed where the merge runner puts it (a Web
 * Worker, or the page when none starts): the run's per-slice diffs (run-journal.ts) merged in index
 * order into its one undo step, which also takes a stopped run back. A merge of a knee's runs is
 * too long for the page's main thread; it reads no label map, so nothing of the labels is copied.
 */
import { mergeDisjointDiffs, type PackedLabelDiff } from '../../../electron/common/label-diff';

/** What the merge worker is asked: the run's diffs, one per slice it wrote (no voxel in two). */
export interface CombineMessage {
  readonly type: 'combine';
  readonly id: number;
  readonly parts: readonly PackedLabelDiff[];
}
export type MergeMessage = CombineMessage;

export type MergeReply =
  { readonly id: number; readonly diff: PackedLabelDiff } | { readonly id: number; readonly error: string };

export function answerMergeMessage(message: MergeMessage): MergeReply {
  try {
    return { id: message.id, diff: mergeDisjointDiffs(message.parts) };
  } catch (error) {
    return { id: message.id, error: error instanceof Error ? error.message : String(error) };
  }
}
