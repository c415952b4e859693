/**
 * The baseline: morphological contour interpolation ("fill between slices", as in 3D Slicer),
 * through @itk-wasm/morphological-contour-interpolation, behind the same `Propagator` interface
 * as the memory network. Each label is interpolated on its own, gap by gap (only between its
 * annotated slices: the method never extrapolates past the object's ends), then merged slice by
 * slice without touching locked labels. A wasm call cannot be interrupted, so cancellation is
 * honoured between them; a cancelled run returns nothing.
 */
import { morphologicalContourInterpolationNode } from '@itk-wasm/morphological-contour-interpolation';
import { ServiceError } from '../../common/errors';
import { LabelAssembler, throwIfCancelled } from '../../common/propagation/assembler';
import type { PropagateOptions } from '../../common/propagation/options';
import type { CancelSignal, PropagationOutcome, Propagator, SliceListener } from '../../common/propagation/propagator';
import { planRequest, totalWrites } from '../../common/propagation/segments';
import { readSlice, sliceLayout, writeSlice, type IndexAxis, type SliceLayout } from '../../common/slice';
import type { Vec3, Volume } from '../../common/volume';
import { itkImageFromVolume } from '../io/itk-image';
import { quietItk } from '../io/quiet-itk';

export class InterpolationPropagator implements Propagator {
  readonly method = 'interpolation' as const;

  async propagate(image: Volume, seeds: Volume, options: PropagateOptions, onSlice?: SliceListener, signal?: CancelSignal): Promise<PropagationOutcome> {
    const started = performance.now();
    const { locked, labels, layout, tasks } = planRequest(image, seeds, options, signal);
    // Interpolate every label first (the slow part), then stream the merged slices.
    const results = new Map<number, Slab & { readonly filled: Uint8Array }>();
    let computed = 0;
    for (const task of tasks) {
      throwIfCancelled(signal);
      const annotated = task.annotated.map((a) => a.slice);
      const drawn = task.annotated.filter((a) => a.area > 0).map((a) => a.slice);
      if (task.plan.written.length === 0 || drawn.length < 2) continue;
      // Each gap between two consecutive slices holding the label is interpolated on its own, from
      // those two slices alone: run over a whole volume the filter's answer in one gap depends on the
      // others and fails with densely given slices (TotalSegmentator MR label 1 from 10 given slices,
      // not-given Dice .379, gap by gap .955; over the gate sweep's 45 training-source cells 77.54 →
      // 78.88 %, none lower by more than 0.1 point). So a request for a range (the auto gate's
      // trials, a correction's re-propagation) computes only the gaps it touches, and gives the same
      // pixels there as a run over everything. Nothing is filled beyond the outermost slices.
      const sorted = [...new Set(drawn)].sort((a, b) => a - b);
      const [first, last] = bracket(sorted, options.range);
      const slab = slabOf(seeds.geometry.size, options.axis, first, last);
      const filled = new Uint8Array(slab.voxels);
      const plane = new Uint8Array(layout.width * layout.height);
      for (let g = 0; g + 1 < sorted.length; g++) {
        const a = sorted[g] as number;
        const b = sorted[g + 1] as number;
        if (a < first || b > last) continue;
        throwIfCancelled(signal);
        const gap = slabOf(seeds.geometry.size, options.axis, a, b);
        const ends = maskOf(seeds, layout, task.label, gap, [a, b]);
        const between = b - a < 2 ? ends : await interpolate({ geometry: { ...seeds.geometry, size: gap.size }, componentType: 'uint8', voxels: ends }, options.axis);
        for (let s = a; s <= b; s++) writeSlice(filled, slab.layout, s - first, readSlice(between, gap.layout, s - a, plane));
      }
      results.set(task.label, { ...slab, filled });
      computed += task.plan.written.filter((s) => s > (annotated[0] ?? Infinity) && s < (annotated.at(-1) ?? -Infinity)).length;
    }
    throwIfCancelled(signal);
    const assembler = new LabelAssembler(seeds, options.axis, locked, options.overwriteOthers ?? false, totalWrites(tasks), onSlice);
    const pixels = layout.width * layout.height;
    for (const task of tasks) {
      const filled = results.get(task.label);
      for (const slice of task.plan.written) {
        throwIfCancelled(signal);
        const inSlab = filled !== undefined && slice >= filled.first && slice < filled.first + filled.layout.count;
        const probability = inSlab ? readSlice(filled.filled, filled.layout, slice - filled.first, new Uint8Array(pixels)) : new Uint8Array(pixels);
        for (let i = 0; i < pixels; i++) probability[i] = probability[i] === 1 ? 255 : 0;
        assembler.commit(task.label, slice, probability);
      }
    }
    return assembler.outcome({ method: this.method, propagated: labels, computedSlices: computed, elapsedMs: performance.now() - started });
  }
}

/**
 * The drawn slices (ascending) enclosing `range`: the last at or below its start and the first at or
 * above its end (the outermost drawn slices where the range reaches past them, or without a range).
 */
export function bracket(drawn: readonly number[], range: readonly [number, number] | undefined): [number, number] {
  const lowest = Math.min(...drawn);
  const highest = Math.max(...drawn);
  if (range === undefined) return [lowest, highest];
  const below = drawn.filter((s) => s <= range[0]);
  const above = drawn.filter((s) => s >= range[1]);
  return [below.length > 0 ? Math.max(...below) : lowest, above.length > 0 ? Math.min(...above) : highest];
}

/** A slab's binary mask: 1 where `label` lies on the given `slices` of the seeds. */
function maskOf(seeds: Volume, layout: SliceLayout, label: number, slab: Slab, slices: readonly number[]): Uint8Array {
  const mask = new Uint8Array(slab.voxels);
  const [ss, sx, sy] = layout.strides;
  const [ms, mx, my] = slab.layout.strides;
  for (const s of slices) {
    if (s < slab.first || s >= slab.first + slab.layout.count) continue;
    for (let y = 0; y < layout.height; y++) {
      for (let x = 0, index = s * ss + y * sy, to = (s - slab.first) * ms + y * my; x < layout.width; x++, index += sx, to += mx) if (seeds.voxels[index] === label) mask[to] = 1;
    }
  }
  return mask;
}

/** Slices first … last along an axis of a volume, as a volume of their own. */
interface Slab {
  readonly first: number;
  readonly size: Vec3;
  readonly layout: SliceLayout;
  readonly voxels: number;
}

function slabOf(size: Vec3, axis: IndexAxis, first: number, last: number): Slab {
  const count = last - first + 1;
  const slab: Vec3 = [axis === 0 ? count : size[0], axis === 1 ? count : size[1], axis === 2 ? count : size[2]];
  return { first, size: slab, layout: sliceLayout(slab, axis), voxels: slab[0] * slab[1] * slab[2] };
}

/** One binary mask volume (1 on its annotated slices) filled between them along `axis`. */
async function interpolate(mask: Volume, axis: number): Promise<Uint8Array> {
  try {
    const { outputImage } = await quietItk(() => morphologicalContourInterpolationNode(itkImageFromVolume(mask, 'seeds'), { label: 1, axis }));
    const data = outputImage.data;
    if (!(data instanceof Uint8Array) || data.length !== mask.voxels.length) throw new Error('unexpected output');
    return data;
  } catch {
    throw new ServiceError('internal', 'Morphological contour interpolation failed on these seeds.');
  }
}
