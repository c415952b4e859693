/** Volumes open in this process, found by opaque id; the page never names a file path. */
import { randomUUID } from 'node:crypto';
import type { VolumeMessage, VolumeMeta } from '../common/contract';
import { orientationCode, type Volume, type VoxelArray } from '../common/volume';
import { valueRange } from '../common/volume-stats';

export interface OpenVolume {
  readonly meta: VolumeMeta;
  readonly volume: Volume;
  /** Where it was read from (files only; never sent to the page as part of meta). */
  readonly source?: { readonly path: string; readonly seriesUid?: string };
}

/** The voxels' [min, max] for the renderer's meta: [0, 0] when no voxel is a number. */
export function metaRange(voxels: VoxelArray): [number, number] {
  const [min, max] = valueRange(voxels);
  return Number.isNaN(min) ? [0, 0] : [min, max];
}

/**
 * The page shows one image at a time, so only the latest few are kept: opening image after image
 * must not hold every one of them (hundreds of MB each) for the life of the app.
 */
export const VOLUMES_KEPT = 2;

export class VolumeRegistry {
  /** In order of last use, oldest first. */
  private readonly volumes = new Map<string, OpenVolume>();

  constructor(private readonly capacity = VOLUMES_KEPT) {}

  add(volume: Volume, name: string, source: VolumeMeta['source'], from?: OpenVolume['source']): OpenVolume {
    const g = volume.geometry;
    const meta: VolumeMeta = {
      id: randomUUID(),
      name,
      geometry: { size: [...g.size], spacing: [...g.spacing], origin: [...g.origin], direction: [...g.direction] },
      componentType: volume.componentType,
      range: metaRange(volume.voxels),
      orientation: orientationCode(g.direction),
      source,
      ...(volume.modality === undefined ? {} : { modality: volume.modality.slice(0, 16) }),
    };
    const entry: OpenVolume = from ? { meta, volume, source: from } : { meta, volume };
    this.volumes.set(meta.id, entry);
    for (const id of this.volumes.keys()) {
      if (this.volumes.size <= this.capacity) break;
      this.volumes.delete(id);
    }
    return entry;
  }

  get(id: string): OpenVolume | undefined {
    const entry = this.volumes.get(id);
    if (entry) {
      this.volumes.delete(id);
      this.volumes.set(id, entry);
    }
    return entry;
  }
}

/** The wire form: voxel bytes copied once into their own ArrayBuffer, ready to transfer. */
export function toVolumeMessage(entry: OpenVolume): VolumeMessage {
  const v = entry.volume.voxels;
  const voxels = v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer;
  return { meta: entry.meta, voxels };
}
