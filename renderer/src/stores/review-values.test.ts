import { describe, expect, it } from 'vitest';
import { valuesIn } from './review-store';

describe('valuesIn', () => {
  it('lists every non-zero value of either map once, ascending, including single voxels and runs at the ends', () => {
    expect(valuesIn(Uint8Array.of(3, 3, 0, 0, 7), Uint8Array.of(0, 0, 1, 1, 1))).toEqual([1, 3, 7]);
    expect(valuesIn(Uint16Array.of(300), [])).toEqual([300]);
    expect(valuesIn(Uint8Array.of(0, 0), Uint8Array.of(0))).toEqual([]);
    expect(valuesIn(Uint8Array.of(2, 5, 2, 5), [])).toEqual([2, 5]);
  });
});
