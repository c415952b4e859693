/** Turns a volume that arrived over the transport into typed voxels, checked at entry. */
import type { VolumeMessage, VolumeMeta, VolumePreview } from '../../../electron/common/contract';
import { previewProblem } from '../../../electron/common/volume-preview';
import type { WindowLevel } from '../../../electron/common/window-level';
import {
  bytesPerVoxel,
  checkGeometry,
  typedArrayFor,
  voxelCount,
  type Vec3,
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

/** An image being opened: its centre slices, drawn until its voxels arrive (common/volume-preview.ts). */
export interface OpeningPreview {
  readonly meta: VolumeMeta;
  readonly center: Vec3;
  /** The slices through `center` normal to i, j and k. */
  readonly planes: readonly [VoxelArray, VoxelArray, VoxelArray];
}

/** A preview as the page receives it: also the window/level of the whole volume. */
export interface LoadedPreview extends OpeningPreview {
  readonly windowLevel: WindowLevel;
}

/** Types a `volume.preview` event's planes, checked against its geometry; throws on a mismatch. */
export function previewFromMessage(message: VolumePreview): LoadedPreview {
  const { meta, center, planes, windowLevel } = message;
  const problem = checkGeometry(meta.geometry) ?? previewProblem(meta.geometry, meta.componentType, { center, planes });
  if (problem !== undefined) throw new VolumeMessageError(`The preview of "${meta.name}" does not fit: ${problem}`);
  const typed = (buffer: ArrayBuffer): VoxelArray => typedArrayFor(meta.componentType, buffer);
  return { meta, center, planes: [typed(planes[0]), typed(planes[1]), typed(planes[2])], windowLevel };
}
