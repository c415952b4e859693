/** Volumes open in this process, found by opaque id; the page never names a file path. */
import { randomUUID } from 'node:crypto';
import { totalmem } from 'node:os';
import { clientScope, type ClientScope } from './client-scope';
import type { VolumeMessage, VolumeMeta, VolumePreview } from '../common/contract';
import { autoWindowLevel, PREVIEW_MIN_BYTES, previewPlanes } from '../common/volume-preview';
import { orientationCode, type Volume, type VoxelArray } from '../common/volume';
import { summarizeVoxels, type VoxelSummary } from '../common/volume-stats';

export interface OpenVolume {
  readonly meta: VolumeMeta;
  readonly volume: Volume;
  /** Where it was read from (files only; never sent to the page as part of meta). */
  readonly source?: { readonly path: string; readonly seriesUid?: string };
}

/** The voxels' [min, max] for the renderer's meta: [0, 0] when no voxel is a number. */
export function metaRange(voxels: VoxelArray): [number, number] {
  return rangeForMeta(summarizeVoxels(voxels));
}

function rangeForMeta({ range: [min, max] }: VoxelSummary): [number, number] {
  return Number.isNaN(min) ? [0, 0] : [min, max];
}

/**
 * The page shows one image at a time, so each client keeps only its latest few: opening image after
 * image must not hold every one of them (hundreds of MB each) for the life of the app.
 */
export const VOLUMES_KEPT = 2;

/** Voxel bytes kept for all clients together: a quarter of this machine's memory, at least 1 GiB. */
export function defaultVolumeMemoryLimit(): number {
  return Math.max(1 << 30, Math.floor(totalmem() / 4));
}

export interface VolumeRegistryOptions {
  /** Images each client keeps (default VOLUMES_KEPT). */
  perClient?: number;
  /** Past this many voxel bytes, the least recently used images are let go, whoever holds them. */
  memoryLimitBytes?: number;
  /** Tells which client a call comes from and when one is gone (default: the process's scope). */
  scope?: ClientScope;
}

interface Held {
  readonly entry: OpenVolume;
  readonly bytes: number;
  /** Clients that opened it (or share it, as the sample); it is let go when none is left. */
  readonly holders: Set<string>;
}

/**
 * Open volumes, reference-counted per client (serve mode has one per connection, the desktop app
 * one): a client's opening evicts only its own older images, never another client's, and a closed
 * connection lets go of what it held. Only the memory limit evicts across clients.
 */
export class VolumeRegistry {
  /** In order of last use, oldest first. */
  private readonly volumes = new Map<string, Held>();
  /** Each client's volume ids, in order of its last use, oldest first. */
  private readonly byClient = new Map<string, string[]>();
  private readonly perClient: number;
  private readonly memoryLimitBytes: number;
  private readonly scope: ClientScope;
  private bytes = 0;

  constructor(options: VolumeRegistryOptions | number = {}) {
    const o = typeof options === 'number' ? { perClient: options } : options;
    this.perClient = o.perClient ?? VOLUMES_KEPT;
    this.memoryLimitBytes = o.memoryLimitBytes ?? defaultVolumeMemoryLimit();
    this.scope = o.scope ?? clientScope;
    this.scope.onRelease((clientId) => this.releaseClient(clientId));
  }

  /** Voxel bytes of the volumes kept. */
  get heldBytes(): number {
    return this.bytes;
  }

  get size(): number {
    return this.volumes.size;
  }

  /** `summary`: the voxels' summary, where the reader counted it already (else it is counted here). */
  add(volume: Volume, name: string, source: VolumeMeta['source'], from?: OpenVolume['source'], summary?: VoxelSummary): OpenVolume {
    const g = volume.geometry;
    const values = summary ?? summarizeVoxels(volume.voxels);
    const meta: VolumeMeta = {
      id: randomUUID(),
      name,
      geometry: { size: [...g.size], spacing: [...g.spacing], origin: [...g.origin], direction: [...g.direction] },
      componentType: volume.componentType,
      range: rangeForMeta(values),
      orientation: orientationCode(g.direction),
      source,
      ...(volume.modality === undefined ? {} : { modality: volume.modality.slice(0, 16) }),
    };
    if (values.nonFinite > 0) meta.nonFiniteVoxels = values.nonFinite;
    const entry: OpenVolume = from ? { meta, volume, source: from } : { meta, volume };
    const held: Held = { entry, bytes: volume.voxels.byteLength, holders: new Set() };
    this.volumes.set(meta.id, held);
    this.bytes += held.bytes;
    this.hold(this.scope.current(), meta.id);
    this.enforceMemoryLimit(meta.id);
    return entry;
  }

  /** Finds an open volume (and counts the use, for its holders' eviction order). */
  get(id: string): OpenVolume | undefined {
    const held = this.volumes.get(id);
    if (!held) return undefined;
    this.volumes.delete(id);
    this.volumes.set(id, held);
    const client = this.scope.current();
    if (held.holders.has(client)) this.hold(client, id);
    return held.entry;
  }

  /** Like get, and the calling client holds the volume from now on too (a shared sample). */
  share(id: string): OpenVolume | undefined {
    const entry = this.get(id);
    if (entry) this.hold(this.scope.current(), id);
    return entry;
  }

  /** Lets go of everything a client held (its connection closed). */
  releaseClient(clientId: string): void {
    const ids = this.byClient.get(clientId) ?? [];
    this.byClient.delete(clientId);
    for (const id of ids) this.dropHolder(id, clientId);
  }

  private hold(clientId: string, id: string): void {
    const held = this.volumes.get(id);
    if (!held) return;
    held.holders.add(clientId);
    const ids = (this.byClient.get(clientId) ?? []).filter((other) => other !== id);
    ids.push(id);
    while (ids.length > this.perClient) {
      const oldest = ids.shift();
      if (oldest !== undefined) this.dropHolder(oldest, clientId);
    }
    this.byClient.set(clientId, ids);
  }

  private dropHolder(id: string, clientId: string): void {
    const held = this.volumes.get(id);
    if (!held) return;
    held.holders.delete(clientId);
    if (held.holders.size === 0) this.evict(id);
  }

  private enforceMemoryLimit(keep: string): void {
    for (const id of this.volumes.keys()) {
      if (this.bytes <= this.memoryLimitBytes) break;
      if (id !== keep) this.evict(id);
    }
  }

  private evict(id: string): void {
    const held = this.volumes.get(id);
    if (!held) return;
    this.volumes.delete(id);
    this.bytes -= held.bytes;
    for (const client of held.holders) {
      const ids = this.byClient.get(client);
      if (ids) this.byClient.set(client, ids.filter((other) => other !== id));
    }
  }
}

/**
 * The wire form. The registry's own buffer when the voxels fill it (the readers make them so): the
 * transports copy on their own (Electron's IPC clones, serve mode writes it to the socket), so a
 * copy here would be one more full copy of the voxels. A view into a larger buffer is copied.
 */
export function toVolumeMessage(entry: OpenVolume): VolumeMessage {
  const v = entry.volume.voxels;
  const owned = v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength;
  const voxels = owned ? v.buffer : (v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer);
  return { meta: entry.meta, voxels };
}

/**
 * The centre slices and automatic window/level of an opened image, for the page to draw before the
 * voxels arrive; undefined for an image small enough to arrive about as soon.
 */
export function volumePreviewFor(entry: OpenVolume, previewId: string): VolumePreview | undefined {
  const { voxels, componentType, geometry } = entry.volume;
  if (voxels.byteLength < PREVIEW_MIN_BYTES) return undefined;
  const { center, planes } = previewPlanes(voxels, componentType, geometry.size);
  return { previewId, meta: entry.meta, center: [...center], planes: [...planes], windowLevel: autoWindowLevel(voxels, entry.meta.range) };
}
