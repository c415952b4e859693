import { describe, expect, it } from 'vitest';
import { keptWhileShrinking } from './shrinking-ends';

describe('keptWhileShrinking', () => {
  it('keeps slices while the area shrinks and stops at the first empty one', () => {
    expect(keptWhileShrinking(100, [90, 60, 20, 0, 10], 0)).toBe(3);
  });

  it('stops where the area grows by more than the allowed growth', () => {
    expect(keptWhileShrinking(100, [90, 95, 80], 0)).toBe(1);
    expect(keptWhileShrinking(100, [90, 95, 80], 0.1)).toBe(3);
    expect(keptWhileShrinking(100, [120], 0.1)).toBe(0);
  });

  it('keeps a constant area and everything when nothing grows', () => {
    expect(keptWhileShrinking(50, [50, 50], 0)).toBe(2);
    expect(keptWhileShrinking(50, [], 0)).toBe(0);
  });

  it('refuses a negative growth with a clear message', () => {
    expect(() => keptWhileShrinking(50, [40], -1)).toThrow('the allowed growth must be a number ≥ 0, got -1');
  });
});
