import { describe, expect, it } from 'vitest';
import { correctionRange } from './correction-range';

describe('correctionRange', () => {
  it('runs strictly between the nearest user slices below and above the corrected one', () => {
    expect(correctionRange([10, 40, 70], 55, 100)).toEqual({ first: 41, last: 69 });
    // Unordered input and user slices farther away do not matter.
    expect(correctionRange([90, 5, 40, 20], 30, 100)).toEqual({ first: 21, last: 39 });
  });

  it('reaches the volume’s end where no user slice lies on that side', () => {
    expect(correctionRange([10, 40], 60, 100)).toEqual({ first: 41, last: 99 });
    expect(correctionRange([10, 40], 3, 100)).toEqual({ first: 0, last: 9 });
    expect(correctionRange([], 3, 8)).toEqual({ first: 0, last: 7 });
  });

  it('keeps the corrected slice in the range even when it already was a user slice', () => {
    expect(correctionRange([10, 20, 30], 20, 50)).toEqual({ first: 11, last: 29 });
  });

  it('refuses a corrected slice outside the volume', () => {
    expect(() => correctionRange([1], 8, 8)).toThrow(/outside 0–7/);
    expect(() => correctionRange([1], -1, 8)).toThrow(/outside/);
  });
});
