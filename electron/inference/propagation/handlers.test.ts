import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { propagationProgressSchema } from '../../common/contract-propagation';
import { toProgressEvent } from '../../node/propagation-service';
import type { PropagationPollResult, PropagationStartPayload } from '../../common/propagation/worker-ops';
import { sha256File } from '../../node/models/discovery';
import { packSeedRuns } from '../../common/propagation/seed-runs';
import type { Propagator } from '../../common/propagation/propagator';
import { oneSliceChoice } from '../../common/propagation/auto-propagator';
import { createPropagationWorkerHandlers, type PropagationWorkerHandlers } from './handlers';

const propagationFixture = fileURLToPath(new URL('../../../native-models/fixtures/prop-tiny', import.meta.url));

const size = [32, 32, 12] as const;
const geometry = { size: [...size] as [number, number, number], spacing: [1, 1, 1] as [number, number, number], origin: [0, 0, 0] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as [number, number, number, number, number, number, number, number, number] };

function payload(jobId: string, withImage: boolean): PropagationStartPayload {
  const seeds = new Uint8Array(32 * 32 * 12);
  for (const z of [2, 9]) for (let y = 8; y < 24; y++) for (let x = 8; x < 24; x++) seeds[x + 32 * (y + 32 * z)] = 1;
  return {
    jobId,
    method: 'interpolation',
    imageKey: 'vol-1',
    image: { geometry, componentType: 'float32', ...(withImage ? { voxels: new Float32Array(32 * 32 * 12).buffer } : {}) },
    seeds: { componentType: 'uint8', runs: packSeedRuns(seeds) },
    options: { axis: 2 },
  };
}

describe('propagation worker jobs', () => {
  it('streams every decided slice through polls and ends with no label map; keeps the image by key', async () => {
    const h = createPropagationWorkerHandlers();
    expect(await h['propagation.start'](payload('a', false))).toEqual({ jobId: 'a', needsImage: true });
    expect(await h['propagation.start'](payload('a', true))).toEqual({ jobId: 'a', needsImage: false });
    const slices: number[] = [];
    for (;;) {
      const r = await h['propagation.poll']({ jobId: 'a', waitMs: 2000 });
      slices.push(...r.updates.map((u) => u.slice));
      if (r.state !== 'running') {
        expect(r.state).toBe('done');
        expect(r.outcome?.written).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 10, 11]);
        expect(r.outcome).not.toHaveProperty('labels');
        break;
      }
    }
    expect(slices.sort((x, y) => x - y)).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 10, 11]);
    // The image stays cached under its key: a second job needs no voxels.
    expect((await h['propagation.start'](payload('b', false))).needsImage).toBe(false);
    await expect(h['propagation.poll']({ jobId: 'nope' })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('puts a decided slice the stream did not bring into the last poll', async () => {
    // A method that streams slice 3 but also writes slice 5 without saying so.
    const quiet: Propagator = {
      method: 'interpolation',
      propagate: (_image, seeds, _options, onSlice) => {
        const labels = new Uint8Array(seeds.voxels);
        labels.fill(4, 3 * 1024, 4 * 1024);
        labels.fill(6, 5 * 1024, 6 * 1024);
        onSlice?.({ slice: 3, label: 4, labels: labels.slice(3 * 1024, 4 * 1024), done: 1, total: 2 });
        return Promise.resolve({ labels: { ...seeds, voxels: labels }, method: 'interpolation', propagated: [4], written: [3, 5], computedSlices: 2, elapsedMs: 1, suspects: [] });
      },
    };
    const h = createPropagationWorkerHandlers(quiet);
    await h['propagation.start'](payload('q', true));
    const updates: { slice: number; values: number[] }[] = [];
    let r = await h['propagation.poll']({ jobId: 'q', waitMs: 2000 });
    for (;;) {
      updates.push(...r.updates.map((u) => ({ slice: u.slice, values: [...new Set(new Uint8Array(u.labels))] })));
      if (r.state !== 'running') break;
      r = await h['propagation.poll']({ jobId: 'q', waitMs: 2000 });
    }
    expect(r.state).toBe('done');
    expect(updates).toEqual([
      { slice: 3, values: [4] },
      { slice: 5, values: [6] },
    ]);
  });

  it('fails a job whose seed runs overrun the volume, saying so', async () => {
    const h = createPropagationWorkerHandlers();
    const bad = payload('d', true);
    await h['propagation.start']({ ...bad, seeds: { componentType: 'uint8', runs: packSeedRuns(new Uint8Array(32 * 32 * 13).fill(1)) } });
    let r = await h['propagation.poll']({ jobId: 'd', waitMs: 2000 });
    while (r.state === 'running') r = await h['propagation.poll']({ jobId: 'd', waitMs: 2000 });
    expect(r).toMatchObject({ state: 'failed', error: expect.stringMatching(/run past the volume's 12288 voxels/) as unknown });
  });

  it('cancels a running job and hands out nothing more', async () => {
    const h = createPropagationWorkerHandlers();
    await h['propagation.start'](payload('c', true));
    expect(await h['propagation.cancel']({ jobId: 'c' })).toEqual({ cancelled: true });
    let r = await h['propagation.poll']({ jobId: 'c', waitMs: 2000 });
    while (r.state === 'running') r = await h['propagation.poll']({ jobId: 'c', waitMs: 2000 });
    expect(r.state).toBe('cancelled');
    expect(r.updates).toEqual([]);
    expect(r.outcome).toBeUndefined();
  });
});

/** Polls until the job ends; returns the last poll. */
async function finish(h: PropagationWorkerHandlers, jobId: string): Promise<PropagationPollResult> {
  for (;;) {
    const r = await h['propagation.poll']({ jobId, waitMs: 2000 });
    if (r.state !== 'running') return r;
  }
}

describe('propagation provenance in the outcome', () => {
  it('names no model for interpolation, and echoes the method and options that ran', async () => {
    const h = createPropagationWorkerHandlers();
    await h['propagation.start']({ ...payload('i', true), options: { axis: 2, locked: [3], stopFraction: 0.2 } });
    const r = await finish(h, 'i');
    expect(r.state).toBe('done');
    expect(r.outcome?.method).toBe('interpolation');
    expect(r.outcome?.options).toEqual({ axis: 2, locked: [3], stopFraction: 0.2 });
    expect(r.outcome?.model).toBeUndefined();
    // What the service pushes to the page from this result passes the contract.
    expect(propagationProgressSchema.safeParse(toProgressEvent('j', r)).success).toBe(true);
  });

  it('grows without a model, and reports the one-slice gate of auto in the contract', async () => {
    const h = createPropagationWorkerHandlers();
    // A bright square on slices 2–9 of a dark image, given on slice 2 and 9.
    const image = new Float32Array(32 * 32 * 12);
    // The object spans the volume, so the out-and-back check (CYCLE_SLICES from slice 5) finds it.
    for (let z = 0; z < 12; z++) for (let y = 8; y < 24; y++) for (let x = 8; x < 24; x++) image[x + 32 * (y + 32 * z)] = 1000;
    const start = { ...payload('grow', true), image: { geometry, componentType: 'float32' as const, voxels: image.buffer }, method: 'grow' as const };
    await h['propagation.start'](start);
    const r = await finish(h, 'grow');
    expect(r.error).toBeUndefined();
    expect(r.state).toBe('done');
    expect(r.outcome?.method).toBe('grow');
    expect(r.outcome?.model).toBeUndefined();
    expect(propagationProgressSchema.safeParse(toProgressEvent('j', r)).success).toBe(true);
  });

  it.skipIf(!existsSync(`${propagationFixture}/manifest.json`))('names the memory model by id and key-encoder sha256', async () => {
    const h = createPropagationWorkerHandlers();
    await h['propagation.start']({ ...payload('m', true), method: 'memory', modelDir: propagationFixture, ep: 'cpu', threads: 1, options: { axis: 2, stopFraction: 0 } });
    const r = await finish(h, 'm');
    expect(r.error).toBeUndefined();
    expect(r.state).toBe('done');
    expect(r.outcome?.method).toBe('memory');
    expect(r.outcome?.options).toEqual({ axis: 2, stopFraction: 0 });
    // Hashed here from the file, not read from the manifest the worker trusted.
    expect(r.outcome?.model).toEqual({ id: 'fixture-prop-tiny', sha256: await sha256File(`${propagationFixture}/key_encoder.onnx`) });
    // What the service pushes to the page from this result passes the contract.
    expect(propagationProgressSchema.safeParse(toProgressEvent('j', r)).success).toBe(true);
  });

  it.skipIf(!existsSync(`${propagationFixture}/manifest.json`))('runs auto with the memory model inside, and reports what its gate chose', async () => {
    const h = createPropagationWorkerHandlers();
    await h['propagation.start']({ ...payload('g', true), method: 'auto', modelDir: propagationFixture, ep: 'cpu', threads: 1 });
    const r = await finish(h, 'g');
    expect(r.error).toBeUndefined();
    expect(r.outcome?.method).toBe('auto');
    expect(r.outcome?.gate).toEqual([expect.objectContaining({ label: 1, scores: expect.objectContaining({ heldOut: [2, 9] }) as unknown })]);
    expect(r.outcome?.model?.id).toBe('fixture-prop-tiny');
    expect(propagationProgressSchema.safeParse(toProgressEvent('j', r)).success).toBe(true);
  });

  it.skipIf(!existsSync(`${propagationFixture}/manifest.json`))('records the one-slice choice of auto, which passes the contract', async () => {
    const h = createPropagationWorkerHandlers();
    const image = new Float32Array(32 * 32 * 12);
    // The object spans the volume, so the out-and-back check (CYCLE_SLICES from slice 5) finds it.
    for (let z = 0; z < 12; z++) for (let y = 8; y < 24; y++) for (let x = 8; x < 24; x++) image[x + 32 * (y + 32 * z)] = 1000;
    const seeds = new Uint8Array(32 * 32 * 12);
    for (let y = 8; y < 24; y++) for (let x = 8; x < 24; x++) seeds[x + 32 * (y + 32 * 5)] = 1;
    await h['propagation.start']({
      ...payload('one', true),
      image: { geometry, componentType: 'float32', voxels: image.buffer },
      seeds: { componentType: 'uint8', runs: packSeedRuns(seeds) },
      method: 'auto',
      modelDir: propagationFixture,
      ep: 'cpu',
      threads: 1,
    });
    const r = await finish(h, 'one');
    expect(r.error).toBeUndefined();
    const [decision] = r.outcome?.gate ?? [];
    expect(decision?.oneSlice?.grow).toBeGreaterThan(0.5);
    expect(decision?.before).toBe(oneSliceChoice({ memory: decision?.oneSlice?.memory ?? 0, grow: decision?.oneSlice?.grow ?? 0 }));
    expect(propagationProgressSchema.safeParse(toProgressEvent('j', r)).success).toBe(true);
  });
});
