import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickWorkerOpName, ClickWorkerOps } from '../common/click/worker-ops';
import { InferenceHost } from '../node/inference-host';
import { buildWorkerForTests } from '../node/testing/build-worker';
import { nodeWorkerLauncher } from '../node/worker-process';
import type { ClickSegmenter } from '../common/click/types';
import { GrowCutSegmenter } from '../common/segmenters/growcut';
import { decodeMaskRuns } from '../common/click/mask-runs';
import { createClickWorkerHandlers } from './click-handlers';
import { createWorkerHandlers, dispatchWorkerRequest } from './handlers';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixtureDir = join(here, '..', '..', 'native-models', 'fixtures', 'click-tiny');
let host: InferenceHost;

function request<K extends ClickWorkerOpName>(op: K, payload: ClickWorkerOps[K]['payload']): Promise<ClickWorkerOps[K]['result']> {
  return (host as unknown as { request(op: string, payload: unknown): Promise<ClickWorkerOps[K]['result']> }).request(op, payload);
}

beforeAll(async () => {
  const entry = await buildWorkerForTests();
  host = new InferenceHost(nodeWorkerLauncher(entry), { log: () => undefined });
  host.start();
});
afterAll(() => host.stop());

const w = 90;
const h = 60;
const slice = new Float32Array(w * h).map((_, n) => ((n % w) - 45) ** 2 + ((Math.floor(n / w) - 30) ** 2 < 200 ? 500 : 0));

describe('click operations in a real worker process', () => {
  it('answers with the classical segmenter before any model is loaded', async () => {
    const reply = await request('click.predict', { modelId: 'classical-growcut', slice: slice.slice().buffer, width: w, height: h, clicks: [{ x: 45, y: 30, positive: true }] });
    expect(reply.modelId).toBe('classical-growcut');
    expect(new Float32Array(reply.probabilities)).toHaveLength(w * h);
    expect(reply.forwardMs).toBe(0);
    const masked = await request('click.predict', { modelId: 'classical', slice: slice.slice().buffer, width: w, height: h, clicks: [{ x: 45, y: 30, positive: true }], output: 'mask' });
    expect(masked.output).toBe('mask');
    const mask = new Uint8Array(masked.probabilities);
    expect(mask).toHaveLength(w * h);
    expect(Array.from(mask)).toEqual(Array.from(new Float32Array(reply.probabilities), (p) => (p > 0.49 ? 1 : 0)));
  });

  it('loads a verified model on the CPU and predicts through it, with binary payloads', async () => {
    const loaded = await request('click.load', { modelDir: fixtureDir, ep: 'cpu', threads: 1 });
    expect(loaded).toMatchObject({ modelId: 'fixture-click-tiny', ep: 'cpu' });
    const previous = new Uint8Array(w * h).fill(0);
    previous[30 * w + 45] = 1;
    const reply = await request('click.predict', {
      modelId: 'fixture-click-tiny',
      slice: slice.slice().buffer,
      width: w,
      height: h,
      clicks: [{ x: 45, y: 30, positive: true }, { x: 2, y: 2, positive: false }],
      previousMask: previous.buffer,
      previousMaskType: 'uint8',
      intensityRange: [0, 2000],
      pixelSpacing: [1, 1],
    });
    expect(reply.probabilities).toBeInstanceOf(ArrayBuffer);
    expect(new Float32Array(reply.probabilities)).toHaveLength(w * h);
    expect(reply.forwardMs).toBeGreaterThan(0);
    const status = await request('click.status', {});
    expect(status.loaded).toEqual([{ modelId: 'fixture-click-tiny', ep: 'cpu' }]);
    expect(status.rssMb).toBeGreaterThan(10);
  });

  it('reports bad requests as errors, not crashes', async () => {
    await expect(request('click.predict', { modelId: 'fixture-click-tiny', slice: slice.slice().buffer, width: w, height: h, clicks: [{ x: 900, y: 1, positive: true }] })).rejects.toThrow(/outside the 90×60 slice/);
    await expect(request('click.predict', { modelId: 'not-loaded', slice: slice.slice().buffer, width: w, height: h, clicks: [{ x: 1, y: 1, positive: true }] })).rejects.toThrow(/is not loaded in the inference worker/);
    await expect(request('click.load', { modelDir: join(fixtureDir, 'nope'), ep: 'cpu' })).rejects.toThrow(/cannot be used/);
    expect(host.status.state).toBe('ready');
  });
});

describe('click handlers in-process', () => {
  it('checks the options of each operation with its schema before the handler runs', async () => {
    const handlers = createWorkerHandlers();
    const click = { modelId: 'classical', width: 4, height: 4, clicks: [{ x: 1, y: 1, positive: true }] };
    await expect(dispatchWorkerRequest(handlers, 'click.predict', { ...click, slice: new ArrayBuffer(8) })).rejects.toThrow(/^Bad options for worker operation "click.predict" \(slice\): The slice must be 16 float32 values/);
    await expect(dispatchWorkerRequest(handlers, 'click.predict', { ...click, slice: new ArrayBuffer(64), previousMask: new ArrayBuffer(15) })).rejects.toThrow(/previous mask must be 16 bytes/);
    await expect(dispatchWorkerRequest(handlers, 'click.predict', { ...click, slice: [1, 2, 3] })).rejects.toThrow(/\(slice\)/);
    await expect(dispatchWorkerRequest(handlers, 'click.predict', { ...click, slice: new ArrayBuffer(64), clicks: [{ x: Number.NaN, y: 1, positive: true }] })).rejects.toThrow(/\(clicks.0.x\)/);
    await expect(dispatchWorkerRequest(handlers, 'click.unload', {})).rejects.toThrow(/"click.unload" \(modelId\)/);
    await expect(dispatchWorkerRequest(handlers, 'propagation.poll', { jobId: 'j', waitMs: -1 })).rejects.toThrow(/"propagation.poll" \(waitMs\)/);
    await expect(dispatchWorkerRequest(handlers, 'click.nothing', {})).rejects.toThrow(/^Unknown worker operation "click.nothing"/);
    expect(await dispatchWorkerRequest(handlers, 'click.unload', { modelId: 'x' })).toEqual({ unloaded: false });
    const mask = (await dispatchWorkerRequest(handlers, 'click.predict', { ...click, slice: new ArrayBuffer(64), output: 'mask' })) as { probabilities: ArrayBuffer };
    expect(mask.probabilities.byteLength).toBe(16);
  });

  it('keeps a keyed slice and its last answer, so a further click sends neither, and says when it has lost them', async () => {
    const handlers = createWorkerHandlers();
    const first = { modelId: 'classical', width: w, height: h, clicks: [{ x: 45, y: 30, positive: true }], output: 'mask-runs' as const };
    const second = { ...first, clicks: [...first.clicks, { x: 5, y: 5, positive: false }] };
    const decode = (reply: unknown): Uint8Array => decodeMaskRuns(new Uint32Array((reply as { probabilities: ArrayBuffer }).probabilities), w * h);
    const one = (await dispatchWorkerRequest(handlers, 'click.predict', { ...first, slice: slice.slice().buffer, sliceKey: 'v:2:0' })) as { answerId: number };
    expect(one.answerId).toBeGreaterThan(0);
    const cached = decode(await dispatchWorkerRequest(handlers, 'click.predict', { ...second, sliceKey: 'v:2:0', previousAnswerId: one.answerId }));
    // The same answer as with the slice and the previous mask sent in full.
    const full = decode(await dispatchWorkerRequest(handlers, 'click.predict', { ...second, slice: slice.slice().buffer, previousMask: decode(one).buffer }));
    expect(cached).toEqual(full);
    expect(cached[30 * w + 45]).toBe(1);
    // The answer before the last one, and a slice never sent, are not held.
    await expect(dispatchWorkerRequest(handlers, 'click.predict', { ...second, sliceKey: 'v:2:0', previousAnswerId: one.answerId })).rejects.toThrow(/is not cached in the inference worker/);
    await expect(dispatchWorkerRequest(handlers, 'click.predict', { ...first, sliceKey: 'v:2:1' })).rejects.toThrow(/is not cached in the inference worker/);
    await expect(dispatchWorkerRequest(handlers, 'click.predict', { ...first, slice: slice.slice().buffer, previousAnswerId: 1 })).rejects.toThrow(/previous answer needs a slice key/);
  });

  it('runs classical clicks on its own classical segmenter', async () => {
    let calls = 0;
    const growcut = new GrowCutSegmenter();
    const counting: ClickSegmenter = { id: growcut.id, kind: growcut.kind, threshold: growcut.threshold, predict: (...a) => (calls++, growcut.predict(...a)) };
    const handlers = createClickWorkerHandlers({ classical: counting });
    await handlers['click.predict']({ modelId: 'classical-growcut', slice: slice.slice().buffer, width: w, height: h, clicks: [{ x: 45, y: 30, positive: true }] });
    expect(calls).toBe(1);
  });

  it('answers a box through the engine and the click guarantee, which the payload may turn off', async () => {
    const handlers = createClickWorkerHandlers();
    // The box cuts the bright disk at (45, 30) in half.
    const box = { x0: 30, y0: 18, x1: 45, y1: 42 };
    const outside = (mask: Uint8Array): number =>
      mask.reduce((a, v, n) => a + (v !== 0 && !(n % w >= box.x0 && n % w <= box.x1 && Math.floor(n / w) >= box.y0 && Math.floor(n / w) <= box.y1) ? 1 : 0), 0);
    const request = { modelId: 'classical', slice: slice.slice().buffer, width: w, height: h, clicks: [], box, output: 'mask' as const };
    const mask = new Uint8Array((await handlers['click.predict'](request)).probabilities);
    expect(mask[30 * w + 40]).toBe(1);
    expect(outside(mask)).toBe(0);
    // Without the guarantee, GrowCut's outline a little outside the box lets the mask past it.
    const raw = new Uint8Array((await handlers['click.predict']({ ...request, slice: slice.slice().buffer, guarantee: false })).probabilities);
    expect(outside(raw)).toBeGreaterThan(0);
  });
});
