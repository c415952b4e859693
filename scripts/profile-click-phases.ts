/**
 * Where a click's core time goes (issue #19), in one process on the simulated knee sample: the
 * inference worker's phases for the clicks bench-serve-clients.ts sends (one positive click near
 * the middle of a mid slice, axes in turn, no previous mask), each in CPU milliseconds per click
 * (user + system, every thread of this process) and wall milliseconds. Prints figures; asserts
 * nothing.
 *
 *   npx vite-node scripts/profile-click-phases.ts -- [--model DIR] [--threads 1] [--clicks 200]
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeMaskRuns, decodeMaskRuns } from '../electron/common/click/mask-runs';
import { robustRange } from '../electron/common/click/normalize';
import { prepareClickInput, restoreProbabilities, threshold } from '../electron/common/click/prepare';
import { honourProbabilities } from '../electron/common/click/honour';
import { extractSlice } from '../electron/common/click/slice';
import { clickPredictOptionsSchema } from '../electron/common/click/worker-ops';
import type { IndexAxis } from '../electron/common/slice';
import { loadClickModelFromDir } from '../electron/node/models/open-segmenter';
import { readVolume } from '../electron/node/io/read-volume';

const root = resolve(__dirname, '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: join(root, 'native-models', 'isegformer-swin32-cpu') },
    threads: { type: 'string', default: '1' },
    clicks: { type: 'string', default: '200' },
  },
});
const CLICKS = Number(values.clicks);

const volume = await readVolume(join(root, 'resources', 'sample', 'knee-sample.nii.gz'));
const model = await loadClickModelFromDir(resolve(values.model), { ep: 'cpu', threads: Number(values.threads) });
const range = robustRange(volume.voxels, 0.5, 99.5, 1 << 20);
const slices = ([0, 1, 2] as const).map((axis) => extractSlice(volume, axis, Math.floor(volume.geometry.size[axis] / 2)));

const phases = new Map<string, { cpu: number; wall: number }>();
/** Adds the CPU and wall time since (`cpu`, `t0`) to phase `name`. */
function record(name: string, cpu: NodeJS.CpuUsage, t0: number): void {
  const used = process.cpuUsage(cpu);
  const entry = phases.get(name) ?? { cpu: 0, wall: 0 };
  entry.cpu += (used.user + used.system) / 1000;
  entry.wall += performance.now() - t0;
  phases.set(name, entry);
}
function timed<T>(name: string, work: () => T): T {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const out = work();
  record(name, cpu, t0);
  return out;
}
async function timedAsync<T>(name: string, work: () => Promise<T>): Promise<T> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const out = await work();
  record(name, cpu, t0);
  return out;
}

for (let k = -10; k < CLICKS; k++) {
  if (k === 0) phases.clear(); // the first ten warm up (JIT, the denoised slices)
  const axis = ((k + 30) % 3) as IndexAxis;
  const picked = slices[axis];
  if (picked === undefined) throw new Error('no slice');
  const { data, geometry } = picked;
  const { width, height } = geometry;
  const jitter = (extent: number): number => Math.round(extent / 2 + (Math.random() - 0.5) * extent * 0.2);
  const clicks = [{ x: jitter(width), y: jitter(height), positive: true }];
  timed('worker options parse (zod)', () =>
    clickPredictOptionsSchema.parse({ modelId: model.id, sliceKey: `v:${axis}`, width, height, clicks, intensityRange: range, pixelSpacing: geometry.pixelSpacing, output: 'mask-runs' }),
  );
  const prepared = timed('prepare (crop, resize, disks)', () =>
    prepareClickInput(model.spec, data, width, height, clicks, undefined, { intensityRange: range, pixelSpacing: geometry.pixelSpacing }),
  );
  const output = await timedAsync('forward (session.run)', () => model.forward(prepared));
  const probabilities = timed('restore (sigmoid, paste back)', () => restoreProbabilities(model.spec, output, model.outputIsLogits, prepared.roi, width, height));
  const honoured = timed('click guarantee', () => honourProbabilities(probabilities, width, height, { clicks }, model.threshold));
  const runs = timed('threshold + run-length encode', () => encodeMaskRuns(threshold(honoured, model.threshold)));
  timed('main: decode runs', () => decodeMaskRuns(runs, width * height));
}
let total = 0;
for (const [name, { cpu, wall }] of phases) {
  total += cpu;
  console.log(`${name.padEnd(34)} CPU ${(cpu / CLICKS).toFixed(2).padStart(6)} ms  wall ${(wall / CLICKS).toFixed(2).padStart(6)} ms per click`);
}
console.log(`${'all'.padEnd(34)} CPU ${(total / CLICKS).toFixed(2).padStart(6)} ms per click (${model.id}, ${values.threads} thread(s), ${CLICKS} clicks)`);
await model.dispose();
