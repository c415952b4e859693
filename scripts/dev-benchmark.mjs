#!/usr/bin/env node
/**
 * The fixed dev benchmark (issue #18): images the models never train on, one command, one table.
 * Click engines: NoC@80/85/90, IoU@1/3/5 and click violations (`iseg eval-clicks`). Propagation:
 * DSC over the slices not given, from 1/3/5/10 given slices, per method (`iseg eval-propagation`,
 * seeds from ground truth). Prints figures, asserts nothing.
 *
 *   node scripts/dev-benchmark.mjs [--samples 10] [--given 1,3,5,10] [--only sample,spleen]
 *        [--engines default,classical] [--methods memory,interpolation,auto] [--models DIR]
 *        [--skip clicks|propagation] [--work DIR] [--json FILE] [--threads 1]
 *        [--readout-window T,R[,F]|full (memory read-out; default the model's own)]
 *        [--prop-model ID (propagation model; default the app's: stcn-lite-cpu-int8, else stcn-lite-cpu)]
 *
 * Volumes (none is a training source: native-models/isegdata/sources.py refuses them, and the
 * simulated knees use the OAI-ZIB label map, which no model trained on, with tissue tables drawn at
 * random per seed; training simulations use the SPL atlas):
 *   sample      the embedded labelled sample (CLAIR labels through the simulator), bones 1 and 3
 *               and cartilage 2, sagittal — the click model trained on CLAIR's template image, not
 *               on this image, so it tests appearance, not anatomy
 *   spleen      spleen2 CT, axial;   mricrop   MRIcrop brain labels 1, 4, 7, axial
 *   cord        unf01 spinal cord T2w, axial
 *   knee-201, knee-202   OAI-ZIB labels simulated with `--sequence random --seed 201/202`
 *               (femur 1, femoral cartilage 2), sagittal
 * Run it with `nice`: every run is sequential and single-threaded unless --threads says otherwise.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.ISEG_SHARED_DATA ?? resolve(root, '..', 'shared', 'data') },
    samples: { type: 'string', default: '10' },
    given: { type: 'string', default: '1,3,5,10' },
    only: { type: 'string' },
    engines: { type: 'string', default: 'default,classical' },
    methods: { type: 'string' },
    models: { type: 'string' },
    skip: { type: 'string', default: '' },
    work: { type: 'string', default: join(tmpdir(), 'iseg-dev-benchmark') },
    json: { type: 'string' },
    threads: { type: 'string', default: '1' },
    'readout-window': { type: 'string' },
    'prop-model': { type: 'string' },
  },
});

const data = values.data;
const work = values.work;
mkdirSync(work, { recursive: true });
const iseg = (args) => spawnSync(process.execPath, [join(root, 'bin/iseg.js'), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
const oaizib = join(data, 'knee/oaizib-9092628_label.nii.gz');
const simulatedKnee = (seed) => ({
  name: `knee-${seed}`,
  image: join(work, `knee-oaizib-random-${seed}.nii.gz`),
  labels: oaizib,
  labelList: ['1', '2'],
  axis: 'sagittal',
  make: ['simulate-knee', '--labels', oaizib, '--out', join(work, `knee-oaizib-random-${seed}.nii.gz`), '--seed', String(seed), '--sequence', 'random'],
});
const VOLUMES = [
  { name: 'sample', image: join(root, 'resources/sample/knee-sample.nii.gz'), labels: join(root, 'resources/sample/knee-sample_labels.nii.gz'), labelList: ['1', '3', '2'], axis: 'sagittal' },
  { name: 'spleen', image: join(data, 'ct/spleen2_ct.nii.gz'), labels: join(data, 'ct/spleen2_labels.nii.gz'), labelList: ['1'], axis: 'axial' },
  { name: 'mricrop', image: join(data, 'brain/mricrop_t1.gipl.gz'), labels: join(data, 'brain/mricrop_labels.gipl.gz'), labelList: ['1', '4', '7'], axis: 'axial' },
  { name: 'cord', image: join(data, 'spine/unf01_t2w.nii.gz'), labels: join(data, 'spine/unf01_t2w_cord.nii.gz'), labelList: ['1'], axis: 'axial' },
  simulatedKnee(201),
  simulatedKnee(202),
];

/** Methods eval-propagation knows, from its usage line (e.g. `--method memory|interpolation|auto`). */
function knownMethods() {
  const usage = iseg(['eval-propagation', '--help']);
  const match = /--method ([a-z|]+)/.exec(`${usage.stdout}${usage.stderr}`);
  return match ? match[1].split('|') : ['memory', 'interpolation'];
}

const only = values.only ? new Set(values.only.split(',')) : undefined;
const engines = values.engines.split(',').filter(Boolean);
const methods = (values.methods ?? knownMethods().join(',')).split(',').filter(Boolean);
const given = values.given.split(',').filter(Boolean);
const skip = new Set(values.skip.split(',').filter(Boolean));
const modelArgs = values.models ? ['--models', values.models] : [];
const results = [];

function fmt(value, digits = 2) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–';
}

for (const volume of VOLUMES) {
  if (only && !only.has(volume.name)) continue;
  if (volume.make && !existsSync(volume.image)) {
    const made = iseg(volume.make);
    if (made.status !== 0) {
      console.log(`${volume.name}: could not simulate: ${(made.stderr || made.stdout).trim()}`);
      continue;
    }
  }
  if (!existsSync(volume.image) || !existsSync(volume.labels)) {
    console.log(`${volume.name}: skipped (image or labels missing under ${data})`);
    continue;
  }
  const row = { volume: volume.name, labels: volume.labelList, axis: volume.axis, clicks: {}, propagation: {} };
  if (!skip.has('clicks')) {
    for (const engine of engines) {
      const json = join(work, `${volume.name}-clicks-${engine}.json`);
      const started = Date.now();
      const run = iseg([
        'eval-clicks', '--image', volume.image, '--labels', volume.labels, ...volume.labelList.flatMap((l) => ['--label', l]),
        '--axis', volume.axis, '--samples', values.samples, '--model', engine, '--threads', values.threads, ...modelArgs, '--json', json, '--quiet',
      ]);
      if (run.status !== 0) {
        console.log(`${volume.name} clicks ${engine}: failed: ${(run.stderr || run.stdout).trim()}`);
        continue;
      }
      const r = JSON.parse(readFileSync(json, 'utf8'));
      const iou = r.meanIouPerClick ?? [];
      row.clicks[engine] = {
        model: r.model,
        samples: r.samples,
        noc80: r.noc?.['80']?.mean,
        noc85: r.noc?.['85']?.mean,
        noc90: r.noc?.['90']?.mean,
        iou1: iou[0],
        iou3: iou[2],
        iou5: iou[4],
        violations: r.clickViolations,
        msPerClick: r.spcMs,
      };
      console.log(`${volume.name} clicks ${engine} (${r.model}): ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  if (!skip.has('propagation')) {
    for (const method of methods) {
      const perLabel = [];
      for (const label of volume.labelList) {
        const json = join(work, `${volume.name}-prop-${method}-${label}.json`);
        const run = iseg([
          'eval-propagation', '--image', volume.image, '--labels', volume.labels, '--label', label, '--axis', volume.axis,
          '--given', given.join(','), '--method', method, '--threads', values.threads, ...modelArgs, '--json', json, '--quiet',
          ...(values['readout-window'] === undefined ? [] : ['--readout-window', values['readout-window']]),
          ...(values['prop-model'] === undefined ? [] : ['--model', values['prop-model']]),
        ]);
        if (run.status !== 0) {
          console.log(`${volume.name} propagation ${method} label ${label}: failed: ${(run.stderr || run.stdout).trim()}`);
          continue;
        }
        perLabel.push(JSON.parse(readFileSync(json, 'utf8')));
      }
      if (perLabel.length === 0) continue;
      // Mean over the volume's labels of the DSC over the slices not given.
      row.propagation[method] = Object.fromEntries(
        given.map((n) => {
          const dscs = perLabel.map((r) => r.given?.[n]?.notGiven?.dsc).filter((v) => typeof v === 'number');
          return [n, dscs.length === perLabel.length ? dscs.reduce((a, b) => a + b, 0) / dscs.length : undefined];
        }),
      );
      console.log(`${volume.name} propagation ${method}: done`);
    }
  }
  results.push(row);
}

console.log('\n## Click engines (eval-clicks, RITM protocol, ≤ 20 clicks)\n');
console.log('| volume | engine | samples | NoC@80 | NoC@85 | NoC@90 | IoU@1 | IoU@3 | IoU@5 | violations | ms/click |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of results) {
  for (const [engine, c] of Object.entries(row.clicks)) {
    console.log(`| ${row.volume} | ${c.model ?? engine} | ${c.samples} | ${fmt(c.noc80)} | ${fmt(c.noc85)} | ${fmt(c.noc90)} | ${fmt(c.iou1, 3)} | ${fmt(c.iou3, 3)} | ${fmt(c.iou5, 3)} | ${c.violations ?? '–'} | ${fmt(c.msPerClick, 1)} |`);
  }
}
console.log(`\n## Propagation (eval-propagation, DSC over the slices not given, mean over labels; given ${given.join('/')})\n`);
console.log(`| volume | ${methods.join(' | ')} |`);
console.log(`|---|${methods.map(() => '---').join('|')}|`);
for (const row of results) {
  const cells = methods.map((m) => (row.propagation[m] ? given.map((n) => fmt(row.propagation[m][n], 3)).join(' / ') : '–'));
  console.log(`| ${row.volume} | ${cells.join(' | ')} |`);
}
if (values.json) writeFileSync(values.json, `${JSON.stringify({ date: new Date().toISOString(), samples: Number(values.samples), given, results }, null, 2)}\n`);
