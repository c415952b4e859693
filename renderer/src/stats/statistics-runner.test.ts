import { describe, expect, it } from 'vitest';
import { answerStatisticsMessage, type StatisticsImage, type StatisticsWorkerState } from './statistics-protocol';
import { StatisticsRunner } from './statistics-runner';

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
