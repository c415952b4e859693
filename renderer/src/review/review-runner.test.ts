import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReviewStore } from '../stores/review-store';
import { computeReview, type ReviewInput } from './review-compute';
import { ReviewRunner } from './review-runner';

const size: [number, number, number] = [4, 4, 2];
const spacing: [number, number, number] = [1, 1, 2];

function maps(): { working: Uint8Array; reference: Uint8Array } {
  const reference = new Uint8Array(32);
  const working = new Uint8Array(32);
  for (let n = 0; n < 16; n++) reference[n] = 1;
  for (let n = 4; n < 20; n++) working[n] = 1;
  return { working, reference };
}

/** A Worker stand-in that answers on a later task, like a real one, or fails to load. */
class FakeWorker {
  static created: FakeWorker[] = [];
  static failToLoad = false;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: { preventDefault(): void }) => void) | null = null;
  received: unknown[] = [];
  constructor() {
    FakeWorker.created.push(this);
  }
  transferred: unknown[] = [];
  postMessage(message: { id: number; input: ReviewInput }, transfer: unknown[] = []): void {
    this.received.push(message);
    this.transferred.push(...transfer);
    setTimeout(() => {
      if (FakeWorker.failToLoad) this.onerror?.({ preventDefault: () => undefined });
      else this.onmessage?.({ data: { id: message.id, result: computeReview(message.input) } } as MessageEvent);
    }, 1);
  }
  terminate(): void {}
}

afterEach(() => {
  vi.unstubAllGlobals();
  FakeWorker.created = [];
  FakeWorker.failToLoad = false;
});

describe('ReviewRunner', () => {
  it('computes in the worker on copies of the label buffers', async () => {
    vi.stubGlobal('Worker', FakeWorker);
    const runner = new ReviewRunner(new URL('file:///review-worker.js'));
    const { working, reference } = maps();
    const result = await runner.run({ working, reference, values: [1], size, spacing, axis: 2 });
    expect(runner.offThread).toBe(true);
    expect(result.volumeMetrics[0]?.dice).toBeCloseTo(0.75);
    // By error: slice 1 holds only false voxels (Dice 0), slice 0 as many among agreeing ones.
    expect(result.ranked).toEqual([
      { slice: 1, voxels: 4, dice: 0 },
      { slice: 0, voxels: 4, dice: 24 / 28 },
    ]);
    const sent = FakeWorker.created[0]?.received[0] as { input: ReviewInput };
    expect(sent.input.working).not.toBe(working);
    expect([...sent.input.working]).toEqual([...working]);
    expect(FakeWorker.created[0]?.transferred).toEqual([sent.input.working.buffer, sent.input.reference.buffer]);
  });

  it('falls back to the page when the worker cannot load, without losing the request', async () => {
    vi.stubGlobal('Worker', FakeWorker);
    FakeWorker.failToLoad = true;
    const runner = new ReviewRunner(new URL('file:///review-worker.js'));
    const { working, reference } = maps();
    const result = await runner.run({ working, reference, values: [1], size, spacing, axis: 2 });
    expect(result.volumeMetrics[0]?.dice).toBeCloseTo(0.75);
    expect(runner.offThread).toBe(false);
  });
});

describe('ReviewStore.compute', () => {
  it('keeps only the latest answer and drops one that arrives after clear()', async () => {
    vi.stubGlobal('Worker', FakeWorker);
    const store = new ReviewStore(new ReviewRunner(new URL('file:///review-worker.js')));
    const { working, reference } = maps();
    store.setReference('truth', reference);
    const first = store.compute(working, 1, [1], size, spacing, 2);
    const second = store.compute(reference, 2, [1], size, spacing, 2);
    expect(store.computing).toBe(true);
    await Promise.all([first, second]);
    expect(store.computing).toBe(false);
    expect(store.metricsForVersion).toBe(2);
    expect(store.volumeMetrics[0]?.dice).toBe(1);

    const late = store.compute(working, 3, [1], size, spacing, 2);
    store.clear();
    await late;
    expect(store.volumeMetrics).toEqual([]);
    expect(store.metricsForVersion).toBe(-1);
  });
});
