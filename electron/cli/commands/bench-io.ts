/** `iseg bench-io`: load and label-map write times, and peak memory, on this machine. */
import { BENCH_SIZE, runIoBenchmark, type IoBenchmarkResult, type Timing } from '../bench/io-benchmark';
import { integerOption, parseCommandLine, UsageError, type CliOutput, type Command } from '../command';
import { writeJsonFile } from '../write-json';

const USAGE = `Usage: iseg bench-io [image] [--runs N] [--load-only] [--json FILE]

Times loading an image (default: a synthetic ${BENCH_SIZE.join('×')} int16 .nii.gz made in a temp
folder) and writing a label map of its size as .nii.gz and .nrrd, and reports peak memory (RSS).
Figures only: nothing is asserted.

  --runs N     repetitions of each step (default 3)
  --load-only  time loading alone (no label-map writes: for very large images)
  --json FILE  also write the figures as JSON to FILE`;

const runs = (values: readonly Timing[]) => values.map((v) => v.wall.toFixed(2)).join(', ');
const best = (values: readonly Timing[], key: keyof Timing) =>
  Math.min(...values.map((v) => v[key])).toFixed(2);
const summary = (values: readonly Timing[], target?: number) =>
  `${runs(values)} s (best ${best(values, 'wall')} s wall, ${best(values, 'cpu')} s CPU${target === undefined ? '' : `; target ≤ ${target} s`})`;

function formatBenchmark(result: IoBenchmarkResult): string {
  const { image, targets } = result;
  const aboveBaselineMiB = result.peakRssMiB - result.baselineRssMiB;
  return [
    `machine          ${result.machine.cpus} × ${result.machine.cpuModel}, Node ${result.machine.node}, load average ${result.loadAverage.toFixed(1)}`,
    `image            ${image.file}${image.synthetic ? ' (synthetic)' : ''}: ${image.size.join('×')} ${image.componentType}, ${image.fileMiB.toFixed(1)} MiB on disk`,
    `load             ${summary(result.load, targets.loadSeconds)}`,
    ...(result.labelWrite.niftiGz.length === 0
      ? []
      : [
          `label map write  .nii.gz ${summary(result.labelWrite.niftiGz, targets.labelWriteSeconds)}`,
          `                 .nrrd   ${summary(result.labelWrite.nrrd)}`,
        ]),
    `peak RSS         ${result.peakRssMiB.toFixed(0)} MiB (${(result.peakRssMiB / image.voxelMiB).toFixed(2)}× the ${image.voxelMiB.toFixed(0)} MiB of voxels); ` +
      `${aboveBaselineMiB.toFixed(0)} MiB (${(aboveBaselineMiB / image.voxelMiB).toFixed(2)}×) above the ${result.baselineRssMiB.toFixed(0)} MiB the process held before reading`,
    'The first load includes compiling the WebAssembly reader; CPU time counts every thread.',
  ].join('\n');
}

export const benchIoCommand: Command = {
  name: 'bench-io',
  summary: 'time image loading and label-map writing, and report peak memory',
  usage: USAGE,
  async run(args: readonly string[], output: CliOutput): Promise<void> {
    const { values, positionals } = parseCommandLine('bench-io', args, {
      runs: { type: 'string' },
      json: { type: 'string' },
      'load-only': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) return output.out(USAGE);
    if (positionals.length > 1) throw new UsageError('iseg bench-io: give at most one image');
    const repetitions = integerOption('bench-io', 'runs', values.runs, 3);
    if (repetitions < 1) throw new UsageError('iseg bench-io: --runs must be at least 1');
    const result = await runIoBenchmark(positionals[0], repetitions, { loadOnly: values['load-only'] === true });
    output.out(formatBenchmark(result));
    if (values.json !== undefined) await writeJsonFile(values.json, result);
  },
};
