import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoPropagator } from '../../common/propagation/auto-propagator';
import { FakePropagationNetworks } from '../../common/propagation/fake-networks';
import { GrowPropagator } from '../../common/propagation/grow-propagator';
import { MemoryPropagator } from '../../common/propagation/memory-engine';
import { ServiceError } from '../../common/errors';
import type { Propagator, SliceUpdate } from '../../common/propagation/propagator';
import { gridVolume, type Volume } from '../../common/volume';
import { buildEntryForTests } from '../testing/build-worker';
import { GrowWithFallback, ThreadedGrowPropagator } from './grow-thread';

const [W, H, D] = [48, 40, 24];
let entry = '';
const opened: ThreadedGrowPropagator[] = [];

beforeAll(async () => {
  entry = await buildEntryForTests('node/propagation/grow-thread-worker.ts', 'grow-worker.mjs');
}, 60_000);

afterAll(async () => {
  await Promise.all(opened.map((p) => p.close()));
});

function threaded(): ThreadedGrowPropagator {
  const made = new ThreadedGrowPropagator(entry);
  opened.push(made);
  return made;
}

/** A bright ellipsoid-ish blob (label 1) and a bright bar (label 2) on a dark, slightly noisy background; seeds on two slices. */
function scene(): { image: Volume; seeds: Volume } {
  const image = new Float32Array(W * H * D);
  const seeds = new Uint8Array(W * H * D);
  for (let z = 0; z < D; z++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const i = x + W * (y + H * z);
        const r = 6 + 4 * Math.sin((Math.PI * z) / D);
        const blob = (x - 16) ** 2 + (y - 20) ** 2 <= r * r && z >= 3 && z <= 20;
        const bar = x >= 32 && x < 40 && y >= 8 && y < 32 && z >= 6 && z <= 16;
        image[i] = (blob ? 100 : bar ? 60 : 10) + ((x * 7 + y * 13 + z * 5) % 5);
        if ((z === 8 || z === 14) && blob) seeds[i] = 1;
        if (z === 10 && bar) seeds[i] = 2;
      }
  return { image: gridVolume([W, H, D], image), seeds: gridVolume([W, H, D], seeds) };
}

describe('ThreadedGrowPropagator', () => {
  it('grows on its own thread exactly as in this one: the same label map, the same slices streamed in the same order', async () => {
    const { image, seeds } = scene();
    const local: SliceUpdate[] = [];
    const remote: SliceUpdate[] = [];
    const expected = await new GrowPropagator().propagate(image, seeds, { axis: 2 }, (u) => local.push(u));
    const propagator = threaded();
    const outcome = await propagator.propagate(image, seeds, { axis: 2 }, (u) => remote.push(u));
    expect(Array.from(outcome.labels.voxels)).toEqual(Array.from(expected.labels.voxels));
    expect(outcome.labels.componentType).toBe(expected.labels.componentType);
    expect(remote.map((u) => [u.slice, u.label, u.done, u.total])).toEqual(local.map((u) => [u.slice, u.label, u.done, u.total]));
    expect(remote.map((u) => Array.from(u.labels))).toEqual(local.map((u) => Array.from(u.labels)));
    expect(outcome).toMatchObject({ method: 'grow', propagated: expected.propagated, written: expected.written, computedSlices: expected.computedSlices, suspects: [] });
    // The seeds are the caller's, untouched.
    expect(seeds.voxels.filter((v) => v !== 0).length).toBeGreaterThan(0);
  });

  it('copies an image to the thread once, however many runs use it, and again for another image', async () => {
    const { image, seeds } = scene();
    const propagator = threaded();
    await propagator.propagate(image, seeds, { axis: 2, labels: [1] });
    await Promise.all([propagator.propagate(image, seeds, { axis: 2, labels: [2] }), propagator.propagate(image, seeds, { axis: 1 })]);
    expect(propagator.imagesSent).toBe(1);
    const other = gridVolume([W, H, D], new Float32Array(image.voxels).map((v) => v * 2));
    const grown = await propagator.propagate(other, seeds, { axis: 2 });
    expect(propagator.imagesSent).toBe(2);
    // Back to the first: the thread keeps only the last image, so it is sent again.
    const again = await propagator.propagate(image, seeds, { axis: 2 });
    expect(propagator.imagesSent).toBe(3);
    expect(Array.from(again.labels.voxels)).toEqual(Array.from((await new GrowPropagator().propagate(image, seeds, { axis: 2 })).labels.voxels));
    expect(grown.written.length).toBeGreaterThan(0);
  });

  it('shares voxels that already sit in a SharedArrayBuffer of their own, and copies others once', async () => {
    const { image, seeds } = scene();
    const shared = new SharedArrayBuffer(image.voxels.byteLength);
    const inPlace = new Float32Array(shared);
    inPlace.set(image.voxels);
    const sharedImage: Volume = { ...image, voxels: inPlace };
    const propagator = threaded();
    const outcome = await propagator.propagate(sharedImage, seeds, { axis: 2 });
    expect(Array.from(outcome.labels.voxels)).toEqual(Array.from((await new GrowPropagator().propagate(image, seeds, { axis: 2 })).labels.voxels));
    expect(propagator.sharedBufferOf(sharedImage)).toBe(shared);
    await propagator.propagate(image, seeds, { axis: 2 });
    expect(propagator.sharedBufferOf(image)).not.toBe(image.voxels.buffer);
    expect(propagator.sharedBufferOf(image)).toBeInstanceOf(SharedArrayBuffer);
  });

  it('stops a run when its signal aborts, with the same error as in this thread, and runs again afterwards', async () => {
    const { image, seeds } = scene();
    const propagator = threaded();
    const signal = { aborted: false };
    const run = propagator.propagate(image, seeds, { axis: 2 }, () => {
      signal.aborted = true;
    }, signal);
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    await expect(propagator.propagate(image, seeds, { axis: 2 }, undefined, { aborted: true })).rejects.toMatchObject({ code: 'cancelled' });
    const outcome = await propagator.propagate(image, seeds, { axis: 2 });
    expect(outcome.written.length).toBeGreaterThan(0);
  });

  it('can start its thread before the first run, which then copies the image to that thread', async () => {
    const { image, seeds } = scene();
    const propagator = threaded();
    expect(propagator.started).toBe(false);
    propagator.warm();
    propagator.warm();
    expect(propagator.started).toBe(true);
    const outcome = await propagator.propagate(image, seeds, { axis: 2 });
    expect(outcome.written.length).toBeGreaterThan(0);
    expect(propagator.imagesSent).toBe(1);
  });

  it('answers a request it cannot read with one sentence instead of leaving the run waiting', async () => {
    const { image, seeds } = scene();
    const propagator = threaded();
    const odd = gridVolume([W, H, D], new Uint8Array(seeds.voxels));
    const badGeometry: Volume = { ...odd, geometry: { ...odd.geometry, spacing: [1, Number.NaN, 1] } };
    await expect(propagator.propagate(image, badGeometry, { axis: 2 })).rejects.toMatchObject({ code: 'bad-request' });
    const outcome = await propagator.propagate(image, seeds, { axis: 2 });
    expect(outcome.written.length).toBeGreaterThan(0);
  });

  it('fails pending runs when closed, and starts a fresh thread for the next run', async () => {
    const { image, seeds } = scene();
    const propagator = threaded();
    const failed = expect(propagator.propagate(image, seeds, { axis: 2 })).rejects.toMatchObject({ code: 'cancelled', message: 'Growing was stopped.' });
    await propagator.close();
    await failed;
    const outcome = await propagator.propagate(image, seeds, { axis: 2 });
    expect(outcome.written.length).toBeGreaterThan(0);
    expect(propagator.imagesSent).toBe(2);
  });

  it('fails a run with one sentence when its thread dies', async () => {
    const dying = join(mkdtempSync(join(tmpdir(), 'iseg-grow-')), 'dies.mjs');
    writeFileSync(dying, 'process.exit(3);\n');
    const { image, seeds } = scene();
    const propagator = new ThreadedGrowPropagator(dying);
    opened.push(propagator);
    await expect(propagator.propagate(image, seeds, { axis: 2 })).rejects.toMatchObject({ code: 'worker-crashed', message: 'Growing stopped unexpectedly.' });
  });

  it('grows in this thread when its thread dies under a run, streaming each slice once', async () => {
    const { image, seeds } = scene();
    const expected: SliceUpdate[] = [];
    const local = await new GrowPropagator().propagate(image, seeds, { axis: 2 }, (u) => expected.push(u));
    // A stand-in thread that streams the first three slices, then dies.
    const dying: Propagator = {
      method: 'grow',
      propagate: async (img, s, options, onSlice) => {
        let sent = 0;
        await new GrowPropagator().propagate(img, s, options, (u) => {
          if (sent++ < 3) onSlice?.(u);
        });
        throw new ServiceError('worker-crashed', 'Growing stopped unexpectedly.');
      },
    };
    const updates: SliceUpdate[] = [];
    const outcome = await new GrowWithFallback(dying, new GrowPropagator()).propagate(image, seeds, { axis: 2 }, (u) => updates.push(u));
    expect(Array.from(outcome.labels.voxels)).toEqual(Array.from(local.labels.voxels));
    const keys = (list: SliceUpdate[]): string[] => list.map((u) => `${u.label}:${u.slice}`).sort();
    expect(keys(updates)).toEqual(keys(expected));
    // Anything else fails as it came.
    const cancelled: Propagator = { method: 'grow', propagate: () => Promise.reject(new ServiceError('cancelled', 'The propagation was cancelled.')) };
    await expect(new GrowWithFallback(cancelled, new GrowPropagator()).propagate(image, seeds, { axis: 2 })).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('gives auto the same result as growing in its own thread, with memory and growing running at once', async () => {
    const { image, seeds } = scene();
    const networks = new FakePropagationNetworks();
    const interpolationStandIn = new GrowPropagator();
    const inThread = await new AutoPropagator(new MemoryPropagator(networks), interpolationStandIn, new GrowPropagator()).propagate(image, seeds, { axis: 2 });
    const onThread = await new AutoPropagator(new MemoryPropagator(networks), interpolationStandIn, threaded()).propagate(image, seeds, { axis: 2 });
    expect(onThread.gate).toEqual(inThread.gate);
    expect(Array.from(onThread.labels.voxels)).toEqual(Array.from(inThread.labels.voxels));
  });
});
