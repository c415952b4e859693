/**
 * A monotone bucket queue (Dial's algorithm) for Dijkstra with small integer edge costs: keys
 * never decrease below the last popped key and never exceed it by more than `maxStep`, so a ring
 * of maxStep + 1 buckets holds every pending entry and push/pop are O(1) amortised. Entries are
 * linked lists in typed arrays; stale entries are skipped by the caller.
 */
export class BucketQueue {
  private readonly heads: Int32Array;
  private next: Int32Array;
  private items: Int32Array;
  private keys: Int32Array;
  private free = 0;
  private count = 0;
  private current = 0;

  constructor(
    private readonly maxStep: number,
    capacity: number,
  ) {
    this.heads = new Int32Array(maxStep + 1).fill(-1);
    this.next = new Int32Array(Math.max(16, capacity));
    this.items = new Int32Array(Math.max(16, capacity));
    this.keys = new Int32Array(Math.max(16, capacity));
  }

  get size(): number {
    return this.count;
  }

  push(key: number, item: number): void {
    if (this.free === this.items.length) this.grow();
    const entry = this.free++;
    const bucket = key % (this.maxStep + 1);
    this.items[entry] = item;
    this.keys[entry] = key;
    this.next[entry] = this.heads[bucket] ?? -1;
    this.heads[bucket] = entry;
    this.count++;
  }

  /** Removes an entry with the smallest key; returns its entry index (read item/key with them). */
  pop(): number {
    const ring = this.maxStep + 1;
    for (;;) {
      const bucket = this.current % ring;
      const entry = this.heads[bucket] ?? -1;
      if (entry >= 0 && (this.keys[entry] ?? 0) === this.current) {
        this.heads[bucket] = this.next[entry] ?? -1;
        this.count--;
        return entry;
      }
      if (entry >= 0) {
        // A bucket holds one key at a time while keys stay within maxStep of `current`.
        throw new Error('BucketQueue: key outside the monotone window.');
      }
      this.current++;
    }
  }

  item(entry: number): number {
    return this.items[entry] ?? -1;
  }

  key(entry: number): number {
    return this.keys[entry] ?? 0;
  }

  private grow(): void {
    const size = this.items.length * 2;
    const next = new Int32Array(size);
    next.set(this.next);
    const items = new Int32Array(size);
    items.set(this.items);
    const keys = new Int32Array(size);
    keys.set(this.keys);
    this.next = next;
    this.items = items;
    this.keys = keys;
  }
}
