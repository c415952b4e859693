/**
 * Propagation from the workspace (the paper's loop): seeds only from the slices the user annotated;
 * the first run along an axis fills every slice, a later one re-propagates only from each
 * correction to its neighbouring user slices. One job per segment (each with its own seeds), run
 * one after another; the slices they decide appear in the views as they arrive (written through
 * the one label writer), and the whole run is ONE undo step. A cancelled or failed run changes
 * nothing: the slices already shown are taken back.
 *
 * No copy of the label volume is made here (issue 19): the seeds go as their runs, every decided
 * slice comes streamed, and what the run wrote is kept per slice as it is written (run-journal.ts),
 * which is the run's undo step and what takes a stopped run back.
 */
import { action, computed, makeObservable, observable, observableRef, runInAction } from 'mobx';
import type { MethodInput, ServiceClient } from '../../../electron/common/contract';
import type { PropagationProgress } from '../../../electron/common/contract-propagation';
import type { ModelDigest } from '../../../electron/common/contract-click';
import { gateDecisionsAsJson, type GateDecision } from '../../../electron/common/propagation/auto-propagator';
import type { PropagationMethod } from '../../../electron/common/propagation/options';
import { indexAxisForView, type ViewAxis } from '../../../electron/common/volume';
import { propagationWrites } from '../segmentation/propagation-result';
import type { LabelArray } from '../segmentation/paint';
import { PropagationMergeRunner } from '../segmentation/propagation-merge-runner';
import { RunJournal } from '../segmentation/run-journal';
import { packSeedRuns } from '../../../electron/common/propagation/seed-runs';
import { planRepropagation, plansToRun, type SegmentPlan } from '../segmentation/repropagation-plan';
import { slicePixelToIndex } from '../../../electron/common/slice';
import { correctionsOf, notePropagated } from '../segmentation/user-slices';
import { SliceStream } from './slice-stream';
import { isConnectionAware } from '../transport/connection';
import type { AppStore } from './app-store';
import type { HistoryStore } from './history-store';
import type { SegmentationStore } from './segmentation-store';
import type { VolumeStore } from './volume-store';

export type { PropagationMethod } from '../../../electron/common/propagation/options';

/** A job id the page picks (the contract allows letters, digits, "_" and "-"). */
function newJobId(): string {
  return crypto.randomUUID().replace(/-/g, '');
}
export type JobState = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

export interface Suspect {
  readonly slice: number;
  readonly label: number;
  readonly score: number;
  readonly reason: 'disagreement' | 'area-jump' | 'shape-change' | 'low-confidence' | 'object-end' | 'area-drop';
}

type PropagationOptions = MethodInput<'propagation.start'>['options'];
type Progress = PropagationProgress;
type Outcome = NonNullable<Progress['outcome']>;
type RunnablePlan = ReturnType<typeof plansToRun>[number];
/** What `labels.export` accepts as `provenance.propagation`. */
export type PropagationProvenance = NonNullable<MethodInput<'labels.export'>['provenance']['propagation']>;
type JsonValue = PropagationProvenance[string];

/** A propagation whose result was written into the labels, as the label sidecar records it. */
export interface AppliedPropagation {
  readonly method: PropagationMethod;
  /** The view whose slices were propagated, as the user chose it, and its index axis in the image. */
  readonly view: ViewAxis;
  readonly axis: 0 | 1 | 2;
  /** The options the worker ran with (those sent, when the worker does not echo them). */
  readonly options: PropagationOptions;
  /** The propagation model that ran (memory method); undefined for interpolation. */
  readonly model: ModelDigest | undefined;
  /** Labels that were propagated (the default propagates every unlocked label). */
  readonly propagatedLabels: readonly number[];
  /** What the 'auto' method chose per segment, with the gate's held-out Dice. */
  readonly gate: readonly GateDecision[] | undefined;
}

/** What a run (or the label's history of runs) applied, in words. */
const HISTORY_NAMES: Record<PropagationMethod, string> = {
  auto: 'Propagate',
  memory: 'Propagate (memory network)',
  interpolation: 'Fill between slices',
  grow: 'Grow slice to slice',
};

/** The options as plain JSON, listing only those that were set. */
function optionsAsJson(options: PropagationOptions): Record<string, JsonValue> {
  const json: Record<string, JsonValue> = { axis: options.axis };
  if (options.labels !== undefined) json.labels = [...options.labels];
  if (options.locked !== undefined) json.locked = [...options.locked];
  if (options.annotatedSlices !== undefined) json.annotatedSlices = [...options.annotatedSlices];
  if (options.range !== undefined) json.range = [...options.range];
  if (options.stopFraction !== undefined) json.stopFraction = options.stopFraction;
  if (options.overwriteOthers !== undefined) json.overwriteOthers = options.overwriteOthers;
  return json;
}

export class PropagationStore {
  state: JobState = 'idle';
  done = 0;
  total = 0;
  message = '';
  /** The view whose slices are propagated (the panel's "along" choice). */
  view: ViewAxis = 'sagittal';
  /** Index axis of the last run (suspect slices are along it). */
  axis: 0 | 1 | 2 = 0;
  /** The last run's suspect slices, as the worker ranked them (see `suspects`). */
  flagged: readonly Suspect[] = [];
  /**
   * Every propagation applied to the labels since the image was opened, oldest first (an undone
   * one stays: the labels may still build on it, and a reviewer would rather see it than not).
   */
  appliedRuns: readonly AppliedPropagation[] = [];
  /** What the last 'auto' run chose per segment (empty after any other run). */
  lastGate: readonly GateDecision[] = [];
  private suspectCursor = -1;
  private jobId: string | undefined;

  constructor(
    private readonly client: ServiceClient,
    private readonly app: AppStore,
    private readonly volume: VolumeStore,
    private readonly segmentation: SegmentationStore,
    private readonly history: HistoryStore,
    /** Where the run's undo diff is merged from its slices' (a Web Worker when one starts). */
    private readonly merger: PropagationMergeRunner = new PropagationMergeRunner(),
  ) {
    makeObservable<PropagationStore, 'update'>(this, {
      state: observable,
      done: observable,
      total: observable,
      message: observable,
      view: observable,
      axis: observable,
      flagged: observableRef,
      appliedRuns: observableRef,
      lastGate: observableRef,
      suspects: computed,
      update: action,
      setView: action,
      nextSuspect: action,
      resetProvenance: action,
    });
  }

  get running(): boolean {
    return this.state === 'running';
  }

  setView(view: ViewAxis): void {
    this.view = view;
  }

  /** Suspect slices still to check: a slice the user corrected since the run is no longer one. */
  get suspects(): readonly Suspect[] {
    const userSlices = this.segmentation.userSlices;
    return this.flagged.filter((s) => !correctionsOf(userSlices, s.label, this.axis).includes(s.slice));
  }

  /** What `run(method, view)` would do for each unlocked segment that has voxels (observes edits). */
  plan(method: PropagationMethod, view: ViewAxis = this.view): SegmentPlan[] {
    const geometry = this.volume.meta?.geometry;
    if (geometry === undefined) return [];
    const seg = this.segmentation;
    const axis = indexAxisForView(geometry.direction, view);
    const labels = seg.segments.filter((s) => !s.locked && seg.count(s.value) > 0).map((s) => s.value);
    return planRepropagation(seg.userSlices, labels, axis, geometry.size[axis], method);
  }

  /** Propagates the segments that need it along the view's slices (see `plan`). */
  async run(method: PropagationMethod, view: ViewAxis): Promise<void> {
    const meta = this.volume.meta;
    if (meta === undefined || this.segmentation.labels === undefined) throw new Error('Open an image and segment a few slices first.');
    if (this.running) return;
    const axis = indexAxisForView(meta.geometry.direction, view);
    const planned = this.plan(method, view);
    const plans = plansToRun(planned);
    if (plans.length === 0) {
      const message = planned.some((p) => p.kind === 'up-to-date')
        ? 'Nothing was corrected since the last propagation: correct a slice, then propagate again.'
        : `Nothing to propagate: segment a few ${view} slices first.`;
      this.update({ state: 'idle', done: 0, total: 0, message });
      return;
    }
    this.update({ state: 'running', done: 0, total: 0, message: 'Starting…', axis, flagged: [] });
    this.app.begin();
    // What the run writes, slice by slice: its one undo step, and what a stopped run takes back.
    const journal = new RunJournal();
    const labels = this.segmentation.labels;
    try {
      const jobs: Outcome[] = [];
      for (const [n, plan] of plans.entries()) {
        const prefix = plans.length > 1 ? `Segment ${n + 1} of ${plans.length}: ` : '';
        const outcome = await this.runJob(meta.id, method, axis, plan, prefix, journal);
        if (outcome === undefined) {
          await this.takeBack(journal, labels);
          return;
        }
        jobs.push(outcome);
      }
      await this.commit(method, view, axis, plans, jobs, journal, labels);
    } catch (error) {
      await this.takeBack(journal, labels).catch(() => undefined);
      this.update({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
    } finally {
      this.jobId = undefined;
      this.app.end();
    }
  }

  /** One segment's job; its slices are written as they arrive. Undefined when cancelled or failed. */
  private async runJob(
    volumeId: string,
    method: PropagationMethod,
    axis: 0 | 1 | 2,
    plan: RunnablePlan,
    prefix: string,
    journal: RunJournal,
  ): Promise<Outcome | undefined> {
    const labels = this.segmentation.labels;
    if (labels === undefined) throw new Error('The image was closed.');
    const options: PropagationOptions = {
      axis,
      locked: [...this.segmentation.lockedValues],
      labels: [plan.label],
      annotatedSlices: [...plan.seeds],
      ...(plan.kind === 'range' ? { range: [plan.range.first, plan.range.last] as [number, number] } : {}),
    };
    const jobId = newJobId();
    // Subscribed before the start, so no event of this job can be missed.
    const last = this.progressOf(jobId, axis, prefix, journal);
    this.jobId = jobId;
    try {
      await this.client.call('propagation.start', {
        jobId,
        volumeId,
        // The labels as they are now, as their runs: packed here, so the page's labels may change
        // under the job as its slices arrive.
        seedRuns: packSeedRuns(labels),
        seedsType: labels instanceof Uint16Array ? 'uint16' : 'uint8',
        method,
        options,
      });
    } catch (error) {
      last.stop();
      throw error;
    }
    const end = await last.ended;
    if (end.state === 'cancelled') {
      this.update({ state: 'cancelled', message: 'Cancelled; nothing was changed.' });
      return undefined;
    }
    if (end.state === 'failed' || !end.outcome) {
      this.update({ state: 'failed', message: end.error ?? 'Propagation failed.' });
      return undefined;
    }
    return { ...end.outcome, options: end.outcome.options ?? options };
  }

  /**
   * Follows a job's pushed progress: decided slices go into the views as they arrive; `ended`
   * resolves with the job's last event, or with a failure when the connection is lost (the job's
   * events would go to a connection that no longer exists).
   */
  private progressOf(
    jobId: string,
    axis: 0 | 1 | 2,
    prefix: string,
    journal: RunJournal,
  ): { ended: Promise<Progress>; stop: () => void } {
    let stop = (): void => undefined;
    // Slices are written a few per task (see slice-stream.ts), one MobX action per task.
    const stream = new SliceStream<Progress['updates'][number]>(
      (update) => this.showSlice(axis, update, journal),
      { batch: (work) => runInAction(work) },
    );
    const ended = new Promise<Progress>((resolve) => {
      const unsubscribe = this.client.on('propagation.progress', (event) => {
        if (event.jobId !== jobId) return;
        stream.push(event.updates);
        if (event.state === 'running') {
          this.update({ done: event.done, total: event.total, message: `${prefix}${event.done} / ${event.total} slices` });
          return;
        }
        stop();
        // The job's end counts once every slice it streamed is written.
        stream.drained().then(
          () => resolve(event),
          (error: unknown) => resolve({ ...event, state: 'failed', error: error instanceof Error ? error.message : String(error) }),
        );
      });
      const unwatch = isConnectionAware(this.client)
        ? this.client.onConnectionChange((state) => {
            if (state !== 'lost') return;
            stop();
            stream.clear();
            resolve({ jobId, state: 'failed', updates: [], done: 0, total: 0, error: 'The connection was lost during the propagation; nothing was changed.' });
          })
        : () => undefined;
      stop = () => {
        unsubscribe();
        unwatch();
      };
    });
    return {
      ended,
      stop: () => {
        stop();
        stream.clear();
      },
    };
  }

  /** Writes one streamed slice into the labels (a preview until the run is committed), noting what it changed. */
  private showSlice(axis: 0 | 1 | 2, update: Progress['updates'][number], journal: RunJournal): void {
    const seg = this.segmentation;
    const size = seg.geometry?.size;
    const labels = seg.labels;
    if (size === undefined || labels === undefined) return;
    const values = update.componentType === 'uint16' ? new Uint16Array(update.labels) : new Uint8Array(update.labels);
    const pixels = axis === 0 ? size[1] * size[2] : axis === 1 ? size[0] * size[2] : size[0] * size[1];
    if (values.length !== pixels) throw new Error(`A propagated slice has ${values.length} pixels; the slices have ${pixels}.`);
    const ref = { axis, slice: update.slice };
    journal.note(update.slice, seg.writeModel(propagationWrites(labels, values, seg.lockedValues, slicePixelToIndex(size, ref)), { kind: 'slice', ref }));
  }

  /**
   * The finished run: one undo step (its slices' diffs merged off the page's thread), its
   * corrections settled, its provenance kept.
   */
  private async commit(
    method: PropagationMethod,
    view: ViewAxis,
    axis: 0 | 1 | 2,
    plans: readonly RunnablePlan[],
    jobs: readonly Outcome[],
    journal: RunJournal,
    labels: LabelArray,
  ): Promise<void> {
    if (this.segmentation.labels !== labels) throw new Error('The image was closed.');
    const { diff } = await this.merger.combine(journal.parts);
    if (this.segmentation.labels !== labels) throw new Error('The image was closed.');
    runInAction(() => {
      const seg = this.segmentation;
      seg.setUserSlices(notePropagated(seg.userSlices, plans.map((p) => p.label), axis, method));
      const ranges = plans.flatMap((p) => (p.kind === 'range' ? [`${p.range.first + 1}–${p.range.last + 1}`] : []));
      const what = HISTORY_NAMES[method];
      // Every segment's job in one step: one undo restores the labels as they were before the run.
      const name = ranges.length > 0 ? `${what}, slices ${ranges.join(', ')}` : what;
      this.history.group(name, () => this.history.record(name, diff));
      this.appliedRuns = [
        ...this.appliedRuns,
        ...jobs.map((outcome) => ({
          method: outcome.method ?? method,
          view,
          axis,
          options: outcome.options ?? { axis },
          model: outcome.model,
          propagatedLabels: [...outcome.propagated],
          gate: outcome.gate,
        })),
      ];
      this.lastGate = jobs.flatMap((outcome) => outcome.gate ?? []);
    });
    const computedSlices = jobs.reduce((n, j) => n + j.computedSlices, 0);
    const elapsedMs = jobs.reduce((n, j) => n + j.elapsedMs, 0);
    this.update({
      state: 'done',
      message: `${computedSlices} slices in ${(elapsedMs / 1000).toFixed(1)} s`,
      flagged: jobs.flatMap((j) => j.suspects).sort((a, b) => b.score - a.score),
    });
  }

  /** Takes back what a stopped run wrote into `labels`, so it changes nothing. */
  private async takeBack(journal: RunJournal, labels: LabelArray): Promise<void> {
    // Another image opened meanwhile has labels of its own, which this run never touched.
    if (this.segmentation.labels !== labels || journal.voxels === 0) return;
    const { diff } = await this.merger.combine(journal.parts);
    if (this.segmentation.labels === labels) runInAction(() => this.segmentation.applyDiff(diff, 'backward'));
  }

  async cancel(): Promise<void> {
    if (this.jobId !== undefined) await this.client.call('propagation.cancel', { jobId: this.jobId });
  }

  /** Forgets the applied runs (a new image was opened). */
  resetProvenance(): void {
    this.appliedRuns = [];
    this.flagged = [];
    this.lastGate = [];
  }

  /** The applied runs for the label sidecar, or undefined when none was applied. */
  get provenance(): PropagationProvenance | undefined {
    if (this.appliedRuns.length === 0) return undefined;
    const runs = this.appliedRuns.map((run): JsonValue => ({
      method: run.method,
      view: run.view,
      axis: run.axis,
      ...(run.model === undefined ? {} : { model: { id: run.model.id, sha256: run.model.sha256 } }),
      options: optionsAsJson(run.options),
      propagatedLabels: [...run.propagatedLabels],
      ...(run.gate === undefined ? {} : { gate: gateDecisionsAsJson(run.gate) }),
    }));
    return { runs };
  }

  /** The next suspect slice to check (wraps around), or undefined when there is none. */
  nextSuspect(): Suspect | undefined {
    const suspects = this.suspects;
    if (suspects.length === 0) return undefined;
    this.suspectCursor = (this.suspectCursor + 1) % suspects.length;
    return suspects[this.suspectCursor];
  }

  private update(change: Partial<Pick<PropagationStore, 'state' | 'done' | 'total' | 'message' | 'axis' | 'flagged'>>): void {
    Object.assign(this, change);
    if (change.flagged) this.suspectCursor = -1;
  }
}
