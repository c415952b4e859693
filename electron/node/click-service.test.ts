import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickMethods } from '../common/contract-click';
import type { ClickSegmenter } from '../common/click/types';
import { GrowCutSegmenter } from '../common/segmenters/growcut';
import { encodeMaskRuns } from '../common/click/mask-runs';
import { NOT_CACHED_IN_WORKER } from '../common/click/worker-ops';
import { IDENTITY_DIRECTION, type Volume } from '../common/volume';
import { createClickServiceHandlers, type ClickWorkerLike } from './click-service';
import { InferenceHost } from './inference-host';
import { nodeWorkerLauncher } from './worker-process';
import { buildWorkerForTests } from './testing/build-worker';
import { sha256File } from './models/discovery';

const fixture = fileURLToPath(new URL('../../native-models/fixtures/click-tiny', import.meta.url));
let root = '';
let workerEntry = '';
/** sha256 of the fixture's model.onnx, hashed here rather than read from its manifest. */
let fixtureSha256 = '';
const hosts: InferenceHost[] = [];
beforeAll(async () => {
  workerEntry = await buildWorkerForTests();
  fixtureSha256 = await sha256File(join(fixture, 'model.onnx'));
  root = mkdtempSync(join(tmpdir(), 'iseg-click-service-'));
  cpSync(fixture, join(root, 'tiny'), { recursive: true });
  cpSync(fixture, join(root, 'zz-damaged'), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(root, 'zz-damaged', 'manifest.json'), 'utf8')) as { id: string };
  manifest.id = 'zz-damaged';
  writeFileSync(join(root, 'zz-damaged', 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(root, 'zz-damaged', 'model.onnx'), 'not a model');
});
afterAll(() => {
  for (const host of hosts) host.stop();
  rmSync(root, { recursive: true, force: true });
});

/** A real worker process with the click operations, behind InferenceHost as in the app. */
function inProcessWorker(): ClickWorkerLike {
  const host = new InferenceHost(nodeWorkerLauncher(workerEntry), { log: () => undefined });
  hosts.push(host);
  host.start();
  return host;
}

/** GrowCut that counts its calls: where it runs is where the classical clicks ran. */
function countingGrowCut(): { segmenter: ClickSegmenter; calls: () => number } {
  const growcut = new GrowCutSegmenter();
  let calls = 0;
  const segmenter: ClickSegmenter = {
    id: growcut.id,
    kind: growcut.kind,
    threshold: growcut.threshold,
    predict: (...args) => {
      calls++;
      return growcut.predict(...args);
    },
  };
  return { segmenter, calls: () => calls };
}

const size = [40, 30, 5] as const;
const voxels = new Int16Array(40 * 30 * 5).map((_, n) => {
  const i = n % 40;
  const j = Math.floor(n / 40) % 30;
  return (i - 20) ** 2 + (j - 15) ** 2 < 64 ? 900 : 100;
});
const volume: Volume = { geometry: { size, spacing: [1, 1, 2], origin: [0, 0, 0], direction: IDENTITY_DIRECTION }, componentType: 'int16', voxels };
const getVolume = (id: string): Volume | undefined => (id === 'v1' ? volume : undefined);

describe('click service', () => {
  it('uses the classical segmenter, and says so, when no model is installed', async () => {
    const service = createClickServiceHandlers({ worker: inProcessWorker(), getVolume, modelsRoot: join(root, 'empty'), log: () => undefined });
    const out = await service['segmentation.clickToMask']({ volumeId: 'v1', axis: 2, slice: 2, clicks: [{ x: 20, y: 15, positive: true }] });
    expect(out).toMatchObject({ width: 40, height: 30, kind: 'classical', modelId: 'classical-growcut' });
    expect(out.fallbackReason).toMatch(/No click model is installed/);
    expect(out.modelSha256).toBeUndefined();
    const mask = new Uint8Array(out.mask);
    expect(mask[15 * 40 + 20]).toBe(1);
    expect(mask[0]).toBe(0);
    expect(clickMethods['segmentation.clickToMask'].output.safeParse(out).success).toBe(true);
    const list = await service['models.list']({});
    expect(list.engine).toMatchObject({ kind: 'classical', state: 'fallback', label: 'classical' });
  });

  it('loads the first verified model, reports its provider and lists the damaged one with the reason', async () => {
    const service = createClickServiceHandlers({ worker: inProcessWorker(), getVolume, modelsRoot: root, ep: 'cpu', log: () => undefined });
    const out = await service['segmentation.clickToMask']({ volumeId: 'v1', axis: 0, slice: 20, clicks: [{ x: 15, y: 2, positive: true }] });
    expect(out).toMatchObject({ width: 30, height: 5, kind: 'onnx', modelId: 'fixture-click-tiny', ep: 'cpu' });
    // Provenance: the digest of the weights that answered, as the label sidecar wants it.
    expect(out.modelSha256).toBe(fixtureSha256);
    expect(clickMethods['segmentation.clickToMask'].output.safeParse(out).success).toBe(true);
    expect(new Uint8Array(out.mask)).toHaveLength(150);
    const list = await service['models.list']({});
    expect(list.engine).toMatchObject({ clickModel: 'fixture-click-tiny', kind: 'onnx', ep: 'cpu', label: 'CPU', state: 'ready' });
    const damaged = list.models.find((m) => m.id === 'zz-damaged');
    expect(damaged?.status).toBe('damaged');
    expect(damaged?.problem).toMatch(/does not match the sha256/);
    // A verified model lists its digest; a damaged one does not (its file does not match it).
    expect(list.models.find((m) => m.id === 'fixture-click-tiny')?.sha256).toBe(fixtureSha256);
    expect(damaged?.sha256).toBeUndefined();
    expect(clickMethods['models.list'].output.safeParse(list).success).toBe(true);
    const selected = await service['models.select']({ clickModel: 'zz-damaged' });
    expect(selected).toMatchObject({ kind: 'classical', state: 'fallback' });
    expect(selected.messages.join(' ')).toMatch(/zz-damaged" is damaged/);
    const classical = await service['segmentation.clickToMask']({ volumeId: 'v1', axis: 2, slice: 0, clicks: [{ x: 20, y: 15, positive: true }] });
    expect(classical.kind).toBe('classical');
    expect(classical.modelSha256).toBeUndefined();
  });

  it('lists at once while the default model loads, and with waitForEngine answers once it has', async () => {
    const service = createClickServiceHandlers({ worker: inProcessWorker(), getVolume, modelsRoot: root, ep: 'cpu', log: () => undefined });
    const first = await service['models.list']({});
    expect(first.engine).toMatchObject({ kind: 'classical', state: 'loading' });
    const settled = await service['models.list']({ waitForEngine: true });
    expect(settled.engine).toMatchObject({ clickModel: 'fixture-click-tiny', kind: 'onnx', state: 'ready' });
    expect(clickMethods['models.list'].input.safeParse({ waitForEngine: 'yes' }).success).toBe(false);
  });

  it('turns bad clicks and unknown volumes into clear request errors', async () => {
    const service = createClickServiceHandlers({ worker: inProcessWorker(), getVolume, modelsRoot: undefined, log: () => undefined });
    await expect(service['segmentation.clickToMask']({ volumeId: 'v1', axis: 2, slice: 1, clicks: [{ x: 40, y: 1, positive: true }] })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/outside the 40×30 slice/) as unknown,
    });
    await expect(service['segmentation.clickToMask']({ volumeId: 'v1', axis: 2, slice: 5, clicks: [{ x: 1, y: 1, positive: true }] })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(service['segmentation.clickToMask']({ volumeId: 'gone', axis: 2, slice: 0, clicks: [{ x: 1, y: 1, positive: true }] })).rejects.toMatchObject({ code: 'not-found' });
    expect(clickMethods['segmentation.clickToMask'].input.safeParse({ volumeId: 'v1', axis: 3, slice: 0, clicks: [] }).success).toBe(false);
  });

  it('answers box and scribble prompts, and rejects a prompt with nothing in it or a box outside the slice', async () => {
    const service = createClickServiceHandlers({ worker: inProcessWorker(), getVolume, modelsRoot: undefined, log: () => undefined });
    const base = { volumeId: 'v1', axis: 2 as const, slice: 2, clicks: [] };
    // The bright disk of radius 8 at (20, 15).
    const boxed = new Uint8Array((await service['segmentation.clickToMask']({ ...base, box: { x0: 11, y0: 6, x1: 29, y1: 24 } })).mask);
    expect(boxed[15 * 40 + 20]).toBe(1);
    expect(boxed.reduce((a, v) => a + v, 0)).toBeGreaterThan(150);
    boxed.forEach((v, n) => {
      if (v !== 0) expect(n % 40 >= 11 && n % 40 <= 29 && Math.floor(n / 40) >= 6 && Math.floor(n / 40) <= 24).toBe(true);
    });
    const scribbled = new Uint8Array(
      (
        await service['segmentation.clickToMask']({
          ...base,
          scribbles: [
            { points: [{ x: 16, y: 15 }, { x: 24, y: 15 }], positive: true },
            { points: [{ x: 2, y: 2 }, { x: 2, y: 27 }], positive: false },
          ],
        })
      ).mask,
    );
    expect(scribbled[15 * 40 + 16]).toBe(1);
    expect(scribbled[15 * 40 + 24]).toBe(1);
    expect(scribbled[10 * 40 + 2]).toBe(0);
    await expect(service['segmentation.clickToMask'](base)).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/needs a click, a box or a scribble/) as unknown });
    await expect(service['segmentation.clickToMask']({ ...base, box: { x0: 0, y0: 0, x1: 40, y1: 10 } })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/outside the 40×30 slice/) as unknown });
    expect(clickMethods['segmentation.clickToMask'].input.safeParse({ ...base, scribbles: [{ points: [], positive: true }] }).success).toBe(false);
  });

  it('answers with the classical segmenter while the worker is down, and loads the model once it is up', async () => {
    const host = new InferenceHost(nodeWorkerLauncher(workerEntry), { log: () => undefined });
    hosts.push(host);
    const service = createClickServiceHandlers({ worker: host, getVolume, modelsRoot: root, ep: 'cpu', log: () => undefined });
    const down = await service['segmentation.clickToMask']({ volumeId: 'v1', axis: 2, slice: 1, clicks: [{ x: 20, y: 15, positive: true }] });
    expect(down.kind).toBe('classical');
    expect(down.fallbackReason).toMatch(/inference worker/);
    expect(down.ranIn).toBe('main');
    host.start();
    expect(down.modelSha256).toBeUndefined();
    const up = await service['segmentation.clickToMask']({ volumeId: 'v1', axis: 2, slice: 1, clicks: [{ x: 20, y: 15, positive: true }] });
    expect(up).toMatchObject({ kind: 'onnx', modelId: 'fixture-click-tiny', modelSha256: fixtureSha256 });
  });

  it('answers at once, and says why, while a killed worker cools down; the model answers again after', async () => {
    // Every crash counts as a burst here, so each one is followed by the (short) cool-down.
    const host = new InferenceHost(nodeWorkerLauncher(workerEntry), { log: () => undefined, maxCrashes: 0, coolDownMs: 1500, waitForRestartMs: 200 });
    hosts.push(host);
    host.start();
    const service = createClickServiceHandlers({ worker: host, getVolume, modelsRoot: root, ep: 'cpu', log: () => undefined });
    const click = { volumeId: 'v1', axis: 2 as const, slice: 1, clicks: [{ x: 20, y: 15, positive: true }] };
    expect(await service['segmentation.clickToMask'](click)).toMatchObject({ kind: 'onnx', modelId: 'fixture-click-tiny' });
    process.kill(host.status.pid ?? 0, 'SIGKILL');
    while (host.status.state === 'ready') await new Promise((resolve) => setTimeout(resolve, 5));
    const started = performance.now();
    const during = await service['segmentation.clickToMask'](click);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(during).toMatchObject({ kind: 'classical', modelId: 'classical-growcut' });
    expect(during.fallbackReason).toMatch(/^The inference worker is unavailable: it crashed 1 time in a minute; the next start is in 2 s\. The classical segmenter answered\. It ran in the main process\.$/);
    expect(during.ranIn).toBe('main');
    await host.whenReady().catch(async () => {
      // Refused while it cools down: wait for the restart instead.
      await new Promise<void>((resolve) => host.onStatus((s) => s.state === 'ready' && resolve()));
    });
    expect(await service['segmentation.clickToMask'](click)).toMatchObject({ kind: 'onnx', modelId: 'fixture-click-tiny' });
  });

  it('reports the digest of an ONNX answer, and none for a classical one, without a real worker', async () => {
    // A worker that loads and answers anything: the digest must come from the verified manifest.
    const worker: ClickWorkerLike = {
      request(op: string, payload: unknown): Promise<unknown> {
        if (op === 'click.load') return Promise.resolve({ modelId: 'fixture-click-tiny', ep: 'cpu', attempts: [], loadMs: 1, warmupMs: 1 });
        if (op === 'click.predict') {
          const { width, height } = payload as { width: number; height: number };
          return Promise.resolve({ modelId: 'fixture-click-tiny', probabilities: encodeMaskRuns(new Uint8Array(width * height)).buffer, output: 'mask-runs', threshold: 0.5, width, height, predictMs: 1, forwardMs: 1 });
        }
        return Promise.resolve({ unloaded: true });
      },
    };
    const service = createClickServiceHandlers({ worker, getVolume, modelsRoot: root, ep: 'cpu', log: () => undefined });
    const click = { volumeId: 'v1', axis: 2 as const, slice: 1, clicks: [{ x: 20, y: 15, positive: true }] };
    expect(await service['segmentation.clickToMask'](click)).toMatchObject({ kind: 'onnx', modelSha256: fixtureSha256 });
    const classical = await service['segmentation.clickToMask']({ ...click, model: 'classical' });
    expect(classical.kind).toBe('classical');
    expect('modelSha256' in classical).toBe(false);
  });

  it('runs classical clicks in the worker, never in the main process, while the worker is up', async () => {
    const main = countingGrowCut();
    const service = createClickServiceHandlers({ worker: inProcessWorker(), getVolume, modelsRoot: root, ep: 'cpu', fallbackSegmenter: main.segmenter, log: () => undefined });
    const click = { volumeId: 'v1', axis: 2 as const, slice: 2, clicks: [{ x: 20, y: 15, positive: true }] };
    const first = await service['segmentation.clickToMask']({ ...click, model: 'classical' });
    const second = await service['segmentation.clickToMask']({ ...click, clicks: [...click.clicks, { x: 2, y: 2, positive: false }], previousMask: first.mask, model: 'classical' });
    for (const answer of [first, second]) expect(answer).toMatchObject({ kind: 'classical', modelId: 'classical-growcut', ranIn: 'worker' });
    expect(new Uint8Array(second.mask)[15 * 40 + 20]).toBe(1);
    expect(main.calls()).toBe(0);
    const noModels = createClickServiceHandlers({ worker: inProcessWorker(), getVolume, modelsRoot: undefined, fallbackSegmenter: main.segmenter, log: () => undefined });
    expect(await noModels['segmentation.clickToMask'](click)).toMatchObject({ kind: 'classical', ranIn: 'worker' });
    expect(main.calls()).toBe(0);
    expect((await noModels['models.list']({})).engine.classicalRunsIn).toBe('worker');
  });

  it('runs classical clicks in the main process only while the worker is down, and says so in the answer, the status and the log', async () => {
    const main = countingGrowCut();
    const logged: string[] = [];
    const host = new InferenceHost(nodeWorkerLauncher(workerEntry), { log: () => undefined });
    hosts.push(host);
    const service = createClickServiceHandlers({ worker: host, getVolume, modelsRoot: undefined, fallbackSegmenter: main.segmenter, log: (m) => logged.push(m) });
    const click = { volumeId: 'v1', axis: 2 as const, slice: 2, clicks: [{ x: 20, y: 15, positive: true }] };
    const down = await service['segmentation.clickToMask'](click);
    expect(down).toMatchObject({ kind: 'classical', ranIn: 'main' });
    expect(down.fallbackReason).toMatch(/not running.*main process/);
    expect(new Uint8Array(down.mask)[15 * 40 + 20]).toBe(1);
    expect(main.calls()).toBe(1);
    const status = (await service['models.list']({})).engine;
    expect(status.classicalRunsIn).toBe('main');
    expect(status.messages.join(' ')).toMatch(/classical clicks run in the main process/);
    expect(logged.filter((m) => /run in the main process/.test(m))).toHaveLength(1);
    host.start();
    await host.whenReady();
    expect(await service['segmentation.clickToMask'](click)).toMatchObject({ kind: 'classical', ranIn: 'worker' });
    expect(main.calls()).toBe(1);
    expect(logged.some((m) => /worker is back/.test(m))).toBe(true);
    expect((await service['models.list']({})).engine.classicalRunsIn).toBe('worker');
  });

  it('sends the slice and the previous mask to the worker at most once, without copying them first', async () => {
    type Sent = { slice?: ArrayBuffer; sliceKey?: string; previousMask?: ArrayBuffer; previousAnswerId?: number };
    const sent: Sent[] = [];
    // A worker that answers a disk at the click and, like the real one, may forget its slices.
    let held = new Map<string, number>();
    let nextAnswer = 1;
    const worker: ClickWorkerLike = {
      request(op: string, payload: unknown): Promise<unknown> {
        const p = payload as Sent & { width: number; height: number; clicks: { x: number; y: number }[] };
        sent.push({ ...p });
        const key = p.sliceKey ?? '';
        if (p.slice === undefined && !held.has(key)) return Promise.reject(new Error(`Slice "${key}" ${NOT_CACHED_IN_WORKER}.`));
        if (p.previousAnswerId !== undefined && held.get(key) !== p.previousAnswerId) return Promise.reject(new Error(`Answer ${NOT_CACHED_IN_WORKER}.`));
        const mask = new Uint8Array(p.width * p.height).map((_, n) => (p.clicks.some((c) => (n % p.width - c.x) ** 2 + (Math.floor(n / p.width) - c.y) ** 2 < 9) ? 1 : 0));
        const answerId = nextAnswer++;
        held.set(key, answerId);
        return Promise.resolve({ modelId: 'classical-growcut', probabilities: encodeMaskRuns(mask).buffer, output: 'mask-runs', threshold: 0.5, width: p.width, height: p.height, predictMs: 1, forwardMs: 0, answerId });
      },
    };
    const service = createClickServiceHandlers({ worker, getVolume, modelsRoot: undefined, log: () => undefined });
    const click = { volumeId: 'v1', axis: 2 as const, slice: 1, clicks: [{ x: 20, y: 15, positive: true }] };
    const previousMask = new ArrayBuffer(40 * 30);
    const first = await service['segmentation.clickToMask']({ ...click, previousMask });
    expect(first.kind).toBe('classical');
    expect(new Uint8Array(first.mask)[15 * 40 + 20]).toBe(1);
    expect(sent).toHaveLength(1);
    // The caller's buffer itself: the worker hop's structured clone is its one copy.
    expect(sent[0]?.previousMask).toBe(previousMask);
    expect(sent[0]?.slice?.byteLength).toBe(40 * 30 * 4);
    // The next click on the slice, with the last answer as its previous mask: neither is sent again.
    const second = await service['segmentation.clickToMask']({ ...click, clicks: [...click.clicks, { x: 5, y: 5, positive: true }], previousMask: first.mask.slice(0) });
    expect(sent[1]).toMatchObject({ sliceKey: sent[0]?.sliceKey, previousAnswerId: 1 });
    expect(sent[1]?.slice).toBeUndefined();
    expect(sent[1]?.previousMask).toBeUndefined();
    expect(new Uint8Array(second.mask)[5 * 40 + 5]).toBe(1);
    // A previous mask the page changed goes whole.
    const edited = new Uint8Array(second.mask.slice(0));
    edited[0] = 1;
    await service['segmentation.clickToMask']({ ...click, previousMask: edited.buffer });
    expect(sent[2]?.previousMask).toBe(edited.buffer);
    expect(sent[2]?.slice).toBeUndefined();
    // A worker that lost its slices (restarted) is asked once more, with everything.
    held = new Map();
    const again = await service['segmentation.clickToMask']({ ...click, previousMask: edited.buffer });
    expect(sent).toHaveLength(5);
    expect(sent[3]?.slice).toBeUndefined();
    expect(sent[4]?.slice?.byteLength).toBe(40 * 30 * 4);
    expect(new Uint8Array(again.mask)[15 * 40 + 20]).toBe(1);
    // Another slice has another key.
    await service['segmentation.clickToMask']({ ...click, slice: 2 });
    expect(sent[5]?.sliceKey).not.toBe(sent[0]?.sliceKey);
    expect(sent[5]?.slice?.byteLength).toBe(40 * 30 * 4);
    await expect(service['segmentation.clickToMask']({ volumeId: 'v1', axis: 2, slice: 1, clicks: [{ x: 20, y: 15, positive: true }], previousMask: new ArrayBuffer(7) })).rejects.toMatchObject({
      code: 'bad-request',
      message: expect.stringMatching(/previous mask has 7 values/) as unknown,
    });
  });

  it('starts with a quantised copy before its source by default, and falls back to the source when the copy cannot load', async () => {
    const models = mkdtempSync(join(tmpdir(), 'iseg-click-int8-'));
    try {
      cpSync(fixture, join(models, 'tiny'), { recursive: true });
      cpSync(fixture, join(models, 'tiny-int8'), { recursive: true });
      const copy = join(models, 'tiny-int8', 'manifest.json');
      const manifest = JSON.parse(readFileSync(copy, 'utf8')) as Record<string, unknown>;
      writeFileSync(copy, JSON.stringify({ ...manifest, id: 'fixture-click-tiny-int8', quantization: { kind: 'dynamic int8', source: { id: 'fixture-click-tiny', version: '1', sha256: fixtureSha256 } } }));
      const click = { volumeId: 'v1', axis: 0 as const, slice: 20, clicks: [{ x: 15, y: 2, positive: true }] };
      const service = createClickServiceHandlers({ worker: inProcessWorker(), getVolume, modelsRoot: models, ep: 'cpu', log: () => undefined });
      expect(await service['segmentation.clickToMask'](click)).toMatchObject({ kind: 'onnx', modelId: 'fixture-click-tiny-int8' });
      writeFileSync(join(models, 'tiny-int8', 'model.onnx'), 'not a model');
      const fallback = createClickServiceHandlers({ worker: inProcessWorker(), getVolume, modelsRoot: models, ep: 'cpu', log: () => undefined });
      expect(await fallback['segmentation.clickToMask'](click)).toMatchObject({ kind: 'onnx', modelId: 'fixture-click-tiny' });
    } finally {
      rmSync(models, { recursive: true, force: true });
    }
  });

  it('rejects a digest that is not 64 lowercase hex digits', () => {
    const output = clickMethods['segmentation.clickToMask'].output;
    const answer = { mask: new ArrayBuffer(4), width: 2, height: 2, axis: 2, slice: 0, modelId: 'm', kind: 'onnx', elapsedMs: 1 };
    expect(output.safeParse({ ...answer, modelSha256: 'ab'.repeat(32) }).success).toBe(true);
    for (const bad of ['AB'.repeat(32), 'ab'.repeat(31), `${'ab'.repeat(31)}zz`, 42]) expect(output.safeParse({ ...answer, modelSha256: bad }).success).toBe(false);
  });

  it('accepts an InferenceHost as its worker', () => {
    const host: ClickWorkerLike = new InferenceHost(nodeWorkerLauncher('unused.js'));
    expect(typeof host.request).toBe('function');
  });
});
