/** The per-label plans of one propagation request (pure). */
import type { Volume } from '../volume';
import type { PropagateOptions } from './options';
import { planSegment, type AnnotatedSlice, type SegmentPlan } from './plan';
import { sliceLayout, type SliceLayout } from '../slice';
import { checkInputs, labelsToPropagate, throwIfCancelled } from './assembler';
import type { CancelSignal } from './propagator';
import { areasOfSlices, sliceAreas } from './slices';

export interface SegmentTask {
  readonly label: number;
  readonly annotated: readonly AnnotatedSlice[];
  readonly plan: SegmentPlan;
}

export function planSegments(seeds: Volume, layout: SliceLayout, labels: readonly number[], options: PropagateOptions): SegmentTask[] {
  return labels.map((label) => {
    // With the annotated slices named, only their areas are needed (not a pass over the volume).
    const areas = options.annotatedSlices ? areasOfSlices(seeds.voxels, layout, label, options.annotatedSlices) : sliceAreas(seeds.voxels, layout, label);
    const slices = options.annotatedSlices ? [...new Set(options.annotatedSlices)] : [...areas.keys()].filter((s) => (areas[s] ?? 0) > 0);
    const annotated = slices.filter((s) => s < layout.count).map((slice) => ({ slice, area: areas[slice] ?? 0 }));
    return { label, annotated, plan: planSegment(annotated, layout.count, options.range) };
  });
}

/** Every slice the tasks write, counted once per label (the progress total). */
export function totalWrites(tasks: readonly SegmentTask[]): number {
  return tasks.reduce((n, t) => n + t.plan.written.length, 0);
}

/** How every propagator starts a request: the labels to propagate (never a locked one), their slices and tasks. */
export interface RequestPlan {
  readonly locked: ReadonlySet<number>;
  readonly labels: readonly number[];
  readonly layout: SliceLayout;
  readonly tasks: SegmentTask[];
}

/** Checks the inputs (one clear sentence each) and plans one task per label to propagate. */
export function planRequest(image: Volume, seeds: Volume, options: PropagateOptions, signal?: CancelSignal): RequestPlan {
  checkInputs(image, seeds);
  throwIfCancelled(signal);
  const locked = new Set(options.locked ?? []);
  const labels = labelsToPropagate(seeds, options.labels, locked);
  const layout = sliceLayout(seeds.geometry.size, options.axis);
  return { locked, labels, layout, tasks: planSegments(seeds, layout, labels, options) };
}
