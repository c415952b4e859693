/** Turns a volume that arrived over the transport into typed voxels, checked at entry. */
import type { VolumeMessage, VolumeMeta } from '../../../electron/common/contract';
import {
  bytesPerVoxel,
  checkGeometry,
  typedArrayFor,
  voxelCount,
  type VolumeGeometry,
  type VoxelArray,
} from '../../../electron/common/volume';

export interface LoadedVolume {
  readonly meta: VolumeMeta;
  readonly geometry: VolumeGeometry;
  /** A view of the received buffer; never copied. */
  readonly voxels: VoxelArray;
}

export class VolumeMessageError extends Error {
  override name = 'VolumeMessageError';
}

export function volumeFromMessage(message: VolumeMessage): LoadedVolume {
  const { meta, voxels } = message;
  const geometry: VolumeGeometry = meta.geometry;
  const problem = checkGeometry(geometry);
  if (problem !== undefined)
    throw new VolumeMessageError(`Volume "${meta.name}" has bad geometry: ${problem}.`);
  const expected = voxelCount(geometry.size) * bytesPerVoxel(meta.componentType);
  if (voxels.byteLength !== expected) {
    throw new VolumeMessageError(
      `Volume "${meta.name}" has ${voxels.byteLength} bytes of voxels; ${geometry.size.join('×')} ${meta.componentType} needs ${expected}.`,
    );
  }
  return { meta, geometry, voxels: typedArrayFor(meta.componentType, voxels) };
}
