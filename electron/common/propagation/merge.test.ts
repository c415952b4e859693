import { describe, expect, it } from 'vitest';
import { mergeSegments } from './merge';

describe('merging propagated segments', () => {
  it('never overwrites a locked segment, and takes the most probable segment elsewhere', () => {
    const base = Uint8Array.of(0, 3, 3, 0, 2);
    const merged = mergeSegments(
      base,
      [
        { label: 1, probability: Float32Array.of(0.9, 0.9, 0.2, 0.6, 0.1) },
        { label: 2, probability: Float32Array.of(0.7, 0.1, 0.1, 0.8, 0.3) },
      ],
      { locked: new Set([3]) },
    );
    // voxel 1 is locked label 3; voxel 4 was label 2 (recomputed) and falls below threshold.
    expect([...merged]).toEqual([1, 3, 3, 2, 0]);
    expect([...base]).toEqual([0, 3, 3, 0, 2]);
  });

  it('leaves other unlocked labels alone unless asked to overwrite them', () => {
    const base = Uint16Array.of(7, 7, 0);
    const seg = [{ label: 300, probability: Uint8Array.of(255, 10, 200) }];
    expect([...mergeSegments(base, seg)]).toEqual([7, 7, 300]);
    expect([...mergeSegments(base, seg, { overwriteOthers: true })]).toEqual([300, 7, 300]);
    expect([...mergeSegments(base, seg, { overwriteOthers: true, locked: new Set([7]) })]).toEqual([7, 7, 300]);
  });

  it('refuses to propagate a locked label or one that does not fit', () => {
    expect(() => mergeSegments(Uint8Array.of(0), [{ label: 3, probability: Float32Array.of(1) }], { locked: new Set([3]) })).toThrow(/locked/);
    expect(() => mergeSegments(Uint8Array.of(0), [{ label: 256, probability: Float32Array.of(1) }])).toThrow(/fit/);
  });
});
