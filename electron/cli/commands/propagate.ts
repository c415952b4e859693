/** `iseg propagate`: fills a volume from a label map with some slices annotated. */
import { basename } from 'node:path';
import { ServiceError } from '../../common/errors';
import { gateDecisionsAsJson } from '../../common/propagation/auto-propagator';
import { parsePropagateOptions, PROPAGATION_METHODS, type PropagationMethod } from '../../common/propagation/options';
import { indexAxisForView, VIEW_AXES, type ViewAxis } from '../../common/volume';
import { loadLabelMapFor } from '../../node/io/load-label-map';
import { readVolume } from '../../node/io/read-volume';
import { writeLabelMap } from '../../node/io/write-label-map';
import { openPropagator } from '../../node/propagation/open-propagator';
import { parseCommandLine, UsageError, type CliOutput, type Command } from '../command';

export const summary = 'propagate annotated slices through a volume (memory network, interpolation or region growing)';

const USAGE = `Usage: iseg propagate --image <image> --seeds <label map> --out <label map>
         [--method auto|memory|interpolation|grow] [--axis axial|coronal|sagittal] [--model ID]
         [--labels 1,2] [--locked 3] [--slices 10,20,30] [--range FIRST,LAST]
         [--ep auto|cpu|cuda] [--threads N] [--models DIR] [--quiet]

Propagates the annotated slices of --seeds (a label map in the image's geometry with some slices
filled) to the other slices, in both directions from every annotated slice, fusing the two nearest
annotated slices in between and stopping at each object's ends. Writes a new label map (the seeds
are not modified) with a <file>.json sidecar.

  --method NAME     memory (STCN-style networks, default), interpolation (morphological
                    contour interpolation, "fill between slices"), grow (seeded region growing
                    slice to slice, no model) or auto (the app's default: per object,
                    interpolation or the consensus of the three — a voxel where two say so —
                    whichever predicts the user's held-out slices better; from one slice, grow or
                    memory ∩ grow, whichever comes back closer to it after a few slices out and back)
  --axis VIEW       slices to propagate across: axial (default), coronal or sagittal
  --model ID        propagation model under native-models/ (default: the first trained one)
  --labels LIST     labels to propagate (default: every label in the seeds not locked)
  --locked LIST     labels never overwritten nor propagated
  --slices LIST     slices that count as annotated (default: those where each label appears)
  --range A,B       recompute only slices A..B (e.g. after correcting one slice)`;

function numberList(command: string, name: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').map((t) => t.trim());
  if (items.some((t) => !/^\d+$/.test(t))) throw new UsageError(`iseg ${command}: --${name} is a comma-separated list of non-negative integers, not "${text}"`);
  return items.map(Number);
}

export function parseView(command: string, text: string | undefined): ViewAxis {
  const view = text ?? 'axial';
  if (!(VIEW_AXES as readonly string[]).includes(view)) throw new UsageError(`iseg ${command}: --axis is axial, coronal or sagittal, not "${view}"`);
  return view as ViewAxis;
}

export function parseMethod(command: string, text: string | undefined): PropagationMethod {
  const method = text ?? 'memory';
  if (!(PROPAGATION_METHODS as readonly string[]).includes(method)) throw new UsageError(`iseg ${command}: --method is auto, memory, interpolation or grow, not "${method}"`);
  return method as PropagationMethod;
}

export const propagateCommand: Command = {
  name: 'propagate',
  summary,
  usage: USAGE,
  async run(args: readonly string[], output: CliOutput): Promise<void> {
    const { values, positionals } = parseCommandLine('propagate', args, {
      image: { type: 'string' },
      seeds: { type: 'string' },
      out: { type: 'string' },
      method: { type: 'string' },
      axis: { type: 'string' },
      model: { type: 'string' },
      labels: { type: 'string' },
      locked: { type: 'string' },
      slices: { type: 'string' },
      range: { type: 'string' },
      ep: { type: 'string' },
      threads: { type: 'string' },
      models: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) return output.out(USAGE);
    if (positionals.length > 0) throw new UsageError(`iseg propagate: unexpected argument "${positionals[0] ?? ''}"`);
    if (values.image === undefined || values.seeds === undefined || values.out === undefined) throw new UsageError('iseg propagate: --image, --seeds and --out are required');
    const method = parseMethod('propagate', values.method);
    const view = parseView('propagate', values.axis);
    const range = numberList('propagate', 'range', values.range);
    if (range && range.length !== 2) throw new UsageError('iseg propagate: --range is FIRST,LAST');
    const threads = numberList('propagate', 'threads', values.threads)?.[0];
    const log = (text: string): void => {
      if (!values.quiet) output.err(text);
    };

    const image = await readVolume(values.image);
    const { labels: seeds, sidecar } = await loadLabelMapFor(values.seeds, image.geometry);
    const axis = indexAxisForView(image.geometry.direction, view);
    const options = parsePropagateOptions({
      axis,
      ...(values.labels === undefined ? {} : { labels: numberList('propagate', 'labels', values.labels) }),
      ...(values.locked === undefined ? {} : { locked: numberList('propagate', 'locked', values.locked) }),
      ...(values.slices === undefined ? {} : { annotatedSlices: numberList('propagate', 'slices', values.slices) }),
      ...(range ? { range } : {}),
    });
    const opened = await openPropagator(method, {
      ...(values.model === undefined ? {} : { model: values.model }),
      ...(values.models === undefined ? {} : { modelsDir: values.models }),
      ...(values.ep === undefined ? {} : { ep: values.ep }),
      ...(threads === undefined ? {} : { threads }),
    });
    try {
      let lastPercent = -1;
      const outcome = await opened.propagator.propagate(image, seeds, options, (u) => {
        const percent = Math.floor((100 * u.done) / Math.max(1, u.total));
        if (percent >= lastPercent + 10) {
          lastPercent = percent;
          log(`  ${percent}% (${u.done}/${u.total} slices)`);
        }
      });
      if (outcome.propagated.length === 0) throw new ServiceError('bad-request', `${basename(values.seeds)} holds no label to propagate.`);
      const labels = sidecar?.labels ?? outcome.propagated.map((value) => ({ value, name: `Segment ${value}`, color: [255, 0, 0] as [number, number, number] }));
      const written = await writeLabelMap(values.out, {
        voxels: outcome.labels.voxels,
        geometry: image.geometry,
        labels,
        provenance: {
          app: { name: 'iseg-studio', version: '0.1.0' },
          created: new Date().toISOString(),
          sourceImage: basename(values.image),
          models: opened.model ? opened.model.digests.map((d) => ({ id: `${opened.model?.id ?? ''}/${d.role}`, sha256: d.sha256 })) : [],
          clicks: 0,
          propagation: {
            method,
            axis: view,
            labels: [...outcome.propagated],
            ...(options.annotatedSlices ? { annotatedSlices: [...options.annotatedSlices] } : {}),
            ...(options.range ? { range: [...options.range] } : {}),
            ...(outcome.gate ? { gate: gateDecisionsAsJson(outcome.gate) } : {}),
          },
        },
      });
      output.out(
        `${basename(written.path)}: ${method} propagation of label${outcome.propagated.length > 1 ? 's' : ''} ${outcome.propagated.join(', ')} along ${view} slices; ` +
          `${outcome.written.length} slices written, ${outcome.computedSlices} computed in ${(outcome.elapsedMs / 1000).toFixed(2)} s` +
          (outcome.computedSlices > 0 ? ` (${(outcome.elapsedMs / outcome.computedSlices).toFixed(1)} ms/slice)` : ''),
      );
      const suspects = outcome.suspects.slice(0, 5);
      if (suspects.length > 0) output.out(`suspect slices: ${suspects.map((s) => `${s.slice} (label ${s.label}, ${s.reason} ${s.score.toFixed(2)})`).join(', ')}`);
    } finally {
      await opened.dispose();
    }
  },
};

/** The entry the brief asked for: run with arguments, exit code back (0 ok, 1 failed, 2 usage). */
export async function run(args: string[]): Promise<number> {
  return runCommand(propagateCommand, args);
}

export async function runCommand(command: Command, args: string[]): Promise<number> {
  const output: CliOutput = { out: (t) => process.stdout.write(`${t}\n`), err: (t) => process.stderr.write(`${t}\n`) };
  try {
    await command.run(args, output);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(error.message);
      return 2;
    }
    output.err(`iseg ${command.name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
