import { describe, expect, it } from 'vitest';
import { gridVolume } from '../volume';
import { LabelAssembler } from './assembler';
import type { SegmentEvidence } from './suspect';

describe('LabelAssembler.outcome', () => {
  it('builds the suspect list only when it is read, once (the auto gate never reads its trials\' lists)', () => {
    const seeds = gridVolume([4, 4, 6], new Uint8Array(4 * 4 * 6));
    const assembler = new LabelAssembler(seeds, 2, new Set(), false, 1, undefined);
    const square = new Uint8Array(16).fill(255);
    assembler.commit(1, 2, square);
    let built = 0;
    const evidence = (): readonly SegmentEvidence[] => {
      built++;
      return assembler.evidence([1]);
    };
    const outcome = assembler.outcome({ method: 'grow', propagated: [1], computedSlices: 1, elapsedMs: 0 }, evidence);
    expect(outcome.written).toEqual([2]);
    expect(built).toBe(0);
    const first = outcome.suspects;
    expect(built).toBe(1);
    expect(outcome.suspects).toBe(first);
    expect(built).toBe(1);
    expect(first).toEqual(assembler.suspects([1]));
  });
});
