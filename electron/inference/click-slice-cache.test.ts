import { describe, expect, it } from 'vitest';
import { ClickSliceCache } from './click-slice-cache';

describe('click slice cache', () => {
  it('keeps slices and their last mask by key, and drops the least recently used past its budget', () => {
    const cache = new ClickSliceCache(3 * 400);
    const a = cache.set('a', new Float32Array(100));
    cache.setLastMask(a, new Uint8Array(100));
    cache.set('b', new Float32Array(100));
    expect(cache.get('a')?.lastMask).toHaveLength(100); // 'a' is now the most recent
    cache.set('c', new Float32Array(100));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(a);
    expect(cache.get('c')?.slice).toHaveLength(100);
    // A new slice under a known key starts without a last mask.
    expect(cache.set('a', new Float32Array(100)).lastMask).toBeUndefined();
  });

  it('keeps one entry even when it alone is over the budget', () => {
    const cache = new ClickSliceCache(10);
    cache.set('big', new Float32Array(100));
    expect(cache.size).toBe(1);
    cache.set('next', new Float32Array(100));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});
