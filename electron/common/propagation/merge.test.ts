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

  it('gives one segment the same result as the general rule (checked with a silent second segment)', () => {
    let seed = 17;
    const rand = (): number => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const labels = [0, 0, 0, 1, 2, 5];
    for (const options of [{}, { overwriteOthers: true }, { locked: new Set([5]) }, { threshold: 0.3, recomputed: new Set([1, 2]) }]) {
      const base = Uint8Array.from({ length: 400 }, () => labels[Math.floor(rand() * labels.length)] ?? 0);
      const probability = Uint8Array.from({ length: 400 }, () => Math.floor(rand() * 256));
      const one = mergeSegments(base, [{ label: 1, probability }], options);
      // Label 9 is absent from the base and never reaches the threshold: it changes nothing.
      const silent = { label: 9, probability: new Uint8Array(400) };
      const recomputed = 'recomputed' in options ? options.recomputed : new Set([1]);
      const general = mergeSegments(base, [{ label: 1, probability }, silent], { ...options, recomputed });
      expect([...one]).toEqual([...general]);
    }
  });
});
