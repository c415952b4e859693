#!/usr/bin/env node
/**
 * Figures for choosing the auto gate's MEMORY_MARGIN (electron/common/propagation/auto-propagator.ts)
 * on TRAINING-SOURCE volumes only (never the dev volumes): runs `iseg eval-propagation` with auto,
 * memory and interpolation apart on 13 structures at 3/5/10 given slices, then replays the gate's
 * held-out scores (recorded in auto's JSON) for each rule — with a margin M (the app's rule), the
 * gate keeps memory where its held-out Dice beats interpolation's by M; with a ratio R (tried, not
 * adopted: see MEMORY_MARGIN), where its held-out error (1 − Dice) is below R × interpolation's;
 * else interpolation, and auto then
 * equals the method it kept — and prints the mean not-given DSC and the cells below each method.
 * With the region-growing method as a third candidate (grow-propagator.ts, recorded as `scores.grow`),
 * each margin M also replays the three-way rule: interpolation unless memory or growing beats it by
 * M, then the better of the two (the app's rule since growing joined). Where that rule keeps
 * interpolation, it also replays what runs past the outermost given slices (EXTEND_MIN): memory or
 * growing past each end whose prediction by them (auto's `beyond`) reaches T, composed from each
 * method's own counts per region (eval-propagation's `notGivenByRegion`). Asserts nothing.
 *
 *   node scripts/gate-margin-sweep.mjs [--work /tmp/gate] [--data ../shared/data] [--ratios 0.3,…] [--margins 0,0.05,…]
 *        [--knee native-models/runs/sim/spl-knee_seed11.nii.gz (adds its femur and femoral cartilage)] [--jobs 2]
 *        [--placement ends (the given slices from the object's first to its last: eval-propagation --placement)]
 *        [--more-knees IMAGE:TAG:K[:K…],… (more SPL-atlas knees, training sources, and their labels K, e.g.
 *         native-models/runs/sim/spl-knee_seed12.nii.gz:k12:95:96:98:83:85)]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    work: { type: 'string', default: '/tmp/gate-margin' },
    data: { type: 'string', default: process.env.ISEG_SHARED_DATA ?? resolve(root, '..', 'shared', 'data') },
    margins: { type: 'string', default: '0,0.025,0.05,0.075,0.1,0.125,0.15,0.175,0.2,0.225,0.25,0.275,0.3,0.35,0.4,0.5' },
    ratios: { type: 'string', default: '0.3,0.4,0.5,0.55,0.6,0.65,0.7,0.8,0.9,1' },
    knee: { type: 'string' },
    jobs: { type: 'string', default: '1' },
    placement: { type: 'string', default: 'centres' },
    'more-knees': { type: 'string' },
  },
});
const D = values.data;
const structures = [
  ...[1, 2, 5].map((k) => [`ct${k}`, `${D}/multi/totalseg_ct.nii.gz`, `${D}/multi/totalseg_ct_labels.nii.gz`, k, 'axial']),
  ...[1, 2, 5, 46].map((k) => [`mr${k}`, `${D}/multi/totalseg_mr.nii.gz`, `${D}/multi/totalseg_mr_labels.nii.gz`, k, 'axial']),
  ...[1, 2, 4].map((k) => [`clair${k}`, `${D}/knee/clair-knee-103r_template.nii.gz`, `${D}/knee/clair-knee-103r_labels.nii.gz`, k, 'sagittal']),
  ...[10, 11, 17].map((k) => [`fs${k}`, `${D}/brain/fs_norm.mgz`, `${D}/brain/fs_aparc.a2009s+aseg.mgz`, k, 'axial']),
  // The SPL knee atlas simulated with a random tissue table (a training source: native-models/prepare_sim.sh), femur and femoral cartilage.
  ...(values.knee ? [95, 83].map((k) => [`spl${k}`, values.knee, `${D}/knee/spl-knee-atlas_seg.nrrd`, k, 'sagittal']) : []),
  ...(values['more-knees'] ? values['more-knees'].split(',').flatMap((spec) => { const [image, tag, ...labels] = spec.split(':'); return labels.map((k) => [`${tag}-${k}`, image, `${D}/knee/spl-knee-atlas_seg.nrrd`, Number(k), 'sagittal']); }) : []),
];
const METHODS = ['auto', 'memory', 'interpolation', 'grow'];
const GIVEN = ['3', '5', '10'];
mkdirSync(values.work, { recursive: true });
const result = (tag, method) => join(values.work, `${tag}-${method}.json`);

const pending = [];
for (const [tag, image, labels, label, axis] of structures) {
  for (const method of METHODS) {
    if (existsSync(result(tag, method))) continue; // resumable
    pending.push([tag, method, ['eval-propagation', '--image', image, '--labels', labels, '--label', String(label), '--axis', axis, '--method', method, '--given', GIVEN.join(','), '--placement', values.placement, '--threads', '1', '--quiet', '--json', result(tag, method)]]);
  }
}
// --jobs evaluations at a time (each on one thread).
await Promise.all(
  Array.from({ length: Math.max(1, Number(values.jobs)) }, async () => {
    for (let next = pending.shift(); next; next = pending.shift()) {
      const [tag, method, args] = next;
      const { status, output } = await new Promise((done) => {
        const child = spawn(process.execPath, [join(root, 'bin/iseg.js'), ...args], { cwd: root });
        let text = '';
        child.stdout.on('data', (b) => (text += b));
        child.stderr.on('data', (b) => (text += b));
        child.on('close', (code) => done({ status: code, output: text }));
      });
      if (status !== 0) console.error(`${tag} ${method}: ${output.trim().split('\n').pop()}`);
    }
  }),
);

const cells = [];
for (const [tag] of structures) {
  if (!METHODS.every((m) => existsSync(result(tag, m)))) continue;
  const [auto, memory, interpolation, grow] = METHODS.map((m) => JSON.parse(readFileSync(result(tag, m), 'utf8')).given);
  for (const g of GIVEN) {
    const { scores, beyond } = auto[g].gate?.[0] ?? {};
    const regions = { memory: memory[g].notGivenByRegion, interpolation: interpolation[g].notGivenByRegion, grow: grow[g].notGivenByRegion };
    cells.push({ cell: `${tag}@${g}`, memory: memory[g].notGiven.dsc, interpolation: interpolation[g].notGiven.dsc, grow: grow[g].notGiven.dsc, auto: auto[g].notGiven.dsc, scores, beyond, regions });
  }
}
const mean = (xs) => (100 * xs.reduce((a, b) => a + b, 0)) / xs.length;
console.log(
  `${cells.length} cells (structure@given); mean not-given DSC: memory alone ${mean(cells.map((c) => c.memory)).toFixed(2)} %, interpolation alone ${mean(cells.map((c) => c.interpolation)).toFixed(2)} %, ` +
    `growing alone ${mean(cells.map((c) => c.grow)).toFixed(2)} %`,
);
/** `choose(scores)`: 'memory', 'grow' or 'interpolation' (a boolean: memory or interpolation). */
const report = (name, choose) => {
  const chosen = cells.map((c) => {
    if (c.scores === undefined) return c.auto;
    const choice = choose(c.scores);
    return choice === true || choice === 'memory' ? c.memory : choice === 'grow' ? c.grow : c.interpolation;
  });
  const below = (method) => cells.filter((c, i) => chosen[i] < c[method] - 0.0005).map((c) => c.cell);
  const belowInterpolation = below('interpolation');
  console.log(`${name}: mean ${mean(chosen).toFixed(2)} %, below interpolation ${belowInterpolation.length} [${belowInterpolation.join(' ')}], below memory ${below('memory').length}, below growing ${below('grow').length}`);
};
const threeWay = (margin) => (s) => {
  const grow = s.grow ?? -Infinity;
  if (Math.max(s.memory, grow) < s.interpolation + margin) return 'interpolation';
  return grow >= s.memory ? 'grow' : 'memory';
};
for (const margin of values.margins.split(',').map(Number)) report(`three-way, margin ${margin.toFixed(3)}`, threeWay(margin));
for (const margin of values.margins.split(',').map(Number)) report(`margin ${margin.toFixed(3)}`, (s) => s.memory >= s.interpolation + margin);
for (const ratio of values.ratios.split(',').map(Number)) report(`error ratio ${ratio.toFixed(3)}`, (s) => 1 - s.memory < ratio * (1 - s.interpolation));

// Past the ends after interpolation won (auto-propagator.ts EXTEND_MIN): each end, memory or growing
// (growing by GROW_OVER_MEMORY), whichever predicted that end slice better, if it reached T; the
// composed result from each method's per-region counts (eval-propagation's notGivenByRegion).
const GROW_OVER_MEMORY = 0.05;
const composed = (c, between, before, after) => {
  if (!c.regions.memory) return undefined;
  const parts = [c.regions[between].between, c.regions[before === 'none' ? 'interpolation' : before].before, c.regions[after === 'none' ? 'interpolation' : after].after];
  const tp = parts.reduce((a, p) => a + p.tp, 0);
  const fpfn = parts.reduce((a, p) => a + p.fp + p.fn, 0);
  return (2 * tp) / Math.max(1, 2 * tp + fpfn);
};
const extend = (evidence, threshold, only) => {
  if (!evidence) return 'none';
  const best = only ?? (evidence.grow >= evidence.memory + GROW_OVER_MEMORY ? 'grow' : 'memory');
  return evidence[best] >= threshold ? best : 'none';
};
if (cells.every((c) => c.regions.memory)) {
  for (const only of [undefined, 'memory', 'grow']) {
    for (const threshold of [Infinity, 0.95, 0.925, 0.9, 0.875, 0.85, 0.825, 0.8, 0.7, 0.6, 0.5, 0.3, 0]) {
      const chosen = cells.map((c) => {
        if (c.scores === undefined) return c.auto;
        const between = threeWay(0.15)(c.scores);
        if (between !== 'interpolation') return c[between];
        return composed(c, 'interpolation', extend(c.beyond?.before, threshold, only), extend(c.beyond?.after, threshold, only));
      });
      const below = (method) => cells.filter((c, i) => chosen[i] < c[method] - 0.0005).map((c) => c.cell);
      console.log(
        `three-way 0.15, past the ends ${only ?? 'memory or growing'} from ${threshold}: mean ${mean(chosen).toFixed(2)} %, below interpolation ${below('interpolation').length} [${below('interpolation').join(' ')}], below memory ${below('memory').length} [${below('memory').join(' ')}]`,
      );
    }
  }
}
