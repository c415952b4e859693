// Float32 against static-int8 propagation networks on ONNX Runtime's CPU provider (issue 19):
// which op types each graph really runs (from a profiling run), and forward time per network at
// each size on one intra-op thread, float and int8 alternated, medians. Prints figures only.
//
//   node scripts/bench-prop-int8.mjs [--float native-models/stcn-lite-cpu] [--int8 native-models/stcn-lite-cpu-int8]
//                                    [--sizes 384,512] [--rounds 15] [--threads 1]
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';

const { values } = parseArgs({
  options: {
    float: { type: 'string', default: 'native-models/stcn-lite-cpu' },
    int8: { type: 'string', default: 'native-models/stcn-lite-cpu-int8' },
    sizes: { type: 'string', default: '384,512' },
    rounds: { type: 'string', default: '15' },
    threads: { type: 'string', default: '1' },
  },
});
const threads = Number(values.threads);
const rounds = Number(values.rounds);
const ROLES = ['keyEncoder', 'valueEncoder', 'decoder'];

function options(profile = undefined) {
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    // Idle threads sleep: the machine is shared, and spinning would blur the timings.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    ...(profile ? { enableProfiling: true, profileFilePrefix: `/tmp/${profile}` } : {}),
  };
}

function fileOf(dir, role) {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  return join(dir, manifest.files[role].file);
}

/** Deterministic inputs of the right shapes (values in the calibrated ranges' scale). */
function feeds(role, size) {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const t = (c, s, f = rand) => {
    const h = size / s;
    const data = new Float32Array(c * h * h);
    for (let i = 0; i < data.length; i++) data[i] = f();
    return new ort.Tensor('float32', data, [1, c, h, h]);
  };
  const img = () => rand() * 4 - 2;
  const feat = () => Math.max(0, rand() * 6 - 2);
  if (role === 'keyEncoder') return { image: t(3, 1, img) };
  if (role === 'valueEncoder') return { image: t(3, 1, img), mask: t(1, 1), otherMask: t(1, 1, () => 0), f16: t(64, 16, feat) };
  return { readout: t(64, 16, feat), f16: t(64, 16, feat), f8: t(32, 8, feat), f4: t(16, 4, feat) };
}

async function opTypes(path, role, tag) {
  const prefix = `iseg-prop-int8-${process.pid}-${role}-${tag}`;
  const session = await ort.InferenceSession.create(path, options(prefix));
  await session.run(feeds(role, 384));
  session.endProfiling();
  await session.release();
  // onnxruntime-node writes the profile as PREFIX_<date>.json and does not return its name.
  const counts = new Map();
  for (const name of readdirSync('/tmp').filter((n) => n.startsWith(prefix))) {
    for (const e of JSON.parse(readFileSync(join('/tmp', name), 'utf8'))) {
      if (e.cat === 'Node' && e.name.endsWith('_kernel_time')) counts.set(e.args.op_name, (counts.get(e.args.op_name) ?? 0) + 1);
    }
    rmSync(join('/tmp', name), { force: true });
  }
  return [...counts].sort((a, b) => a[0].localeCompare(b[0])).map(([k, n]) => `${k}×${n}`).join(' ');
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`onnxruntime-node ${ort.env.versions?.common ?? ''}, CPU provider, ${threads} intra-op thread(s), spinning off`);
for (const role of ROLES) {
  console.log(`${role} ops, float32: ${await opTypes(fileOf(values.float, role), role, 'float')}`);
  console.log(`${role} ops, int8:    ${await opTypes(fileOf(values.int8, role), role, 'int8')}`);
}
console.log(`\nforward ms, median (min) of ${rounds} alternated rounds after 10 warm-up rounds`);
console.log('| network | size | float32 ms | int8 ms | speed-up (medians) |');
console.log('|---|---|---|---|---|');
for (const role of ROLES) {
  const f = await ort.InferenceSession.create(fileOf(values.float, role), options(false));
  const q = await ort.InferenceSession.create(fileOf(values.int8, role), options(false));
  for (const size of values.sizes.split(',').map(Number)) {
    const input = feeds(role, size);
    for (let i = 0; i < 10; i++) {
      await f.run(input);
      await q.run(input);
    }
    const tf = [];
    const tq = [];
    for (let r = 0; r < rounds; r++) {
      let t0 = performance.now();
      await f.run(input);
      tf.push(performance.now() - t0);
      t0 = performance.now();
      await q.run(input);
      tq.push(performance.now() - t0);
    }
    const mf = median(tf);
    const mq = median(tq);
    const min = (xs) => Math.min(...xs).toFixed(2);
    console.log(`| ${role} | ${size}² | ${mf.toFixed(2)} (${min(tf)}) | ${mq.toFixed(2)} (${min(tq)}) | ${(mf / mq).toFixed(2)}× |`);
  }
  await f.release();
  await q.release();
}
