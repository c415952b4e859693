// Regenerates resources/sample/ from ../shared/data (see electron/node/make-sample.ts): the
// simulated, labelled sample and the real knee MRI (first-run sample).
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const data = process.env.ISEG_SHARED_DATA ?? join(root, '..', 'shared', 'data');
const cache = join(root, 'node_modules', '.cache', 'iseg-scripts');
mkdirSync(cache, { recursive: true });
const outfile = join(cache, 'make-sample.mjs');
await build({ absWorkingDir: root, entryPoints: ['electron/node/make-sample.ts'], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error' });
const { makeSample, makeRealSample } = await import(pathToFileURL(outfile).href);
const out = join(root, 'resources', 'sample');
const written = await makeSample(join(data, 'knee', 'clair-knee-103r_labels.nii.gz'), out);
const real = await makeRealSample(join(data, 'knee', 'pykneer-dess01'), out);
console.log(`Wrote ${written.image}, ${written.labels} and ${real}.`);
