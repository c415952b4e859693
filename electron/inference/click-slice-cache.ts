/**
 * The worker's last slices by key, each with the last mask answered on it, so that further clicks
 * on a slice send neither the slice nor the previous mask again. Least recently used entries go
 * first once the entries hold more than `maxBytes`.
 */
export interface CachedSlice {
  readonly slice: Float32Array;
  /** The last mask answered on this slice, and its id (ids are unique in the worker). */
  lastMask?: Uint8Array;
  lastAnswerId?: number;
}

export class ClickSliceCache {
  private readonly entries = new Map<string, CachedSlice>();

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  get(key: string): CachedSlice | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, slice: Float32Array): CachedSlice {
    const entry: CachedSlice = { slice };
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.evict();
    return entry;
  }

  private nextAnswerId = 1;

  /** Keeps `mask` as the slice's last answer; returns the id it is kept under. */
  setLastMask(entry: CachedSlice, mask: Uint8Array): number {
    entry.lastMask = mask;
    entry.lastAnswerId = this.nextAnswerId++;
    this.evict();
    return entry.lastAnswerId;
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(): void {
    let bytes = 0;
    for (const entry of this.entries.values()) bytes += entry.slice.byteLength + (entry.lastMask?.byteLength ?? 0);
    for (const [key, entry] of this.entries) {
      if (bytes <= this.maxBytes || this.entries.size === 1) break;
      bytes -= entry.slice.byteLength + (entry.lastMask?.byteLength ?? 0);
      this.entries.delete(key);
    }
  }
}
