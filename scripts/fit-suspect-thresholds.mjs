#!/usr/bin/env node
/**
 * Chooses the suspect-flag thresholds (electron/common/propagation/suspect.ts) from the per-slice
 * evidence `iseg eval-suspects --json` writes, on training-source volumes only, then reports the
 * chosen thresholds on the evaluation volumes. A slice is flagged when any evidence reaches its
 * threshold (as rankSuspectSlices does); the bad slices are each label's worst 10 % by Dice.
 * The choice: the highest pooled recall with at most --max-false (default 2) false flags per true
 * one, ties to fewer false flags. Prints figures, asserts nothing.
 *
 *   node scripts/fit-suspect-thresholds.mjs --train a.json [--train b.json ...] [--eval c.json ...] [--max-false 2]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { train: { type: 'string', multiple: true, default: [] }, eval: { type: 'string', multiple: true, default: [] }, 'max-false': { type: 'string', default: '2' } } });
const FEATURES = ['disagreement', 'areaJump', 'shapeChange', 'uncertainty', 'objectEnd', 'areaDrop'];
/** The values tried for each feature (Infinity: never flags); objectEnd is 1 / (1 + slices away). */
const GRIDS = [
  [0.2, 0.3, 0.4, 0.5, 0.7, Infinity],
  [0.2, 0.3, 0.4, 0.5, 0.6, 0.8, Infinity],
  [0.2, 0.3, 0.4, 0.5, 0.6, 0.8, Infinity],
  [0.8, 0.9, 0.95, Infinity],
  [1, 0.5, 1 / 3, 0.25, 0.2, Infinity],
  [0.3, 0.5, 0.7, 0.8, 0.9, 0.95, Infinity],
];
const maxFalse = Number(values['max-false']);

/** Every label of every file: its propagated slices' evidence and its worst slices. */
function load(files) {
  return files.map((file) => {
    const run = JSON.parse(readFileSync(file, 'utf8'));
    return { name: `${basename(file)}`, labels: run.perLabel.map((l) => ({ slices: l.slices, worst: new Set(l.worst) })) };
  });
}

function score(runs, t) {
  let worst = 0;
  let found = 0;
  let flagged = 0;
  for (const run of runs)
    for (const label of run.labels) {
      worst += label.worst.size;
      for (const s of label.slices) {
        if (!FEATURES.some((f, n) => (s[f] ?? 0) >= t[n])) continue;
        flagged++;
        if (label.worst.has(s.slice)) found++;
      }
    }
  return { worst, found, flagged, recall: found / Math.max(1, worst), falsePerTrue: (flagged - found) / Math.max(1, found) };
}

const train = load(values.train);
let best;
/** Every combination of the grids' values, one threshold per feature. */
function* combinations(n = 0, prefix = []) {
  if (n === GRIDS.length) yield prefix;
  else for (const v of GRIDS[n]) yield* combinations(n + 1, [...prefix, v]);
}
for (const t of combinations()) {
  const s = score(train, t);
  if (s.falsePerTrue > maxFalse) continue;
  if (!best || s.recall > best.s.recall || (s.recall === best.s.recall && s.falsePerTrue < best.s.falsePerTrue)) best = { t, s };
}
const line = (name, s) => `${name.padEnd(40)} recall ${(100 * s.recall).toFixed(0).padStart(3)}% (${s.found}/${s.worst}), ${s.falsePerTrue.toFixed(2)} false flags per true one (${s.flagged} flags)`;
if (!best) {
  console.log(`no thresholds keep to ${maxFalse} false flags per true one on the training volumes`);
  process.exit(0);
}
console.log(`thresholds (training-source volumes: ${train.map((r) => r.name).join(', ')}):`);
console.log(`  ${FEATURES.map((f, n) => `${f} ${best.t[n]}`).join(', ')}`);
console.log(line('training-source, pooled', best.s));
for (const run of train) console.log(line(`  ${run.name}`, score([run], best.t)));
const evaluation = load(values.eval);
if (evaluation.length > 0) {
  console.log(line('evaluation, pooled', score(evaluation, best.t)));
  for (const run of evaluation) console.log(line(`  ${run.name}`, score([run], best.t)));
}
