/**
 * One labelled undo history over everything that changes the labels: click masks, brush and eraser
 * strokes, segment deletes, label-map loads, propagations. Each step holds a sparse diff, and which
 * slices the user had annotated before and after it (so an undone correction is no longer a
 * correction); the pure History keeps the total under a byte budget. Diffs are kept packed (see
 * label-diff.ts); steps recorded between beginGroup and endGroup are undone as one.
 */
import { action, computed, makeObservable, observable } from 'mobx';
import { History, DEFAULT_HISTORY_BUDGET, type HistoryEntry } from '../history/history';
import { composeDiffs, isPacked, packDiff, unpackDiff } from '../../../electron/common/label-diff';
import { diffBytes, EMPTY_DIFF, type AnyLabelDiff, type PackedLabelDiff } from '../segmentation/paint';
import type { Segment } from '../segmentation/segments';
import type { UserSlices } from '../segmentation/user-slices';
import type { SegmentationStore } from './segmentation-store';

export interface LabelStep extends HistoryEntry {
  readonly diff: PackedLabelDiff;
  /** The whole segment table before and after (a delete removes a row as well as its voxels). */
  readonly segmentsBefore?: readonly Segment[];
  readonly segmentsAfter?: readonly Segment[];
  readonly userSlicesBefore: UserSlices;
  readonly userSlicesAfter: UserSlices;
}

/** Bytes a step costs beyond its diff (label text, object overhead). */
const STEP_OVERHEAD = 256;

/** Bytes a step with this diff counts against the history's budget. */
export function stepCost(diff: AnyLabelDiff): number {
  return diffBytes(diff) + STEP_OVERHEAD;
}

/** One step doing what `parts` did one after another. */
function combineSteps(label: string, parts: readonly LabelStep[]): LabelStep {
  const only = parts.length === 1 ? parts[0] : undefined;
  const diff = only?.diff ?? packDiff(parts.reduce((sum, part) => composeDiffs(sum, unpackDiff(part.diff)), EMPTY_DIFF));
  const segmentsBefore = parts.find((p) => p.segmentsBefore !== undefined)?.segmentsBefore;
  const segmentsAfter = [...parts].reverse().find((p) => p.segmentsAfter !== undefined)?.segmentsAfter;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (first === undefined || last === undefined) throw new Error('A group of no steps cannot be combined.');
  return {
    label,
    diff,
    bytes: stepCost(diff),
    ...(segmentsBefore === undefined ? {} : { segmentsBefore }),
    ...(segmentsAfter === undefined ? {} : { segmentsAfter }),
    userSlicesBefore: first.userSlicesBefore,
    userSlicesAfter: last.userSlicesAfter,
  };
}

/** What changed in the history, for the autosave journal. */
export type HistoryChange =
  | { readonly kind: 'record' | 'undo' | 'redo'; readonly step: LabelStep }
  | { readonly kind: 'clear' | 'saved' };

/** The position the labels were last saved at: the step done last then, or none (null: never saved). */
type SavedAt = LabelStep | undefined | null;

export class HistoryStore {
  private readonly history: History<LabelStep>;
  /** Bumped on every change, so views of the list re-read it. */
  revision = 0;
  private savedAt: SavedAt = undefined;
  private readonly listeners = new Set<(change: HistoryChange) => void>();
  /** The user slices as of the last step (recorded, undone or redone): the next step's "before". */
  private settledUserSlices: UserSlices;
  /** Whether a writer's one step is still unrecorded (a stroke, a propagation): see holdWhile. */
  private writing: () => boolean = () => false;

  constructor(
    private readonly segmentation: SegmentationStore,
    budgetBytes = DEFAULT_HISTORY_BUDGET,
  ) {
    this.history = new History<LabelStep>(budgetBytes, combineSteps);
    this.settledUserSlices = segmentation.userSlices;
    makeObservable<HistoryStore, 'history' | 'segmentation' | 'savedAt' | 'listeners' | 'settledUserSlices' | 'writing'>(this, {
      history: false,
      segmentation: false,
      savedAt: false,
      listeners: false,
      settledUserSlices: false,
      writing: false,
      unsaved: computed,
      markSaved: action,
      restore: action,
      revision: observable,
      labels: computed,
      cursor: computed,
      canUndo: computed,
      canRedo: computed,
      bytes: computed,
      record: action,
      endGroup: action,
      undo: action,
      redo: action,
      clear: action,
    });
  }

  get labels(): readonly string[] {
    const _observed = this.revision; // observed, so callers re-run when it moves
    return this.history.entries.map((e) => e.label);
  }

  get cursor(): number {
    const _observed = this.revision; // observed, so callers re-run when it moves
    return this.history.cursor;
  }

  get canUndo(): boolean {
    const _observed = this.revision; // observed, so callers re-run when it moves
    return this.history.canUndo;
  }

  get canRedo(): boolean {
    const _observed = this.revision; // observed, so callers re-run when it moves
    return this.history.canRedo;
  }

  get bytes(): number {
    const _observed = this.revision; // observed, so callers re-run when it moves
    return this.history.bytes;
  }

  /** The labels changed since they were opened, exported or saved in a session. */
  get unsaved(): boolean {
    const _observed = this.revision; // observed, so callers re-run when it moves
    const cursor = this.history.cursor;
    return this.savedAt !== (cursor === 0 ? undefined : this.history.entries[cursor - 1]);
  }

  /** The labels as they are now were written to a file. */
  markSaved(): void {
    const cursor = this.history.cursor;
    this.savedAt = cursor === 0 ? undefined : this.history.entries[cursor - 1];
    this.revision++;
    this.notify({ kind: 'saved' });
  }

  /** Hears every change (the autosave journal); returns the function that stops listening. */
  listen(listener: (change: HistoryChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A restored history (autosaved work): the steps with `cursor` of them done, the labels already
   * as they leave them; marked unsaved, as nothing of it is in a file yet. Not told to listeners.
   */
  restore(steps: readonly LabelStep[], cursor: number): void {
    this.history.restore(steps, cursor);
    this.savedAt = null;
    this.settledUserSlices = this.segmentation.userSlices;
    this.revision++;
  }

  private notify(change: HistoryChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }

  /**
   * Records an action already applied; empty diffs are not recorded unless they change rows. Inside
   * a group the step waits for endGroup.
   */
  record(label: string, change: AnyLabelDiff, rows?: { before: readonly Segment[]; after: readonly Segment[] }): boolean {
    const diff = isPacked(change) ? change : packDiff(change);
    if (diff.voxels === 0 && rows === undefined) return false;
    const userSlices = this.segmentation.userSlices;
    const step: LabelStep = {
      label,
      diff,
      bytes: stepCost(diff),
      ...(rows === undefined ? {} : { segmentsBefore: rows.before, segmentsAfter: rows.after }),
      userSlicesBefore: this.settledUserSlices,
      userSlicesAfter: userSlices,
    };
    this.history.push(step);
    this.settledUserSlices = userSlices;
    if (this.history.grouping) return true;
    this.revision++;
    this.notify({ kind: 'record', step });
    return true;
  }

  /** Steps recorded from now to the matching endGroup are one step named `name` (groups nest). */
  beginGroup(name: string): void {
    this.history.beginGroup(name);
  }

  /** Ends the innermost group (`all`: every open one); the outermost's steps become one, recorded. */
  endGroup(all = false): void {
    const step = this.history.endGroup(all);
    if (step === undefined) return;
    this.revision++;
    this.notify({ kind: 'record', step });
  }

  /** `task`'s steps as one step (ended even if it throws). */
  group<T>(name: string, task: () => T): T {
    this.beginGroup(name);
    try {
      return task();
    } finally {
      this.endGroup();
    }
  }

  /**
   * Undo and redo do nothing while `writing` says a writer's one step is not recorded yet: undoing
   * under a brush stroke or a running propagation would take back the step before it instead.
   */
  holdWhile(writing: () => boolean): void {
    this.writing = writing;
  }

  /** Takes back the last step done; returns its label (undefined: nothing to undo, or held). */
  undo(): string | undefined {
    if (this.writing()) return undefined;
    // An undo ends any group still open, so it undoes the group's step as a whole.
    if (this.history.grouping) this.endGroup(true);
    const step = this.history.undo();
    if (step === undefined) return undefined;
    this.segmentation.applyDiff(step.diff, 'backward');
    if (step.segmentsBefore !== undefined) this.restoreRows(step.segmentsBefore);
    this.restoreUserSlices(step.userSlicesBefore);
    this.revision++;
    this.notify({ kind: 'undo', step });
    return step.label;
  }

  /** Does again the next step undone; returns its label (undefined: nothing to redo, or held). */
  redo(): string | undefined {
    if (this.writing()) return undefined;
    if (this.history.grouping) this.endGroup(true);
    const step = this.history.redo();
    if (step === undefined) return undefined;
    this.segmentation.applyDiff(step.diff, 'forward');
    if (step.segmentsAfter !== undefined) this.restoreRows(step.segmentsAfter);
    this.restoreUserSlices(step.userSlicesAfter);
    this.revision++;
    this.notify({ kind: 'redo', step });
    return step.label;
  }

  clear(): void {
    this.history.clear();
    this.savedAt = undefined;
    this.settledUserSlices = this.segmentation.userSlices;
    this.revision++;
    this.notify({ kind: 'clear' });
  }

  private restoreUserSlices(state: UserSlices): void {
    this.segmentation.setUserSlices(state);
    this.settledUserSlices = state;
  }

  private restoreRows(rows: readonly Segment[]): void {
    const seg = this.segmentation;
    const active = seg.activeValue;
    seg.setTable(rows);
    if (active === undefined || !rows.some((s) => s.value === active)) seg.setActive(rows[0]?.value);
  }
}
