import { describe, expect, it } from 'vitest';
import { correctionRange, correctionsRange } from './correction-range';

describe('correctionRange', () => {
  it('spans the slices strictly between the nearest user slices on either side', () => {
    expect(correctionRange([40, 80], 62, 128)).toEqual({ first: 41, last: 79 });
    // The corrected slice may itself be listed as a user slice (it is one once corrected).
    expect(correctionRange([40, 62, 80], 62, 128)).toEqual({ first: 41, last: 79 });
    // Unsorted input and user slices further away change nothing.
    expect(correctionRange([100, 80, 10, 40], 62, 128)).toEqual({ first: 41, last: 79 });
  });

  it('runs to the end of the volume where there is no user slice on that side', () => {
    expect(correctionRange([40, 80], 90, 128)).toEqual({ first: 81, last: 127 });
    expect(correctionRange([40, 80], 12, 128)).toEqual({ first: 0, last: 39 });
    expect(correctionRange([], 5, 9)).toEqual({ first: 0, last: 8 });
  });

  it('is empty of other slices when both neighbours are adjacent', () => {
    expect(correctionRange([4, 6], 5, 10)).toEqual({ first: 5, last: 5 });
  });

  it('refuses a slice outside the volume and a volume without slices', () => {
    expect(() => correctionRange([1], 10, 10)).toThrow(/outside 0–9/);
    expect(() => correctionRange([1], -1, 10)).toThrow(/outside/);
    expect(() => correctionRange([], 0, 0)).toThrow(/0 slices/);
  });
});

describe('correctionsRange', () => {
  it('is the hull of every correction range, or undefined without corrections', () => {
    expect(correctionsRange([10, 30, 50, 70], [30], 100)).toEqual({ first: 11, last: 49 });
    expect(correctionsRange([10, 30, 50, 70], [30, 50], 100)).toEqual({ first: 11, last: 69 });
    expect(correctionsRange([10, 30, 50, 70], [], 100)).toBeUndefined();
  });
});
