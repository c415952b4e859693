/**
 * A journalled document replayed (pure): the labels, the segment table and the undo history with
 * its position, as the page had them after the last record applied. Main keeps one per document
 * to check each append and to write compacted snapshots; a restore hands it back to the page.
 */
import type { JournalRecord, JournalSegment, JournalStep } from '../contract-journal';
import { applyLabelDiff, type LabelArray, type LabelDiff } from '../label-diff';

/** Diff bytes of history the journal keeps (older steps are dropped, as the page's history does). */
export const JOURNAL_HISTORY_BUDGET = 64 << 20;

export interface JournalSnapshotState {
  labels: LabelArray;
  segments: JournalSegment[];
  active?: number;
  steps: JournalStep[];
  cursor: number;
  lastSeq: number;
  /** The last record at which the labels were saved to a file (0: never). */
  savedSeq: number;
}

export function diffOf(step: JournalStep): LabelDiff {
  return {
    indices: new Int32Array(step.diff.indices),
    before: new Uint16Array(step.diff.before),
    after: new Uint16Array(step.diff.after),
  };
}

function stepBytes(step: JournalStep): number {
  return step.diff.indices.byteLength + step.diff.before.byteLength + step.diff.after.byteLength;
}

export class JournalState {
  labels: LabelArray;
  segments: JournalSegment[];
  active: number | undefined;
  steps: JournalStep[];
  cursor: number;
  lastSeq: number;
  savedSeq: number;
  private historyBytes: number;

  constructor(
    initial: JournalSnapshotState,
    private readonly budgetBytes = JOURNAL_HISTORY_BUDGET,
  ) {
    this.labels = initial.labels;
    this.segments = initial.segments;
    this.active = initial.active;
    this.steps = initial.steps;
    this.cursor = initial.cursor;
    this.lastSeq = initial.lastSeq;
    this.savedSeq = initial.savedSeq;
    this.historyBytes = initial.steps.reduce((sum, s) => sum + stepBytes(s), 0);
  }

  snapshot(): JournalSnapshotState {
    return {
      labels: this.labels,
      segments: this.segments,
      ...(this.active === undefined ? {} : { active: this.active }),
      steps: this.steps,
      cursor: this.cursor,
      lastSeq: this.lastSeq,
      savedSeq: this.savedSeq,
    };
  }

  /** Work that was never saved to a file: edits since the last save, on labels that are not empty. */
  get unsaved(): boolean {
    return this.lastSeq > this.savedSeq && (this.steps.length > 0 || this.labelledVoxels() > 0);
  }

  labelledVoxels(): number {
    let count = 0;
    for (const value of this.labels) if (value !== 0) count++;
    return count;
  }

  /**
   * Applies one record; records at or before `lastSeq` are skipped. Returns false when the journal
   * cannot follow the page (a record missing before this one, or an undo of a step it dropped):
   * the state is then left as it was.
   */
  apply(record: JournalRecord): boolean {
    if (record.seq <= this.lastSeq) return true;
    if (record.seq !== this.lastSeq + 1) return false;
    switch (record.kind) {
      case 'step':
        this.push(record.step);
        break;
      case 'undo': {
        const step = this.steps[this.cursor - 1];
        if (step?.id !== record.id) return false;
        this.cursor--;
        this.write(diffOf(step), 'backward');
        if (step.segmentsBefore !== undefined) this.restoreRows(step.segmentsBefore);
        break;
      }
      case 'redo': {
        const step = this.steps[this.cursor];
        if (step?.id !== record.id) return false;
        this.cursor++;
        this.write(diffOf(step), 'forward');
        if (step.segmentsAfter !== undefined) this.restoreRows(step.segmentsAfter);
        break;
      }
      case 'clear':
        this.steps = [];
        this.cursor = 0;
        this.historyBytes = 0;
        break;
      case 'segments':
        this.segments = record.segments;
        this.active = record.active;
        break;
      case 'saved':
        this.savedSeq = record.seq;
        break;
    }
    this.lastSeq = record.seq;
    return true;
  }

  private push(step: JournalStep): void {
    for (const gone of this.steps.splice(this.cursor)) this.historyBytes -= stepBytes(gone);
    this.steps.push(step);
    this.historyBytes += stepBytes(step);
    this.cursor = this.steps.length;
    this.write(diffOf(step), 'forward');
    if (step.segmentsAfter !== undefined) this.restoreRows(step.segmentsAfter);
    // Keep at least the newest step, even if it alone exceeds the budget (as the page's History does).
    while (this.historyBytes > this.budgetBytes && this.steps.length > 1) {
      const oldest = this.steps.shift();
      if (oldest === undefined) break;
      this.historyBytes -= stepBytes(oldest);
      this.cursor--;
    }
  }

  private write(diff: LabelDiff, direction: 'forward' | 'backward'): void {
    const values = direction === 'forward' ? diff.after : diff.before;
    if (this.labels instanceof Uint8Array && values.some((v) => v > 255)) this.labels = Uint16Array.from(this.labels);
    applyLabelDiff(this.labels, diff, direction);
  }

  private restoreRows(rows: readonly JournalSegment[]): void {
    this.segments = [...rows];
    if (this.active === undefined || !rows.some((s) => s.value === this.active)) this.active = rows[0]?.value;
  }
}
