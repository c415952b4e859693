import { describe, expect, it, vi } from 'vitest';
import { BulkBuffers } from './bulk-buffers';

describe('bulk buffers', () => {
  it('holds large buffers only, hands each over once, and lets an unclaimed one go', () => {
    vi.useFakeTimers();
    try {
      const bulk = new BulkBuffers(4, 1000);
      expect(bulk.detach(new Uint8Array(3))).toBeUndefined();
      const bytes = new Uint8Array([1, 2, 3, 4]);
      const id = bulk.detach(bytes) ?? '';
      expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
      expect(bulk.take(id)).toEqual([bytes]);
      expect(bulk.take(id)).toBeUndefined();
      const unclaimed = bulk.detach(new Uint8Array(8)) ?? '';
      expect(bulk.size).toBe(1);
      vi.advanceTimersByTime(1001);
      expect(bulk.size).toBe(0);
      expect(bulk.take(unclaimed)).toBeUndefined();
      // A frame of small parts is held whole once they add up to the threshold.
      expect(bulk.holdFrame([new Uint8Array(2), new Uint8Array(1)])).toBeUndefined();
      const frame = [new Uint8Array(2), new Uint8Array(2)];
      expect(bulk.take(bulk.holdFrame(frame) ?? '')).toBe(frame);
    } finally {
      vi.useRealTimers();
    }
  });
});
