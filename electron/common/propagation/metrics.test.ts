import { describe, expect, it } from 'vitest';
import { binaryDice, confusion, confusionPerSlice, scoresOf, sumConfusion } from './metrics';
import { sliceLayout } from '../slice';

describe('overlap metrics', () => {
  it('computes DSC, sensitivity, PPV and IoU on known masks', () => {
    // prediction 1 on 6 voxels, reference on 4, overlap 3 → TP 3, FP 3, FN 1.
    const pred = Uint8Array.of(1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
    const ref = Uint8Array.of(1, 1, 1, 0, 0, 0, 1, 0, 0, 0);
    const c = confusion(pred, ref, 1);
    expect(c).toEqual({ tp: 3, fp: 3, fn: 1 });
    const s = scoresOf(c);
    expect(s.dsc).toBeCloseTo(6 / 10);
    expect(s.sen).toBeCloseTo(3 / 4);
    expect(s.ppv).toBeCloseTo(3 / 6);
    expect(s.iou).toBeCloseTo(3 / 7);
  });

  it('scores only the label asked for, and empty-vs-empty as perfect', () => {
    expect(scoresOf(confusion(Uint8Array.of(2, 2), Uint8Array.of(2, 0), 1))).toEqual({ dsc: 1, sen: 1, ppv: 1, iou: 1 });
    expect(scoresOf(confusion(Uint8Array.of(0, 0), Uint8Array.of(1, 0), 1)).dsc).toBe(0);
  });

  it('splits counts per slice so the given slices can be left out', () => {
    const size = [2, 2, 3] as const;
    const layout = sliceLayout(size, 2);
    const pred = Uint8Array.of(1, 1, 0, 0, /**/ 1, 0, 0, 0, /**/ 0, 0, 0, 1);
    const ref = Uint8Array.of(1, 1, 0, 0, /**/ 1, 1, 0, 0, /**/ 0, 0, 0, 0);
    const per = confusionPerSlice(pred, ref, 1, layout);
    expect(per).toEqual([
      { tp: 2, fp: 0, fn: 0 },
      { tp: 1, fp: 0, fn: 1 },
      { tp: 0, fp: 1, fn: 0 },
    ]);
    expect(sumConfusion(per, (s) => s !== 0)).toEqual({ tp: 1, fp: 1, fn: 1 });
    expect(sumConfusion(per)).toEqual(confusion(pred, ref, 1));
    // Along another axis the same counts land in other slices.
    const perI = confusionPerSlice(pred, ref, 1, sliceLayout(size, 0));
    expect(sumConfusion(perI)).toEqual(confusion(pred, ref, 1));
    expect(perI[1]).toEqual({ tp: 1, fp: 1, fn: 1 });
  });

  it('computes Dice between probability maps', () => {
    expect(binaryDice([1, 1, 0, 0], [1, 0, 0, 0])).toBeCloseTo(2 / 3);
    expect(binaryDice([0, 0], [0, 0])).toBe(1);
  });
});
