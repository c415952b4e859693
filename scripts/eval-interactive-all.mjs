#!/usr/bin/env node
/**
 * `iseg eval-interactive` on every shared evaluation volume (the models' cards list them; none was
 * used in training), for memory and interpolation propagation. Prints the Dice-against-clicks curve
 * of each run and writes each run's JSON under the output folder. Prints figures, asserts nothing.
 *
 *   node scripts/eval-interactive-all.mjs [--data ../shared/data] [--knee FILE] [--out DIR (default: the temp folder)]
 *        [--k 3] [--rounds 5] [--model isegformer-swin32-cpu] [--only NAME] [--threads 1]
 *
 * The knee image is simulated (`iseg simulate-knee --labels <data>/knee/oaizib-9092628_label.nii.gz
 * --seed 1`); pass it with --knee. Run it with `nice`: every run is sequential and single-threaded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.ISEG_SHARED_DATA ?? resolve(root, '..', 'shared', 'data') },
    knee: { type: 'string' },
    out: { type: 'string', default: join(tmpdir(), 'iseg-eval-interactive') },
    k: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    model: { type: 'string', default: 'isegformer-swin32-cpu' },
    only: { type: 'string' },
    threads: { type: 'string', default: '1' },
  },
});
const data = values.data;
const volumes = [
  { name: 'knee-oaizib-sim', image: values.knee, labels: join(data, 'knee/oaizib-9092628_label.nii.gz'), label: ['2', '4'], axis: 'sagittal' },
  { name: 'spleen2', image: join(data, 'ct/spleen2_ct.nii.gz'), labels: join(data, 'ct/spleen2_labels.nii.gz'), label: ['1'], axis: 'axial' },
  { name: 'mricrop-brain', image: join(data, 'brain/mricrop_t1.gipl.gz'), labels: join(data, 'brain/mricrop_labels.gipl.gz'), label: ['1', '4', '7'], axis: 'axial' },
  { name: 'unf01-cord', image: join(data, 'spine/unf01_t2w.nii.gz'), labels: join(data, 'spine/unf01_t2w_cord.nii.gz'), label: ['1'], axis: 'axial' },
];
mkdirSync(values.out, { recursive: true });
for (const v of volumes) {
  if (values.only && v.name !== values.only) continue;
  if (!v.image || !existsSync(v.image) || !existsSync(v.labels)) {
    console.log(`${v.name}: skipped (image or labels missing${v.image ? '' : '; pass --knee with the simulated knee'})`);
    continue;
  }
  for (const method of ['memory', 'interpolation']) {
    const json = join(values.out, `${v.name}-${method}.json`);
    const args = ['bin/iseg.js', 'eval-interactive', '--image', v.image, '--labels', v.labels, ...v.label.flatMap((l) => ['--label', l]), '--axis', v.axis];
    args.push('--k', values.k, '--rounds', values.rounds, '--method', method, '--model', values.model, '--threads', values.threads, '--json', json, '--quiet');
    const started = Date.now();
    const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    if (run.status !== 0) {
      console.log(`${v.name} ${method}: failed: ${(run.stderr || run.stdout).trim()}`);
      continue;
    }
    const result = JSON.parse(readFileSync(json, 'utf8'));
    const curve = result.rounds.map((r) => `${r.clicks}:${(100 * r.dsc).toFixed(1)}`).join('  ');
    console.log(`${v.name} labels ${v.label.join('+')} ${v.axis} ${method} (${((Date.now() - started) / 1000).toFixed(0)} s)  clicks:Dice%  ${curve}`);
  }
}
