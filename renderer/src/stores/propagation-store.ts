/**
 * Propagation from the workspace: starts a job on the current labels (memory network or contour
 * interpolation), follows its progress by polling, lets the user cancel, and applies the finished
 * result as ONE undo step. A cancelled or failed job changes nothing.
 */
import { action, makeObservable, observable, observableRef, runInAction } from 'mobx';
import type { MethodInput, ServiceClient } from '../../../electron/common/contract';
import type { ModelDigest } from '../../../electron/common/contract-click';
import { indexAxisForView, type ViewAxis } from '../../../electron/common/volume';
import { mergePropagationResult } from '../segmentation/propagation-result';
import { replaceDiff } from '../segmentation/paint';
import type { AppStore } from './app-store';
import type { HistoryStore } from './history-store';
import type { SegmentationStore } from './segmentation-store';
import type { VolumeStore } from './volume-store';

export type PropagationMethod = 'memory' | 'interpolation';
export type JobState = 'idle' | 'running' | 'done' | 'cancelled' | 'failed';

export interface Suspect {
  readonly slice: number;
  readonly label: number;
  readonly score: number;
  readonly reason: 'disagreement' | 'area-jump' | 'shape-change' | 'low-confidence' | 'object-end' | 'area-drop';
}

type PropagationOptions = MethodInput<'propagation.start'>['options'];
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
}

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
  /** Index axis of the last run (suspect slices are along it). */
  axis: 0 | 1 | 2 = 0;
  suspects: readonly Suspect[] = [];
  /**
   * Every propagation applied to the labels since the image was opened, oldest first (an undone
   * one stays: the labels may still build on it, and a reviewer would rather see it than not).
   */
  appliedRuns: readonly AppliedPropagation[] = [];
  private suspectCursor = -1;
  private jobId: string | undefined;

  constructor(
    private readonly client: ServiceClient,
    private readonly app: AppStore,
    private readonly volume: VolumeStore,
    private readonly segmentation: SegmentationStore,
    private readonly history: HistoryStore,
  ) {
    makeObservable<PropagationStore, 'update'>(this, {
      state: observable,
      done: observable,
      total: observable,
      message: observable,
      axis: observable,
      suspects: observableRef,
      appliedRuns: observableRef,
      update: action,
      nextSuspect: action,
      resetProvenance: action,
    });
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /** Propagates every unlocked segment along the view's slices. */
  async run(method: PropagationMethod, view: ViewAxis): Promise<void> {
    const meta = this.volume.meta;
    const labels = this.segmentation.labels;
    if (meta === undefined || labels === undefined) throw new Error('Open an image and segment a few slices first.');
    if (this.running) return;
    const axis = indexAxisForView(meta.geometry.direction, view);
    const locked = this.segmentation.lockedValues;
    const seeds = labels.slice();
    const options: PropagationOptions = { axis, locked: [...locked] };
    this.update({ state: 'running', done: 0, total: 0, message: 'Starting…', axis, suspects: [] });
    this.app.begin();
    try {
      const { jobId } = await this.client.call('propagation.start', {
        volumeId: meta.id,
        seeds: seeds.buffer,
        seedsType: seeds instanceof Uint16Array ? 'uint16' : 'uint8',
        method,
        options,
      });
      this.jobId = jobId;
      for (;;) {
        const poll = await this.client.call('propagation.poll', { jobId, waitMs: 400 });
        this.update({ done: poll.done, total: poll.total, message: `${poll.done} / ${poll.total} slices` });
        if (poll.state === 'running') continue;
        if (poll.state === 'cancelled') {
          this.update({ state: 'cancelled', message: 'Cancelled; nothing was changed.' });
          return;
        }
        if (poll.state === 'failed' || !poll.outcome) {
          this.update({ state: 'failed', message: poll.error ?? 'Propagation failed.' });
          return;
        }
        const outcome = poll.outcome;
        const result = outcome.componentType === 'uint16' ? new Uint16Array(outcome.labels) : new Uint8Array(outcome.labels);
        runInAction(() => {
          const current = this.segmentation.labels;
          if (current === undefined) return;
          const next = mergePropagationResult(current, result, this.segmentation.lockedValues);
          const diff = replaceDiff(current, next);
          this.segmentation.replaceLabels(next);
          this.history.record(method === 'memory' ? 'Propagate (memory network)' : 'Fill between slices', diff);
          this.appliedRuns = [
            ...this.appliedRuns,
            {
              method: outcome.method ?? method,
              view,
              axis,
              options: outcome.options ?? options,
              model: outcome.model,
              propagatedLabels: [...outcome.propagated],
            },
          ];
        });
        this.update({
          state: 'done',
          message: `${outcome.computedSlices} slices in ${(outcome.elapsedMs / 1000).toFixed(1)} s`,
          suspects: [...outcome.suspects].sort((a, b) => b.score - a.score),
        });
        return;
      }
    } catch (error) {
      this.update({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
    } finally {
      this.jobId = undefined;
      this.app.end();
    }
  }

  async cancel(): Promise<void> {
    if (this.jobId !== undefined) await this.client.call('propagation.cancel', { jobId: this.jobId });
  }

  /** Forgets the applied runs (a new image was opened). */
  resetProvenance(): void {
    this.appliedRuns = [];
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
    }));
    return { runs };
  }

  /** The next suspect slice to check (wraps around), or undefined when there is none. */
  nextSuspect(): Suspect | undefined {
    if (this.suspects.length === 0) return undefined;
    this.suspectCursor = (this.suspectCursor + 1) % this.suspects.length;
    return this.suspects[this.suspectCursor];
  }

  private update(change: Partial<Pick<PropagationStore, 'state' | 'done' | 'total' | 'message' | 'axis' | 'suspects'>>): void {
    Object.assign(this, change);
    if (change.suspects) this.suspectCursor = -1;
  }
}
