/**
 * `iseg bench-propagation`: figures, not assertions, for the memory propagation engine — the
 * TypeScript and ONNX read-outs alone, and a whole propagation from ground-truth slices first with
 * cold keys and then with the keys cached (what a re-propagation after a correction costs).
 */
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceError } from '../../common/errors';
import { sliceLayout } from '../../common/slice';
import { indexAxisForView } from '../../common/volume';
import { loadLabelMapFor } from '../../node/io/load-label-map';
import { readVolume } from '../../node/io/read-volume';
import { findModelsRoot, readModelFolder } from '../../node/models/discovery';
import { benchPropagation, benchReadout, benchReadoutOrt } from '../../node/propagation/bench';
import { propagationModelDir, readoutSpecOf } from '../../node/propagation/onnx-networks';
import { integerOption, parseCommandLine, UsageError, type CliOutput, type Command } from '../command';
import { writeJsonFile } from '../write-json';
import { chooseReadoutWindow, DEFAULT_READOUT_WINDOW } from '../../common/propagation/memory-engine';
import { parseReadoutWindow } from './readout-window-option';
import type { ReadoutWindow } from '../../common/propagation/readout';
import { parseView } from './propagate';

const describeWindow = (window: ReadoutWindow | null): string => (window ? [window.tile, window.radius, ...(window.pool ? [window.pool] : []), ...(window.poolSide ? [window.poolSide] : [])].join(',') : 'full');

const USAGE = `Usage: iseg bench-propagation --image <image> --labels <label map> --label K
         [--axis axial|coronal|sagittal] [--given N] [--model ID] [--readout onnx|typescript]
         [--readout-window T,R[,F[,S]]|full] [--decoder cut|whole] [--runs N] [--threads N]
         [--models DIR] [--json FILE]

Propagates label K from N (default 5) evenly spaced ground-truth slices along the axis (default
sagittal) with the memory method: once cold (every key encoded), then --runs times (default 1)
cached (keys reused, as after a correction), reporting the median cached run. The
stop-at-the-object's-end rule is off so that every slice is decoded. Also times one read-out
(TypeScript reference and ONNX Runtime) for the volume's slice size with 5 memory frames.
--decoder whole runs the decoder's last upsampling and its sigmoid in ONNX Runtime, as before
2026-12-07 (default cut: the engine does them; decoder-tail.ts), to compare the two in one run.
--readout-window sets the read-out's window (default: the model's own, its manifest's readout.window, else ${describeWindow(DEFAULT_READOUT_WINDOW)}; full: every memory position).
Figures only: nothing is asserted.`;

const fixed = (value: number, digits = 1): string => value.toFixed(digits);

export const benchPropagationCommand: Command = {
  name: 'bench-propagation',
  summary: 'time the memory propagation engine: read-out, cold and cached slices per second',
  usage: USAGE,
  async run(args: readonly string[], output: CliOutput): Promise<void> {
    const { values, positionals } = parseCommandLine('bench-propagation', args, {
      image: { type: 'string' },
      labels: { type: 'string' },
      label: { type: 'string' },
      axis: { type: 'string' },
      given: { type: 'string' },
      model: { type: 'string' },
      readout: { type: 'string' },
      'readout-window': { type: 'string' },
      decoder: { type: 'string' },
      runs: { type: 'string' },
      threads: { type: 'string' },
      models: { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) return output.out(USAGE);
    if (positionals.length > 0) throw new UsageError(`iseg bench-propagation: unexpected argument "${positionals[0] ?? ''}"`);
    if (values.image === undefined || values.labels === undefined || values.label === undefined) {
      throw new UsageError('iseg bench-propagation: --image, --labels and --label are required');
    }
    const label = integerOption('bench-propagation', 'label', values.label, 1);
    if (label < 1 || label > 65535) throw new UsageError('iseg bench-propagation: --label is a label value 1–65535');
    const given = integerOption('bench-propagation', 'given', values.given, 5);
    if (given < 1) throw new UsageError('iseg bench-propagation: --given must be at least 1');
    const threads = values.threads === undefined ? undefined : integerOption('bench-propagation', 'threads', values.threads, 1);
    if (threads !== undefined && threads < 1) throw new UsageError('iseg bench-propagation: --threads is a positive integer');
    const readout = values.readout ?? 'onnx';
    if (readout !== 'onnx' && readout !== 'typescript') throw new UsageError(`iseg bench-propagation: --readout is onnx or typescript, not "${readout}"`);
    const decoder = values.decoder ?? 'cut';
    if (decoder !== 'cut' && decoder !== 'whole') throw new UsageError(`iseg bench-propagation: --decoder is cut or whole, not "${decoder}"`);
    const view = parseView('bench-propagation', values.axis ?? 'sagittal');
    const readoutWindow = parseReadoutWindow('bench-propagation', values['readout-window']);
    const runs = integerOption('bench-propagation', 'runs', values.runs, 1);
    if (runs < 1) throw new UsageError('iseg bench-propagation: --runs must be at least 1');

    const image = await readVolume(values.image);
    const { labels: truth } = await loadLabelMapFor(values.labels, image.geometry);
    const axis = indexAxisForView(image.geometry.direction, view);
    const here = dirname(fileURLToPath(import.meta.url));
    const root = values.models ?? findModelsRoot([process.cwd(), here]);
    if (!root) throw new ServiceError('not-found', 'No native-models folder was found (set ISEG_MODELS_DIR or pass --models).');
    const modelDir = await propagationModelDir(root, values.model);

    const folder = await readModelFolder(modelDir, 'propagation');
    if (!folder.manifest) throw new ServiceError('unreadable', folder.problem ?? `The model in ${modelDir} cannot be read.`);
    const { keyDim, valueDim, stride, window: trainedWindow } = readoutSpecOf(folder.manifest);
    const layout = sliceLayout(image.geometry.size, axis);
    // The networks see the slice padded to a multiple of the stride.
    const grid = { height: Math.ceil(layout.height / stride), width: Math.ceil(layout.width / stride) };
    const positions = grid.height * grid.width;
    // Unless told otherwise, the read-out the model was trained with (its manifest), as the app runs it.
    const chosenWindow = chooseReadoutWindow(readoutWindow, trainedWindow);
    const readTs = benchReadout({ grid, window: chosenWindow }, keyDim, valueDim, 5);
    const readOrt = await benchReadoutOrt({ grid, window: chosenWindow }, keyDim, valueDim, 5, threads ?? 1);
    const run = await benchPropagation(image, truth, label, axis, given, modelDir, {
      ...(threads === undefined ? {} : { threads }),
      readout,
      readoutWindow: chosenWindow,
      runs,
      wholeDecoder: decoder === 'whole',
    });
    const windowText = `window ${describeWindow(chosenWindow)}`;
    const t = run.cachedTimings;
    const figures = {
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAverage: loadavg()[0] ?? 0 },
      image: values.image,
      slice: [layout.width, layout.height],
      axis: view,
      givenSlices: run.slices,
      readout: { positions, visiblePositions: readOrt.visible, window: chosenWindow, keyDim, valueDim, frames: 5, typescriptMs: readTs.msPerRead, onnxMs: readOrt.msPerRead },
      propagation: {
        readout,
        decoder,
        decodedSlices: run.decodedSlices,
        coldMs: run.coldMs,
        cachedMs: run.cachedMs,
        writtenSlices: run.writtenSlices,
        coldSlicesPerSecond: (1000 * run.writtenSlices) / run.coldMs,
        cachedSlicesPerSecond: run.cachedSlicesPerSecond,
        cachedRuns: run.cachedRuns,
        cachedTimings: t,
      },
    };
    // Slice handling: what the cached run spent outside the read-out and the networks.
    const restMs = t ? run.cachedMs - t.readoutMs - t.networkMs : 0;
    output.out(
      [
        `machine     ${figures.machine.cpus} × ${figures.machine.cpuModel}, load average ${fixed(figures.machine.loadAverage)}`,
        `slices      ${layout.width}×${layout.height} (${view}), ${run.slices.length} given: ${run.slices.join(', ')}`,
        `read-out    ${positions} positions × 5 frames, ${windowText} (${readOrt.visible} seen per query): TypeScript ${fixed(readTs.msPerRead)} ms, ONNX Runtime ${fixed(readOrt.msPerRead)} ms`,
        `propagation ${run.writtenSlices} slices written (${run.decodedSlices} decodes: slices between given ones are decoded from both sides)`,
        `            cold ${fixed(run.coldMs / run.writtenSlices)} ms/slice (${fixed(figures.propagation.coldSlicesPerSecond)} slices/s); ` +
          `keys cached ${fixed(run.cachedMs / run.writtenSlices)} ms/slice (${fixed(run.cachedSlicesPerSecond)} slices/s; target ≥ 20)` +
          (runs > 1 ? `, median of ${runs} runs: ${run.cachedRuns.map((r) => fixed(r)).join(', ')} slices/s` : ''),
        t
          ? `cached run  read-out ${fixed(t.readoutMs)} ms, networks ${fixed(t.networkMs)} ms, the rest ${fixed(restMs)} ms; ` +
            `${t.keyEncodes} key, ${t.valueEncodes} value encodes, ${t.decodes} decodes; per decode ${fixed(t.readoutMs / t.decodes)} + ${fixed(t.networkMs / t.decodes)} + ${fixed(restMs / t.decodes)} ms`
          : 'cached run  (no timings reported)',
      ].join('\n'),
    );
    if (values.json !== undefined) await writeJsonFile(values.json, figures);
  },
};
