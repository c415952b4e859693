#!/usr/bin/env node
/**
 * Figures for choosing the auto gate's CONSENSUS_MARGIN and SOLO_MARGIN
 * (electron/common/propagation/auto-propagator.ts) on TRAINING-SOURCE volumes only (never the dev
 * volumes): runs `iseg eval-propagation` at 3/5/10 given slices with memory, interpolation and
 * growing apart, and auto twice, never one method alone (--solo-margin=1) — with the consensus
 * always between the given slices (--consensus-margin=1) and never (=-1; interpolation there) —
 * which record the same held-out scores (the gate's trials do not depend on the margins) and the
 * same slices past the ends. Each pair of margins is then replayed per cell: memory or growing
 * alone (its own run) where its held-out Dice beats the consensus's and interpolation's by the solo
 * margin S, else the consensus unless interpolation's beats it by more than M. Prints the mean
 * not-given DSC and the cells below interpolation and memory alone. Asserts nothing.
 *
 *   node scripts/gate-margin-sweep.mjs [--work /tmp/gate] [--data ../shared/data] [--margins -0.05,0,…] [--solo 1,0.5,…]
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
    margins: { type: 'string', default: '-1,-0.05,-0.03,-0.01,0,0.02,0.05,1' },
    solo: { type: 'string', default: '1,0.8,0.6,0.5,0.4,0.3,0.2' },
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
// Runs per structure: [name, extra eval-propagation arguments].
const RUNS = [
  ['memory', ['--method', 'memory']],
  ['interpolation', ['--method', 'interpolation']],
  ['grow', ['--method', 'grow']],
  ['consensus', ['--method', 'auto', '--consensus-margin=1', '--solo-margin=1']],
  ['interpolation-between', ['--method', 'auto', '--consensus-margin=-1', '--solo-margin=1']],
];
const GIVEN = ['3', '5', '10'];
mkdirSync(values.work, { recursive: true });
const result = (tag, run) => join(values.work, `${tag}-${run}.json`);

const pending = [];
for (const [tag, image, labels, label, axis] of structures) {
  for (const [run, extra] of RUNS) {
    if (existsSync(result(tag, run))) continue; // resumable
    pending.push([tag, run, ['eval-propagation', '--image', image, '--labels', labels, '--label', String(label), '--axis', axis, ...extra, '--given', GIVEN.join(','), '--placement', values.placement, '--threads', '1', '--quiet', '--json', result(tag, run)]]);
  }
}
// --jobs evaluations at a time (each on one thread).
await Promise.all(
  Array.from({ length: Math.max(1, Number(values.jobs)) }, async () => {
    for (let next = pending.shift(); next; next = pending.shift()) {
      const [tag, run, args] = next;
      const { status, output } = await new Promise((done) => {
        const child = spawn(process.execPath, [join(root, 'bin/iseg.js'), ...args], { cwd: root });
        let text = '';
        child.stdout.on('data', (b) => (text += b));
        child.stderr.on('data', (b) => (text += b));
        child.on('close', (code) => done({ status: code, output: text }));
      });
      if (status !== 0) console.error(`${tag} ${run}: ${output.trim().split('\n').pop()}`);
    }
  }),
);

const cells = [];
for (const [tag] of structures) {
  if (!RUNS.every(([run]) => existsSync(result(tag, run)))) continue;
  const [memory, interpolation, grow, consensus, interpolationBetween] = RUNS.map(([run]) => JSON.parse(readFileSync(result(tag, run), 'utf8')).given);
  for (const g of GIVEN) {
    const { scores } = consensus[g].gate?.[0] ?? {};
    cells.push({
      cell: `${tag}@${g}`,
      knee: /^(spl|k1)/.test(tag),
      scores,
      memory: memory[g].notGiven.dsc,
      interpolation: interpolation[g].notGiven.dsc,
      grow: grow[g].notGiven.dsc,
      consensus: consensus[g].notGiven.dsc,
      interpolationBetween: interpolationBetween[g].notGiven.dsc,
    });
  }
}
const mean = (xs) => (100 * xs.reduce((a, b) => a + b, 0)) / Math.max(1, xs.length);
console.log(
  `${cells.length} cells (structure@given); mean not-given DSC alone: memory ${mean(cells.map((c) => c.memory)).toFixed(2)} %, ` +
    `interpolation ${mean(cells.map((c) => c.interpolation)).toFixed(2)} %, growing ${mean(cells.map((c) => c.grow)).toFixed(2)} %`,
);
for (const solo of values.solo.split(',').map(Number)) {
  for (const margin of values.margins.split(',').map(Number)) {
    const chosen = cells.map((c) => {
      if (!c.scores) return c.consensus;
      const alone = c.scores.grow >= c.scores.memory ? 'grow' : 'memory';
      if (c.scores[alone] >= Math.max(c.scores.consensus, c.scores.interpolation) + solo) return c[alone];
      return c.scores.consensus >= c.scores.interpolation - margin ? c.consensus : c.interpolationBetween;
    });
    const below = (method) => cells.flatMap((c, i) => (chosen[i] < c[method] - 0.0005 ? [`${c.cell}(${(chosen[i] - c[method]).toFixed(3)})`] : []));
    const knees = chosen.filter((_, i) => cells[i].knee);
    console.log(
      `solo ${solo}, margin ${margin}: mean ${mean(chosen).toFixed(2)} %${knees.length ? `, knees ${mean(knees).toFixed(2)} %` : ''}; ` +
        `below interpolation ${below('interpolation').length} [${below('interpolation').join(' ')}], below memory ${below('memory').length} [${below('memory').join(' ')}]`,
    );
  }
}
