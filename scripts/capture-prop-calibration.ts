/**
 * Calibration ranges for the static int8 propagation model (issue 19): runs the app's own memory
 * engine (eval-propagation) on TRAINING-SOURCE volumes, records what it feeds the three networks,
 * then runs probe graphs (the float graphs with every node output exposed; `quantize_prop.py
 * probe`) on those inputs and writes each tensor's min/max and percentiles as JSON for
 * `quantize_prop.py quantize --ranges`. Never calibrate on the dev volumes.
 *
 *   npx vite-node scripts/capture-prop-calibration.ts -- --probe /tmp/int8/probe --out ranges.json [--every 2]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { evalPropagationCommand } from '../electron/cli/commands/eval-propagation';
import type { KeyFeatures, NetworkGeometry } from '../electron/common/propagation/networks';
import { OnnxPropagationNetworks } from '../electron/node/propagation/onnx-networks';

const { values } = parseArgs({
  options: {
    probe: { type: 'string', default: '/tmp/int8/probe' },
    out: { type: 'string', default: 'native-models/stcn-lite-cpu-int8.ranges.json' },
    data: { type: 'string', default: '../shared/data' },
    every: { type: 'string', default: '1' },
    given: { type: 'string', default: '1,3,5,10' },
  },
});
const every = Number(values.every);
const D = values.data;
// Training-source volumes only (the model's trainingData): FreeSurfer brain and TotalSegmentator MR.
const runs = [
  ['--image', `${D}/brain/fs_norm.mgz`, '--labels', `${D}/brain/fs_aparc.a2009s+aseg.mgz`, '--label', '17', '--axis', 'axial'],
  ['--image', `${D}/multi/totalseg_mr.nii.gz`, '--labels', `${D}/multi/totalseg_mr_labels.nii.gz`, '--label', '1', '--axis', 'axial'],
];

type Role = 'keyEncoder' | 'valueEncoder' | 'decoder';
type Feeds = Record<string, { data: Float32Array; dims: number[] }>;
const recorded: Record<Role, Feeds[]> = { keyEncoder: [], valueEncoder: [], decoder: [] };
const calls: Record<Role, number> = { keyEncoder: 0, valueEncoder: 0, decoder: 0 };
/** Keeps a copy of every `every`-th call's inputs (the engine reuses its buffers). */
function record(role: Role, feeds: Record<string, [Float32Array, number[]]>): void {
  if (calls[role]++ % every !== 0) return;
  recorded[role].push(Object.fromEntries(Object.entries(feeds).map(([k, [d, dims]]) => [k, { data: Float32Array.from(d), dims }])));
}
const at = (a: Float32Array, size: NetworkGeometry, s: number): number[] => {
  const h = size.height / s;
  const w = size.width / s;
  return [1, a.length / (h * w), h, w];
};
const decoderFeeds = (readout: Float32Array, f: KeyFeatures, size: NetworkGeometry): Record<string, [Float32Array, number[]]> => ({
  readout: [readout, at(readout, size, 16)],
  f16: [f.f16, at(f.f16, size, 16)],
  f8: [f.f8, at(f.f8, size, 8)],
  f4: [f.f4, at(f.f4, size, 4)],
});

// Wrap the real networks' methods as they load: the engine calls them exactly as in the app.
const load = OnnxPropagationNetworks.load.bind(OnnxPropagationNetworks);
OnnxPropagationNetworks.load = async (dir, options) => {
  const n = await load(dir, options);
  const encodeKey = n.encodeKey.bind(n);
  const encodeValue = n.encodeValue.bind(n);
  const decode = n.decode.bind(n);
  const decodeProbabilities = n.decodeProbabilities.bind(n);
  n.encodeKey = (image, size) => {
    record('keyEncoder', { image: [image, [1, 3, size.height, size.width]] });
    return encodeKey(image, size);
  };
  n.encodeValue = (image, mask, other, f16, size) => {
    const hw: [number, number] = [size.height, size.width];
    record('valueEncoder', { image: [image, [1, 3, ...hw]], mask: [mask, [1, 1, ...hw]], otherMask: [other, [1, 1, ...hw]], f16: [f16, at(f16, size, 16)] });
    return encodeValue(image, mask, other, f16, size);
  };
  n.decode = (readout, f, size) => {
    record('decoder', decoderFeeds(readout, f, size));
    return decode(readout, f, size);
  };
  n.decodeProbabilities = (readout, f, size, width, height) => {
    record('decoder', decoderFeeds(readout, f, size));
    return decodeProbabilities(readout, f, size, width, height);
  };
  return n;
};

const quiet = { out: (t: string) => console.log(t), err: () => undefined };
for (const args of runs) {
  await evalPropagationCommand.run([...args, '--method', 'memory', '--given', values.given, '--threads', '1', '--model', 'stcn-lite-cpu', '--models', 'native-models'], quiet);
}

/** Sorted sample of a tensor's values across calls, for percentiles; min/max exact. */
interface Stat {
  min: number;
  max: number;
  sample: number[];
}
const SAMPLE = 20000;
const result: Record<Role, Record<string, Record<string, [number, number]>>> = { keyEncoder: {}, valueEncoder: {}, decoder: {} };
for (const role of ['keyEncoder', 'valueEncoder', 'decoder'] as const) {
  const session = await ort.InferenceSession.create(readFileSync(`${values.probe}/${role}.onnx`), { intraOpNumThreads: 2, graphOptimizationLevel: 'basic' });
  const stats = new Map<string, Stat>();
  const add = (name: string, data: Float32Array): void => {
    let s = stats.get(name);
    if (!s) stats.set(name, (s = { min: Infinity, max: -Infinity, sample: [] }));
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (v < s.min) s.min = v;
      if (v > s.max) s.max = v;
    }
    // A strided sample of each call (deterministic), bounded per call.
    const step = Math.max(1, Math.floor(data.length / SAMPLE));
    for (let i = 0; i < data.length; i += step) s.sample.push(data[i] as number);
  };
  for (const feeds of recorded[role]) {
    const input: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) {
      input[k] = new ort.Tensor('float32', v.data, v.dims);
      add(k, v.data);
    }
    const out = await session.run(input);
    for (const [k, t] of Object.entries(out)) if (t.type === 'float32') add(k, t.data as Float32Array);
  }
  await session.release();
  for (const [name, s] of stats) {
    const sorted = Float64Array.from(s.sample).sort();
    const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))] as number;
    result[role][name] = { minmax: [s.min, s.max], p9999: [q(0.0001), q(0.9999)], p999: [q(0.001), q(0.999)] };
  }
  console.log(`${role}: ${recorded[role].length} of ${calls[role]} calls probed, ${stats.size} tensors`);
}
writeFileSync(
  values.out,
  JSON.stringify(
    {
      provenance: {
        made: `npx vite-node scripts/capture-prop-calibration.ts -- --every ${every} --given ${values.given}`,
        volumes: 'brain/fs_norm.mgz label 17 axial; multi/totalseg_mr.nii.gz label 1 axial (memory method, ground-truth seeds)',
        calls: Object.fromEntries((['keyEncoder', 'valueEncoder', 'decoder'] as const).map((r) => [r, { recorded: recorded[r].length, total: calls[r] }])),
        percentiles: 'p9999 / p999: 0.01% / 0.1% tails of a strided sample (about 20000 values per call); minmax exact',
      },
      tensors: result,
    },
    (_k, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(7)) : v),
  ) + '\n',
);
console.log(`wrote ${values.out}`);
