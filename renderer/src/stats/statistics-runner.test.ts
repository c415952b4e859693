import { describe, expect, it } from 'vitest';
import type { WorkerLike } from '../workers/request-worker';
import { answerStatisticsMessage, type StatisticsImage, type StatisticsMessage, type StatisticsWorkerState } from './statistics-protocol';
import { hasAnyLabel, StatisticsRunner } from './statistics-runner';

/** A worker that answers with the protocol's own function in a later task, recording what it was sent. */
function fakeWorker(received: StatisticsMessage[]): WorkerLike {
  const state: StatisticsWorkerState = { image: undefined };
  const worker: WorkerLike = {
    onmessage: null,
    onerror: null,
    terminate: () => undefined,
    postMessage: (message) => {
      received.push(message as StatisticsMessage);
      const reply = answerStatisticsMessage(state, message as StatisticsMessage);
      if (reply !== undefined) setTimeout(() => worker.onmessage?.({ data: reply } as MessageEvent), 0);
    },
  };
  return worker;
}

const image: StatisticsImage = { key: 'a#1', intensities: new Float32Array([1, 2, 3, 4]), size: [2, 2, 1], spacing: [1, 1, 10] };

describe('statistics runner and protocol', () => {
  it('answers on the page where no worker can start', async () => {
    const runner = new StatisticsRunner(undefined);
    const answer = await runner.compute(image, new Uint8Array([0, 1, 1, 2]));
    expect(answer.offThread).toBe(false);
    expect(answer.result.map((s) => [s.value, s.voxels, s.mean, s.volumeMl])).toEqual([
      [1, 2, 2.5, 0.02],
      [2, 1, 4, 0.01],
    ]);
  });

  it('sends the image to the worker in parts, once, and computes the same statistics there', async () => {
    const received: StatisticsMessage[] = [];
    const runner = new StatisticsRunner(new URL('file:///statistics-worker.js'), 3, () => fakeWorker(received));
    const first = await runner.compute(image, new Uint8Array([0, 1, 1, 2]));
    expect(first.offThread).toBe(true);
    expect(first.result.map((s) => [s.value, s.voxels, s.mean])).toEqual([
      [1, 2, 2.5],
      [2, 1, 4],
    ]);
    const parts = received.filter((m) => m.type === 'image-part');
    expect(parts.map((p) => [p.offset, [...p.values]])).toEqual([
      [0, [1, 2, 3]],
      [3, [4]],
    ]);
    await runner.compute(image, new Uint8Array([2, 2, 2, 2]));
    expect(received.filter((m) => m.type === 'image-part')).toHaveLength(2);
  });

  it('answers no rows for unlabelled voxels without sending the image, and sends it with the first label', async () => {
    const received: StatisticsMessage[] = [];
    const runner = new StatisticsRunner(new URL('file:///statistics-worker.js'), 3, () => fakeWorker(received));
    expect((await runner.compute(image, new Uint8Array(4))).result).toEqual([]);
    expect(received).toEqual([]);
    const labelled = await runner.compute(image, Uint8Array.of(0, 0, 0, 3));
    expect(labelled.result.map((s) => [s.value, s.voxels, s.mean])).toEqual([[3, 1, 4]]);
    expect(received.filter((m) => m.type === 'image-part')).toHaveLength(2);
  });

  it('finds a label anywhere, whatever the buffer\'s alignment and length', () => {
    const backing = new Uint8Array(23);
    expect(hasAnyLabel(backing)).toBe(false);
    for (const at of [0, 4, 21, 22]) {
      backing.fill(0);
      backing[at] = 1;
      expect(hasAnyLabel(backing)).toBe(true);
      expect(hasAnyLabel(backing.subarray(1))).toBe(at >= 1);
      expect(hasAnyLabel(backing.subarray(0, 21))).toBe(at < 21);
    }
    const sixteen = new Uint16Array(5);
    sixteen[4] = 256;
    expect(hasAnyLabel(sixteen)).toBe(true);
    expect(hasAnyLabel(sixteen.subarray(1, 4))).toBe(false);
  });

  it('drops an image whose parts arrive out of order', () => {
    const state: StatisticsWorkerState = { image: undefined };
    const part = { type: 'image-part', key: 'b#1', size: [2, 2, 1], spacing: [1, 1, 1], total: 4 } as const;
    answerStatisticsMessage(state, { ...part, offset: 0, values: new Float32Array([1, 2]) });
    answerStatisticsMessage(state, { ...part, offset: 3, values: new Float32Array([4]) });
    expect(state.image).toBeUndefined();
    expect(answerStatisticsMessage(state, { type: 'compute', id: 1, imageKey: 'b#1', labels: new Uint8Array(4) })).toEqual({
      id: 1,
      error: 'The image the statistics were asked for is no longer loaded.',
    });
  });

  it('refuses labels for an image it does not hold', () => {
    const state: StatisticsWorkerState = { image: undefined };
    expect(answerStatisticsMessage(state, { type: 'image', image })).toBeUndefined();
    expect(answerStatisticsMessage(state, { type: 'compute', id: 3, imageKey: 'a#2', labels: new Uint8Array(4) })).toEqual({
      id: 3,
      error: 'The image the statistics were asked for is no longer loaded.',
    });
    const reply = answerStatisticsMessage(state, { type: 'compute', id: 4, imageKey: 'a#1', labels: new Uint8Array(3) });
    expect(reply).toMatchObject({ id: 4, error: expect.stringMatching(/need 4 labels/) as unknown });
  });
});
