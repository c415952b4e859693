// Runs an ONNX model with onnxruntime-node: the ONNX side of the parity checks and the latency
// benchmark. Run from the repository root so 'onnxruntime-node' resolves from node_modules.
//
//   node native-models/ort_run.mjs run   <model.onnx> <dir>   # reads <dir>/inputs.json, writes <dir>/outputs.json + raw .bin
//   node native-models/ort_run.mjs bench <model.onnx> <spec.json> [iterations] [threads]
//
// inputs.json: {"<name>": {"file": "x.bin", "shape": [..], "type": "float32"}}; .bin files are
// raw little-endian float32, C order. spec.json: {"<name>": [shape]} (random uniform inputs).
import * as ort from 'onnxruntime-node';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

async function open(modelPath, threads) {
  return ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    // ISEG_ORT_NO_SPIN=1: idle worker threads sleep instead of spin-waiting, so CPU time counts
    // only real work (spinning also hurts on a machine shared with other jobs).
    ...(process.env.ISEG_ORT_NO_SPIN === '1'
      ? { extra: { session: { intra_op: { allow_spinning: '0' } } } }
      : {}),
  });
}

function toTensor(buf, shape) {
  const arr = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  return new ort.Tensor('float32', Float32Array.from(arr), shape);
}

async function run(modelPath, dir) {
  const spec = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8'));
  const session = await open(modelPath, 2);
  const feeds = {};
  for (const [name, s] of Object.entries(spec))
    feeds[name] = toTensor(readFileSync(join(dir, s.file)), s.shape);
  const out = await session.run(feeds);
  const desc = {};
  for (const [name, t] of Object.entries(out)) {
    const file = `out_${name}.bin`;
    writeFileSync(join(dir, file), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    desc[name] = { file, shape: t.dims, type: t.type };
  }
  writeFileSync(join(dir, 'outputs.json'), JSON.stringify(desc));
}

async function bench(modelPath, specPath, iterations, threads) {
  const spec = JSON.parse(readFileSync(specPath, 'utf8'));
  const session = await open(modelPath, threads);
  const feeds = {};
  for (const [name, shape] of Object.entries(spec)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = Math.random();
    feeds[name] = new ort.Tensor('float32', data, shape);
  }
  for (let i = 0; i < 3; i++) await session.run(feeds); // warm-up
  const times = [];
  // CPU time (all threads) is far less sensitive than wall time to other jobs on a shared
  // machine: with 2 threads, an uncontended run takes at least cpuMsPerRun / 2.
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMsPerRun = (cpu.user + cpu.system) / 1000 / iterations;
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(
    JSON.stringify({
      model: modelPath,
      threads,
      iterations,
      medianMs: median,
      meanMs: mean,
      minMs: times[0],
      cpuMsPerRun,
    }),
  );
}

const [cmd, model, arg, iters, threads] = process.argv.slice(2);
if (cmd === 'run') await run(model, arg);
else if (cmd === 'bench') await bench(model, arg, Number(iters ?? 30), Number(threads ?? 2));
else {
  console.error('usage: ort_run.mjs run|bench ...');
  process.exit(2);
}
