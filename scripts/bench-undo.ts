/**
 * Undo cost of one propagation step on the OAI-ZIB knee label map (384×384×160, four labels):
 * seeds are 5 annotated axial slices of all 4 labels, the propagation's output is the whole map.
 * Prints the bytes the history step costs and the merge and diff milliseconds: a whole-volume
 * merge (SegmentationStore.writeModel, as the page did before streamed slices) and the diff the
 * propagation store records (now computed in the propagation-merge Web Worker).
 *   npx vite-node scripts/bench-undo.ts [--runs N]
 */
import { join } from 'node:path';
import { readVolume } from '../electron/node/io/read-volume';
import { SHARED_DATA } from '../electron/node/io/test-support/reference-reader';
import { propagationWrites } from '../renderer/src/segmentation/propagation-result';
import { replaceDiff } from '../renderer/src/segmentation/paint';
import { HistoryStore, stepCost } from '../renderer/src/stores/history-store';
import { SegmentationStore } from '../renderer/src/stores/segmentation-store';

const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 3;
const knee = await readVolume(join(SHARED_DATA, 'knee', 'oaizib-9092628_label.nii.gz'));
if (!(knee.voxels instanceof Uint8Array)) throw new Error('expected uint8 labels');
const full = knee.voxels;
const [x, y, z] = knee.geometry.size;
const plane = x * y;
const seedSlices = [0.1, 0.3, 0.5, 0.7, 0.9].map((f) => Math.round(f * (z - 1)));

function seedsOnly(): Uint8Array {
  const seeds = new Uint8Array(full.length);
  for (const k of seedSlices) seeds.set(full.subarray(k * plane, (k + 1) * plane), k * plane);
  return seeds;
}

const MiB = 1024 * 1024;
console.log(`labels ${x}×${y}×${z} uint8, seeds on slices ${seedSlices.join(', ')}, ${runs} runs`);
for (let run = 0; run < runs; run++) {
  const seg = new SegmentationStore();
  seg.reset(knee.geometry);
  seg.replaceLabels(seedsOnly());
  seg.applyKneePreset();
  const history = new HistoryStore(seg);
  const labels = seg.labels;
  if (labels === undefined) throw new Error('no labels');
  const before = labels.slice();
  let started = performance.now();
  seg.writeModel(propagationWrites(labels, full, seg.lockedValues), { kind: 'all' });
  const mergeMs = performance.now() - started;
  started = performance.now();
  const diff = replaceDiff(before, labels);
  history.record('Propagate', diff);
  const diffMs = performance.now() - started;
  started = performance.now();
  history.undo();
  const undoMs = performance.now() - started;
  const restored = seg.labels?.every((v, n) => v === before[n]) ?? false;
  console.log(
    `run ${run + 1}: step ${(stepCost(diff) / MiB).toFixed(2)} MiB (history ${(history.bytes / MiB).toFixed(2)} MiB); ` +
      `merge ${mergeMs.toFixed(0)} ms, diff + record ${diffMs.toFixed(0)} ms, undo ${undoMs.toFixed(0)} ms` +
      (restored ? '' : ' — UNDO DID NOT RESTORE THE SEEDS'),
  );
}
