import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MemoryPropagator } from '../../common/propagation/memory-engine';
import type { Volume } from '../../common/volume';
import { OnnxPropagationNetworks, propagationModelDir, readoutSpecOf } from './onnx-networks';

const root = fileURLToPath(new URL('../../../native-models', import.meta.url));
const fixture = `${root}/fixtures/prop-tiny`;

describe.skipIf(!existsSync(`${fixture}/manifest.json`))('ONNX propagation networks (tiny random fixture: plumbing only)', () => {
  it('loads the three graphs, propagates both ways and streams every written slice', async () => {
    const networks = await OnnxPropagationNetworks.load(fixture, { ep: 'cpu', threads: 1 });
    expect(networks.keyDim).toBe(8);
    const size: [number, number, number] = [40, 50, 8]; // not multiples of 16: padded inside
    const geometry = { size, spacing: [1, 1, 1] as const, origin: [0, 0, 0] as const, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as const };
    const image: Volume = { geometry, componentType: 'float32', voxels: Float32Array.from({ length: 40 * 50 * 8 }, (_, i) => (i * 7919) % 255) };
    const seeds = new Uint8Array(40 * 50 * 8);
    for (let y = 10; y < 30; y++) for (let x = 10; x < 30; x++) seeds[x + 40 * (y + 50 * 3)] = 1;
    const updates: number[] = [];
    const engine = new MemoryPropagator(networks, { now: () => performance.now() });
    const outcome = await engine.propagate(image, { geometry, componentType: 'uint8', voxels: seeds }, { axis: 2, stopFraction: 0 }, (u) => updates.push(u.slice));
    expect(outcome.labels.voxels.length).toBe(seeds.length);
    expect(updates.sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 7]);
    expect(engine.lastStats.keyEncodes).toBe(8);
    // The decoder's added sigmoid output is the sigmoid of its logits, cropped to the slice.
    const padded = { width: 48, height: 64 };
    const features = await networks.encodeKey(Float32Array.from({ length: 3 * 48 * 64 }, (_, i) => Math.sin(i)), padded);
    const read = Float32Array.from({ length: features.f16.length }, (_, i) => Math.cos(i));
    const logits = (await networks.decode(read, features, padded)).slice();
    const probability = await networks.decodeProbabilities(read, features, padded, 40, 50);
    expect(probability.length).toBe(40 * 50);
    for (const [x, y] of [[0, 0], [39, 0], [17, 23], [39, 49]] as const) expect(probability[y * 40 + x]).toBeCloseTo(1 / (1 + Math.exp(-(logits[y * 48 + x] ?? NaN))), 5);
    await networks.dispose();
  });

  it('finds a model by id and explains a missing one', async () => {
    expect(await propagationModelDir(root, 'fixture-prop-tiny')).toBe(fixture);
    await expect(propagationModelDir(root, 'no-such-model')).rejects.toThrow(/no propagation model "no-such-model"/);
  });
});

describe('readoutSpecOf', () => {
  const manifestWith = (readout: Record<string, unknown>) => ({ id: 'm', readout }) as unknown as Parameters<typeof readoutSpecOf>[0];
  const base = { kind: 'l2-topk', topK: 20, keyDim: 64, valueDim: 64, stride: 16 };

  it('reads the window the weights were trained with, and none when the manifest names none', () => {
    expect(readoutSpecOf(manifestWith(base)).window).toBeUndefined();
    expect(readoutSpecOf(manifestWith({ ...base, window: { tile: 8, radius: 4, pool: 4 } })).window).toEqual({ tile: 8, radius: 4, pool: 4 });
    expect(readoutSpecOf(manifestWith({ ...base, window: { tile: 8, radius: 4, pool: 0 } })).window).toEqual({ tile: 8, radius: 4 });
    expect(readoutSpecOf(manifestWith({ ...base, window: { tile: 8, radius: 4, pool: 4, poolSide: 8 } })).window).toEqual({ tile: 8, radius: 4, pool: 4, poolSide: 8 });
  });

  it('refuses a window the read-out cannot run, in one sentence', () => {
    for (const window of [{ tile: 8, radius: 4, pool: 1 }, { tile: 0, radius: 0 }, { tile: -1, radius: 2 }, { tile: 2.5, radius: 1 }, { tile: 8, radius: 4, pool: 4, poolSide: 0 }, { tile: 8, radius: 4, poolSide: 8 }, 'wide']) {
      expect(() => readoutSpecOf(manifestWith({ ...base, window }))).toThrow(/^Model "m": readout\.window must be/);
    }
  });
});
