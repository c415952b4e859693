#!/usr/bin/env node
// 3D-view surface figures (see scripts/bench-view3d.ts): node scripts/bench-view3d.mjs [labels] [--runs N]
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
const data = process.env.ISEG_SHARED_DATA ?? join(root, '..', 'shared', 'data');
const labels = resolve(args[0] ?? join(data, 'knee', 'oaizib-9092628_label.nii.gz'));
if (!existsSync(labels) || !Number.isInteger(runs) || runs < 1) {
  console.error(`usage: node scripts/bench-view3d.mjs [labels] [--runs N] (no label map at ${labels})`);
  process.exit(2);
}
// Bundled into dist/ (vtk.js's deep imports need a bundler); itk-wasm stays external for its wasm files.
const outfile = join(root, 'dist', 'bench', 'bench-view3d.mjs');
await build({
  absWorkingDir: root,
  entryPoints: ['scripts/bench-view3d.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  external: ['itk-wasm', '@itk-wasm/*', 'onnxruntime-node', 'electron'],
  logLevel: 'error',
});
const { benchView3d } = await import(pathToFileURL(outfile).href);
await benchView3d(labels, runs);
