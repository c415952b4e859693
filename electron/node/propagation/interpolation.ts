/**
 * The baseline: morphological contour interpolation ("fill between slices", as in 3D Slicer),
 * through @itk-wasm/morphological-contour-interpolation, behind the same `Propagator` interface
 * as the memory network. Each label is interpolated on its own (only between its annotated slices:
 * the method never extrapolates past the object's ends), then merged slice by slice without
 * touching locked labels. The wasm call cannot be interrupted, so cancellation is honoured before
 * and after it; a cancelled run returns nothing.
 */
import { morphologicalContourInterpolationNode } from '@itk-wasm/morphological-contour-interpolation';
import { ServiceError } from '../../common/errors';
import { LabelAssembler, throwIfCancelled } from '../../common/propagation/assembler';
import type { PropagateOptions } from '../../common/propagation/options';
import type { CancelSignal, PropagationOutcome, Propagator, SliceListener } from '../../common/propagation/propagator';
import { planRequest, totalWrites } from '../../common/propagation/segments';
import { readSlice } from '../../common/slice';
import type { Volume } from '../../common/volume';
import { itkImageFromVolume } from '../io/itk-image';
import { quietItk } from '../io/quiet-itk';

export class InterpolationPropagator implements Propagator {
  readonly method = 'interpolation' as const;

  async propagate(image: Volume, seeds: Volume, options: PropagateOptions, onSlice?: SliceListener, signal?: CancelSignal): Promise<PropagationOutcome> {
    const started = performance.now();
    const { locked, labels, layout, tasks } = planRequest(image, seeds, options, signal);
    // Interpolate every label first (the slow part), then stream the merged slices.
    const results = new Map<number, Uint8Array>();
    let computed = 0;
    for (const task of tasks) {
      throwIfCancelled(signal);
      const annotated = task.annotated.map((a) => a.slice);
      if (task.plan.written.length === 0 || task.annotated.filter((a) => a.area > 0).length < 2) continue;
      const mask = new Uint8Array(seeds.voxels.length);
      const onAnnotated = new Uint8Array(layout.count);
      for (const s of annotated) onAnnotated[s] = 1;
      const [ss, sx, sy] = layout.strides;
      for (const s of annotated) {
        for (let y = 0; y < layout.height; y++) {
          for (let x = 0, index = s * ss + y * sy; x < layout.width; x++, index += sx) if (seeds.voxels[index] === task.label) mask[index] = 1;
        }
      }
      results.set(task.label, await interpolate({ geometry: seeds.geometry, componentType: 'uint8', voxels: mask }, options.axis));
      computed += task.plan.written.filter((s) => s > (annotated[0] ?? Infinity) && s < (annotated.at(-1) ?? -Infinity)).length;
    }
    throwIfCancelled(signal);
    const assembler = new LabelAssembler(seeds, options.axis, locked, options.overwriteOthers ?? false, totalWrites(tasks), onSlice);
    const pixels = layout.width * layout.height;
    for (const task of tasks) {
      const filled = results.get(task.label);
      for (const slice of task.plan.written) {
        throwIfCancelled(signal);
        const probability = filled ? readSlice(filled, layout, slice, new Uint8Array(pixels)) : new Uint8Array(pixels);
        for (let i = 0; i < pixels; i++) probability[i] = probability[i] === 1 ? 255 : 0;
        assembler.commit(task.label, slice, probability);
      }
    }
    return {
      labels: assembler.labelsVolume(),
      method: this.method,
      propagated: labels,
      written: assembler.written,
      computedSlices: computed,
      elapsedMs: performance.now() - started,
      suspects: assembler.suspects(labels),
    };
  }
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
