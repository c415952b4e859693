/**
 * Autosave and recovery. Every committed change to the labels (history steps, undo, redo, the
 * segment table) becomes a numbered journal record, sent to main at once and kept here until main
 * says it is on disk; so a crash or kill -9 loses at most the action in flight. On start the page
 * offers to restore the last unsaved work; after a dropped connection it reattaches to the
 * restarted server and resends what was not written.
 */
import { action, compareShallow, makeObservable, observable, reaction, runInAction } from 'mobx';
import { CallError } from '../../../electron/common/contract';
import {
  MAX_RECORDS_PER_APPEND,
  type JournalRecord,
  type JournalSegment,
  type JournalStep,
  type PendingDocument,
} from '../../../electron/common/contract-journal';
import { packDiff, unpackDiff } from '../../../electron/common/label-diff';
import type { PackedLabelDiff } from '../segmentation/paint';
import type { Segment } from '../segmentation/segments';
import { isConnectionAware } from '../transport/connection';
import { stepCost, type LabelStep } from './history-store';
import type { RootStore } from './root-store';
import type { SegmentationStore } from './segmentation-store';

export type AutosaveState = 'idle' | 'saving' | 'offline' | 'off' | 'failed';

/** A record before it has its number (numbers are given as records are queued). */
type Unnumbered = JournalRecord extends infer R ? (R extends JournalRecord ? Omit<R, 'seq'> : never) : never;

interface JournalDocument {
  readonly id: string;
  /** The state to begin the journal with, while it has not been begun (or must begin again). */
  begin?: { labels?: { componentType: 'uint8' | 'uint16'; voxels: ArrayBuffer }; segments: JournalSegment[]; active?: number };
  nextSeq: number;
  /** The last record main has on disk. */
  acked: number;
  queue: JournalRecord[];
}

function toJournalSegments(rows: readonly Segment[]): JournalSegment[] {
  return rows.map((s) => ({ value: s.value, name: s.name, color: [s.color[0], s.color[1], s.color[2]], visible: s.visible, locked: s.locked }));
}

function copyBuffer(view: ArrayBufferView): ArrayBuffer {
  return view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) as ArrayBuffer;
}

/** The journal keeps a step's voxels sparse (main applies them); the history keeps them packed. */
function journalDiff(diff: PackedLabelDiff): JournalStep['diff'] {
  const sparse = unpackDiff(diff);
  return { indices: sparse.indices.buffer as ArrayBuffer, before: sparse.before.buffer as ArrayBuffer, after: sparse.after.buffer as ArrayBuffer };
}

/** The labels for the journal's start, or undefined while all are 0 (known from the counts: a scan of a fresh map faults in all its pages, 0.2–0.5 s after each open). */
function labelsPayload(seg: SegmentationStore): { componentType: 'uint8' | 'uint16'; voxels: ArrayBuffer } | undefined {
  const labels = seg.labels;
  if (labels === undefined || seg.count(0) === labels.length) return undefined;
  return { componentType: labels instanceof Uint16Array ? 'uint16' : 'uint8', voxels: copyBuffer(labels) };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class RecoveryStore {
  state: AutosaveState = 'idle';
  /** Why autosave is off or failing (for the status line). */
  problem: string | undefined = undefined;
  /** Records main holds for the current document (tests wait on it). */
  ackedSeq = 0;
  private document: JournalDocument | undefined;
  private readonly stepIds = new WeakMap<LabelStep, number>();
  private nextStepId = 1;
  /** While a restore or reattach rewrites the stores, their changes are not journalled. */
  private quiet = false;
  private pumping = false;
  private readonly stops: (() => void)[] = [];

  constructor(private readonly root: RootStore) {
    makeObservable<RecoveryStore, 'setState' | 'setAcked'>(this, {
      state: observable,
      problem: observable,
      ackedSeq: observable,
      setState: action,
      setAcked: action,
    });
  }

  /** Starts journalling; returns the function that stops it. */
  start(): () => void {
    const root = this.root;
    this.stops.push(
      root.history.listen((change) => {
        // Not while an image is being opened: the history is the next image's, whose journal begins
        // (with its labels as they are then) once the voxels are in.
        if (this.quiet || !root.volume.loaded) return;
        switch (change.kind) {
          case 'record':
            this.queue({ kind: 'step', step: this.toJournalStep(change.step) });
            break;
          case 'undo':
          case 'redo':
            this.queue({ kind: change.kind, id: this.idOf(change.step) });
            break;
          case 'clear':
          case 'saved':
            this.queue({ kind: change.kind });
            break;
        }
      }),
      reaction(
        () => [root.volume.meta, root.volume.loaded] as const,
        ([meta, loaded]) => {
          if (this.quiet) return;
          // Another image is on its way (its preview shown) or none is open: the previous image's
          // journal takes nothing more. The next begins once the voxels are in, from the labels as
          // they are then; its start (a few hundred ms of the server's time) would otherwise
          // compete with their transfer.
          if (meta === undefined || !loaded) this.document = undefined;
          else this.beginDocument();
        },
        { equals: compareShallow },
      ),
      reaction(
        () => [root.segmentation.segments, root.segmentation.activeValue] as const,
        ([segments, active]) => {
          if (this.quiet) return;
          this.queue({ kind: 'segments', segments: toJournalSegments(segments), ...(active === undefined ? {} : { active }) });
        },
        { equals: compareShallow },
      ),
    );
    const client = root.client;
    if (isConnectionAware(client))
      this.stops.push(
        client.onConnectionChange((state) => {
          if (state === 'lost') {
            this.setState('offline');
            root.app.setNotice('The connection to iSeg Studio was lost; reconnecting… The labels are kept in this page.');
          } else void this.reattach();
        }),
      );
    return () => {
      for (const stop of this.stops.splice(0)) stop();
    };
  }

  /** The last unsaved work main has, if any (what start-up offers to restore). */
  async pending(): Promise<PendingDocument | undefined> {
    return (await this.root.client.call('journal.pending', {})).document;
  }

  /** Forgets autosaved work the user chose not to restore. */
  async discard(documentId: string): Promise<void> {
    await this.root.client.call('journal.discard', { documentId });
  }

  /** Reopens a document's image with its labels, segments and history position. */
  async restore(documentId: string): Promise<string | undefined> {
    const root = this.root;
    const answer = await root.app.track(() => root.client.call('journal.restore', { documentId }));
    this.quiet = true;
    try {
      await root.openWorkflow.openRestored(answer.volume);
      runInAction(() => {
        const { componentType, voxels } = answer.labels;
        root.segmentation.replaceLabels(componentType === 'uint16' ? new Uint16Array(voxels) : new Uint8Array(voxels));
        root.segmentation.setTable(answer.segments);
        root.segmentation.setActive(answer.active);
        root.history.restore(answer.steps.map((s) => this.fromJournalStep(s)), answer.cursor);
      });
      this.document = { id: documentId, nextSeq: answer.lastSeq + 1, acked: answer.lastSeq, queue: [] };
      this.setAcked(answer.lastSeq);
    } finally {
      this.quiet = false;
    }
    return answer.notice;
  }

  private beginDocument(): void {
    const seg = this.root.segmentation;
    const labels = labelsPayload(seg);
    this.document = {
      id: crypto.randomUUID(),
      begin: { ...(labels ? { labels } : {}), segments: toJournalSegments(seg.segments), ...(seg.activeValue === undefined ? {} : { active: seg.activeValue }) },
      nextSeq: 1,
      acked: 0,
      queue: [],
    };
    this.setAcked(0);
    void this.pump();
  }

  private queue(record: Unnumbered): void {
    const doc = this.document;
    if (doc === undefined) return;
    doc.queue.push({ ...record, seq: doc.nextSeq++ });
    void this.pump();
  }

  /** Sends what is queued, one call at a time, until nothing is left or the connection is gone. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const doc = this.document;
        if (doc === undefined || this.state === 'offline' || this.state === 'off') return;
        if (doc.begin !== undefined) {
          this.setState('saving');
          const volumeId = this.root.volume.meta?.id;
          if (volumeId === undefined) return;
          await this.root.client.call('journal.begin', { documentId: doc.id, volumeId, ...doc.begin });
          doc.begin = undefined;
          continue;
        }
        const batch = doc.queue.filter((r) => r.seq > doc.acked).slice(0, MAX_RECORDS_PER_APPEND);
        if (batch.length === 0) {
          this.setState('idle');
          return;
        }
        this.setState('saving');
        const answer = await this.root.client.call('journal.append', { documentId: doc.id, records: batch });
        doc.acked = answer.lastSeq;
        doc.queue = doc.queue.filter((r) => r.seq > answer.lastSeq);
        if (doc === this.document) this.setAcked(answer.lastSeq);
        if (answer.rebegin) this.rebegin(doc);
      }
    } catch (error) {
      if (error instanceof CallError && error.code === 'disconnected') this.setState('offline');
      else {
        // Said once on the status line; the next edit tries again (unless autosave is off).
        this.setState(error instanceof CallError && error.code === 'not-allowed' ? 'off' : 'failed', `Autosave failed: ${errorText(error)}`);
        this.root.app.setNotice(this.problem);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** The journal cannot follow: begin it again from the labels as they are now. */
  private rebegin(doc: JournalDocument): void {
    const seg = this.root.segmentation;
    const labels = labelsPayload(seg);
    doc.begin = { ...(labels ? { labels } : {}), segments: toJournalSegments(seg.segments), ...(seg.activeValue === undefined ? {} : { active: seg.activeValue }) };
    doc.queue = [];
    doc.nextSeq = 1;
    doc.acked = 0;
    this.setAcked(0);
  }

  /** After a reconnect: the restarted server reopens the image; the page keeps its labels. */
  private async reattach(): Promise<void> {
    const root = this.root;
    const doc = this.document;
    this.setState('idle');
    if (doc === undefined) {
      root.app.setNotice('Reconnected to iSeg Studio.');
      return;
    }
    try {
      const answer = await root.client.call('journal.reattach', { documentId: doc.id });
      this.quiet = true;
      try {
        root.volume.rebind(answer.volume);
      } finally {
        this.quiet = false;
      }
      // Main answers only what it wrote to disk, so it never holds less than it acknowledged;
      // if it somehow does, the journal starts again from the labels in this page.
      if (answer.lastSeq < doc.acked) this.rebegin(doc);
      else doc.acked = answer.lastSeq;
      this.setAcked(doc.acked);
      root.app.setNotice('Reconnected to iSeg Studio; the labels in this page are kept.');
      await this.pump();
    } catch (error) {
      root.app.setNotice(`Reconnected, but the image could not be reopened (${errorText(error)}); export the labels from a new page after restoring them.`);
    }
  }

  private idOf(step: LabelStep): number {
    let id = this.stepIds.get(step);
    if (id === undefined) {
      id = this.nextStepId++;
      this.stepIds.set(step, id);
    }
    return id;
  }

  private toJournalStep(step: LabelStep): JournalStep {
    return {
      id: this.idOf(step),
      label: step.label.slice(0, 512),
      diff: journalDiff(step.diff),
      ...(step.segmentsBefore === undefined ? {} : { segmentsBefore: toJournalSegments(step.segmentsBefore) }),
      ...(step.segmentsAfter === undefined ? {} : { segmentsAfter: toJournalSegments(step.segmentsAfter) }),
    };
  }

  private fromJournalStep(step: JournalStep): LabelStep {
    const diff = packDiff({ indices: new Int32Array(step.diff.indices), before: new Uint16Array(step.diff.before), after: new Uint16Array(step.diff.after) });
    const labelStep: LabelStep = {
      label: step.label,
      diff,
      bytes: stepCost(diff),
      ...(step.segmentsBefore === undefined ? {} : { segmentsBefore: step.segmentsBefore }),
      ...(step.segmentsAfter === undefined ? {} : { segmentsAfter: step.segmentsAfter }),
      // The journal keeps voxels, not which slices the user drew: restored labels seed like a
      // loaded label map (every slice holding a label), before and after each restored step.
      userSlicesBefore: this.root.segmentation.userSlices,
      userSlicesAfter: this.root.segmentation.userSlices,
    };
    this.stepIds.set(labelStep, step.id);
    this.nextStepId = Math.max(this.nextStepId, step.id + 1);
    return labelStep;
  }

  private setState(state: AutosaveState, problem?: string): void {
    this.state = state;
    this.problem = problem;
  }

  private setAcked(seq: number): void {
    this.ackedSeq = seq;
  }
}
