/**
 * Segment statistics compute time on the OAI-ZIB knee label map (384×384×160, four labels) over an
 * MR image simulated from it (a stand-in: no real image exists for these labels). Prints wall and
 * CPU milliseconds per run, and the cost of the label copy the page makes for the worker.
 *   npx vite-node scripts/bench-statistics.ts [--runs N]
 */
import { join } from 'node:path';
import { simulateKneeMr } from '../electron/common/simulate/knee-mr';
import { readVolume } from '../electron/node/io/read-volume';
import { SHARED_DATA } from '../electron/node/io/test-support/reference-reader';
import { computeSegmentStatistics } from '../renderer/src/stats/segment-statistics';

const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 5;
const labels = await readVolume(join(SHARED_DATA, 'knee', 'oaizib-9092628_label.nii.gz'));
if (!(labels.voxels instanceof Uint8Array)) throw new Error('expected uint8 labels');
const image = simulateKneeMr(labels, { seed: 1, preset: 'oaizib' });
const input = { labels: labels.voxels, intensities: image.voxels, size: labels.geometry.size, spacing: labels.geometry.spacing };

function timed<T>(task: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = task();
  const used = process.cpuUsage(cpu);
  return { value, wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

console.log(`labels ${labels.geometry.size.join('×')} uint8, image ${image.componentType} (simulated), ${runs} runs`);
for (let run = 0; run < runs; run++) {
  const stats = timed(() => computeSegmentStatistics(input));
  const copy = timed(() => labels.voxels.slice());
  console.log(
    `run ${run + 1}: statistics ${stats.wallMs.toFixed(1)} ms wall / ${stats.cpuMs.toFixed(1)} ms CPU (${stats.value.length} segments); ` +
      `label copy for the worker ${copy.wallMs.toFixed(1)} ms wall / ${copy.cpuMs.toFixed(1)} ms CPU`,
  );
}
