/**
 * Large buffers of replies held for the page to fetch over HTTP (`GET /bulk/<id>?token=…`) instead
 * of inside the WebSocket frame: Chromium receives one 90 MB WebSocket message in several seconds
 * of main-thread work and frees it in seconds more, a fetch of the same bytes in a fraction. Each
 * buffer is served once; one never fetched (its page went away) is let go after a while.
 */
import { randomBytes } from 'node:crypto';

/** Buffers from this size are sent apart; smaller ones stay in the frame. */
export const BULK_MIN_BYTES = 1 << 20;
const UNCLAIMED_MS = 120_000;

export class BulkBuffers {
  private readonly held = new Map<string, { parts: readonly Uint8Array[]; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly minBytes = BULK_MIN_BYTES,
    private readonly unclaimedMs = UNCLAIMED_MS,
  ) {}

  /** For encodeFrameParts: an id for a large buffer (now held), undefined for a small one. */
  readonly detach = (bytes: Uint8Array): string | undefined => (bytes.byteLength < this.minBytes ? undefined : this.hold([bytes]));

  /**
   * For a whole frame of many small buffers (a propagation event's slices): its parts, held under
   * the id returned when they add up to a large buffer, else undefined (send the frame itself).
   */
  holdFrame(parts: readonly Uint8Array[]): string | undefined {
    return parts.reduce((n, p) => n + p.byteLength, 0) < this.minBytes ? undefined : this.hold(parts);
  }

  /** The bytes under `id` (as the parts they were held in), handed over once. */
  take(id: string): readonly Uint8Array[] | undefined {
    const entry = this.held.get(id);
    if (entry === undefined) return undefined;
    clearTimeout(entry.timer);
    this.held.delete(id);
    return entry.parts;
  }

  private hold(parts: readonly Uint8Array[]): string {
    const id = randomBytes(18).toString('base64url');
    const timer = setTimeout(() => this.held.delete(id), this.unclaimedMs);
    timer.unref();
    this.held.set(id, { parts, timer });
    return id;
  }

  get size(): number {
    return this.held.size;
  }

  clear(): void {
    for (const { timer } of this.held.values()) clearTimeout(timer);
    this.held.clear();
  }
}
