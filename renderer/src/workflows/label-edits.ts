/**
 * Edits to the labels that commands make (not slice-view gestures, which are the tools'): committing
 * the click preview into the active segment (added, or replacing the segment on its slice when the
 * prompt started from it) and deleting a segment, each one undoable step.
 */
import { runInAction } from 'mobx';
import { slicePixelToIndex } from '../../../electron/common/slice';
import { composeDiffs } from '../../../electron/common/label-diff';
import { EMPTY_DIFF, maskIndices } from '../segmentation/paint';
import type { AppStore } from '../stores/app-store';
import type { HistoryStore } from '../stores/history-store';
import type { PromptStore } from '../stores/prompt-store';
import type { SegmentationStore } from '../stores/segmentation-store';

/** What the edits read and write (the root store's members). */
export interface LabelEditStores {
  readonly app: Pick<AppStore, 'track'>;
  readonly segmentation: Pick<
    SegmentationStore,
    'geometry' | 'labels' | 'segments' | 'segment' | 'ensureActive' | 'write' | 'removeSegment'
  >;
  readonly history: Pick<HistoryStore, 'record'>;
  readonly prompts: Pick<PromptStore, 'preview' | 'summary' | 'whenSettled' | 'markCommitted'>;
  /** A running propagation owns the labels until its one step is recorded (or taken back). */
  readonly propagation: { readonly running: boolean };
}

export class LabelEdits {
  constructor(private readonly stores: LabelEditStores) {}

  /** Finish (Enter): waits for the answer to the last click, then commits its preview. */
  async finishPrompt(): Promise<boolean> {
    await this.stores.app.track(() => this.stores.prompts.whenSettled());
    return this.commitPreview();
  }

  /** Writes the preview into the active segment (locked segments stay as they are). */
  commitPreview(): boolean {
    const { segmentation, history, prompts, propagation } = this.stores;
    return runInAction(() => {
      const preview = prompts.preview;
      const g = segmentation.geometry;
      // A prompt whose first answer never came still shows the mask it started from: nothing to write.
      if (preview === undefined || g === undefined || propagation.running || preview.mask === preview.startedFrom?.mask) return false;
      const value = segmentation.ensureActive();
      if (value === undefined) return false;
      const indexOf = slicePixelToIndex(g.size, preview);
      const where = { kind: 'slice', ref: preview } as const;
      // A prompt that started from the segment's pixels here replaces them: what the mask left out
      // goes back to background (only the segment's own voxels, so no other segment is touched).
      const labels = segmentation.labels;
      const start = preview.startedFrom;
      const removed =
        start?.value === value && labels !== undefined ? segmentation.write(leftOut(preview.mask, start.mask, labels, value, indexOf), 0, where) : EMPTY_DIFF;
      const diff = composeDiffs(removed, segmentation.write(maskIndices(preview.mask, indexOf), value, where));
      const name = segmentation.segment(value)?.name ?? String(value);
      history.record(`Clicks → ${name} (${prompts.summary}, slice ${preview.slice + 1})`, diff);
      prompts.markCommitted();
      return true;
    });
  }

  /** Deletes a segment and clears its voxels, even locked ones: one undoable step. */
  deleteSegment(value: number): void {
    const { segmentation: seg, history } = this.stores;
    runInAction(() => {
      const row = seg.segment(value);
      if (row === undefined) return;
      const before = seg.segments;
      const diff = seg.removeSegment(value);
      history.record(`Delete ${row.name}`, diff, { before, after: seg.segments });
    });
  }
}

/**
 * Voxels of the slice that the prompt started from (`start`), still hold `value`, and that `mask`
 * leaves out, in index order: what the preview showed dark. Pixels painted since the prompt began
 * (a brush stroke, an undo) were never shown as going, so they stay.
 */
function leftOut(mask: Uint8Array, start: Uint8Array, labels: ArrayLike<number>, value: number, indexOf: (n: number) => number): Int32Array {
  const out: number[] = [];
  for (let n = 0; n < mask.length; n++) {
    if (mask[n] !== 0 || start[n] === 0) continue;
    const index = indexOf(n);
    if (labels[index] === value) out.push(index);
  }
  return Int32Array.from(out);
}
