/** Volumes open in this process, found by opaque id; the page never names a file path. */
import { randomUUID } from 'node:crypto';
import type { VolumeMessage, VolumeMeta } from '../common/contract';
import { orientationCode, type Volume } from '../common/volume';

export interface OpenVolume {
  readonly meta: VolumeMeta;
  readonly volume: Volume;
  /** Where it was read from (files only; never sent to the page as part of meta). */
  readonly source?: { readonly path: string; readonly seriesUid?: string };
}

/** Min and max over the voxels (finite values only). */
export function valueRange(voxels: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let n = 0; n < voxels.length; n++) {
    const v = voxels[n] ?? 0;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return Number.isFinite(min) ? [min, max] : [0, 0];
}

export class VolumeRegistry {
  private readonly volumes = new Map<string, OpenVolume>();

  add(volume: Volume, name: string, source: VolumeMeta['source'], from?: OpenVolume['source']): OpenVolume {
    const g = volume.geometry;
    const meta: VolumeMeta = {
      id: randomUUID(),
      name,
      geometry: { size: [...g.size], spacing: [...g.spacing], origin: [...g.origin], direction: [...g.direction] },
      componentType: volume.componentType,
      range: valueRange(volume.voxels),
      orientation: orientationCode(g.direction),
      source,
    };
    const entry: OpenVolume = from ? { meta, volume, source: from } : { meta, volume };
    this.volumes.set(meta.id, entry);
    return entry;
  }

  get(id: string): OpenVolume | undefined {
    return this.volumes.get(id);
  }
}

/** The wire form: voxel bytes copied once into their own ArrayBuffer, ready to transfer. */
export function toVolumeMessage(entry: OpenVolume): VolumeMessage {
  const v = entry.volume.voxels;
  const voxels = v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer;
  return { meta: entry.meta, voxels };
}
