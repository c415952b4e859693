import { describe, expect, it } from 'vitest';
import { FakePropagationNetworks } from '../../common/propagation/fake-networks';
import { MemoryPropagator } from '../../common/propagation/memory-engine';
import type { Volume } from '../../common/volume';
import { propagateFromTruth, scoreSuspects, worstSlices, type SliceRecord } from './eval-suspects';

const record = (slice: number, dice: number, errors: number, present = true): SliceRecord => ({ slice, present, dice, errors, disagreement: 0, areaJump: 0, shapeChange: 0, uncertainty: 0, objectEnd: 0, areaDrop: 0 });

describe('iseg eval-suspects', () => {
  it('takes the worst 10% of the slices that hold the object, lowest Dice then most errors', () => {
    const records = Array.from({ length: 20 }, (_, n) => record(n, 0.9, 10));
    records[4] = record(4, 0.2, 50);
    records[9] = record(9, 0.2, 80);
    records[12] = record(12, 0, 0, false);
    expect(worstSlices(records)).toEqual([9, 4]);
    expect(worstSlices([record(1, 1, 0, false)])).toEqual([]);
  });

  it('scores the flags of a propagation against the truth: recall and false flags per true one', async () => {
    // A bright 32×32 box on slices 4–25 of 64×64×30; the truth's box shrinks to half on 20–25,
    // which the fake networks (following the bright image) cannot know: those slices are the worst.
    const W = 64;
    const H = 64;
    const D = 30;
    const image = new Float32Array(W * H * D);
    const truth = new Uint8Array(W * H * D);
    for (let z = 4; z <= 25; z++)
      for (let y = 16; y < 48; y++)
        for (let x = 16; x < 48; x++) {
          image[x + W * (y + H * z)] = 100;
          if (z < 20 || x < 32) truth[x + W * (y + H * z)] = 1;
        }
    const geometry = { size: [W, H, D] as const, spacing: [1, 1, 1] as const, origin: [0, 0, 0] as const, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as const };
    const imageVolume: Volume = { geometry, componentType: 'float32', voxels: image };
    const truthVolume: Volume = { geometry, componentType: 'uint8', voxels: truth };
    const run = await propagateFromTruth(new MemoryPropagator(new FakePropagationNetworks()), imageVolume, truthVolume, 1, 2, 1);
    expect([...run.given]).toEqual([15]);
    const score = scoreSuspects(run.evidence, run.result, truthVolume, 2, run.given);
    // 21 propagated slices hold the object; the worst 10% (3) are among the half-box slices.
    expect(score.candidates).toBe(21);
    expect(score.worst).toHaveLength(3);
    for (const s of score.worst) expect(s).toBeGreaterThanOrEqual(20);
    expect(score.recall).toBe(score.truePositives / 3);
    expect(score.falsePerTrue).toBe((score.flagged.length - score.truePositives) / Math.max(1, score.truePositives));
    // The object's far end (25, beyond the annotation) is flagged and is one of the worst.
    expect(score.flagged).toContain(25);
    expect(score.truePositives).toBeGreaterThan(0);
  });
});
