/**
 * Writes a `Volume` in the format its file name asks for, compressed where the format allows.
 * Single-file formats are written beside the target and renamed over it, so a failed or
 * interrupted write never leaves a half-written file under the user's name.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  giplWriteImageNode,
  metaWriteImageNode,
  mghWriteImageNode,
  niftiWriteImageNode,
  nrrdWriteImageNode,
} from '@itk-wasm/image-io';
import type { Image } from 'itk-wasm';
import { ServiceError } from '../../common/errors';
import { checkGeometry, componentTypeOf, voxelCount, type Volume } from '../../common/volume';
import { supportedExtensionsText, volumeFormatOf, type VolumeFormatId } from './formats';
import { itkImageFromVolume } from './itk-image';
import { quietItk } from './quiet-itk';
import { writeNifti } from './write-nifti';

type ItkWriter = (
  image: Image,
  path: string,
  options: { useCompression: boolean },
) => Promise<{ couldWrite: unknown }>;

const WRITERS: Record<VolumeFormatId, ItkWriter> = {
  nifti: niftiWriteImageNode,
  nrrd: nrrdWriteImageNode,
  metaimage: metaWriteImageNode,
  gipl: giplWriteImageNode,
  mgh: mghWriteImageNode,
};

/** Headers that name a separate data file by its base name cannot be renamed after writing. */
const DETACHED_HEADER_EXTENSIONS = new Set(['.mhd', '.nhdr']);

export interface WriteVolumeOptions {
  /** Extra key/value pairs for the file header where the format keeps them (NRRD, MetaImage). */
  readonly metadata?: ReadonlyMap<string, string>;
}

function checkVolume(volume: Volume, name: string): void {
  const problem = checkGeometry(volume.geometry);
  if (problem)
    throw new ServiceError('bad-request', `Cannot write ${name}: its geometry is invalid (${problem}).`);
  if (volume.voxels.length !== voxelCount(volume.geometry.size)) {
    throw new ServiceError(
      'bad-request',
      `Cannot write ${name}: it has ${volume.voxels.length} voxels for a ${volume.geometry.size.join('×')} grid.`,
    );
  }
  if (componentTypeOf(volume.voxels) !== volume.componentType) {
    throw new ServiceError(
      'bad-request',
      `Cannot write ${name}: its voxels are ${componentTypeOf(volume.voxels)}, not the ${volume.componentType} it declares.`,
    );
  }
}

export async function writeVolume(
  volume: Volume,
  path: string,
  options: WriteVolumeOptions = {},
): Promise<void> {
  const absolute = resolve(path);
  const name = basename(absolute);
  const folder = dirname(absolute);
  const format = volumeFormatOf(name);
  if (!format) {
    throw new ServiceError(
      'bad-request',
      `Cannot write ${name}: unknown format (supported: ${supportedExtensionsText()}).`,
    );
  }
  checkVolume(volume, name);
  const folderStats = await stat(folder).catch(() => undefined);
  if (!folderStats?.isDirectory())
    throw new ServiceError('not-found', `Cannot write ${name}: the folder ${folder} does not exist.`);
  const writable = await access(folder, constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!writable)
    throw new ServiceError('not-allowed', `Cannot write ${name}: the folder ${folder} is not writable.`);

  const extension = format.extensions.find((ext) => name.toLowerCase().endsWith(ext)) ?? '';
  const inPlace = DETACHED_HEADER_EXTENSIONS.has(extension);
  const target = inPlace
    ? absolute
    : join(
        folder,
        `.${name.slice(0, -extension.length)}.${randomBytes(4).toString('hex')}.partial${extension}`,
      );
  try {
    if (format.id === 'nifti') {
      // Written here (write-nifti.ts): ITK-Wasm's NIfTI write costs ~10× nibabel's.
      await writeNifti(volume, target, extension === '.nii.gz');
    } else {
      const image = itkImageFromVolume(volume, name);
      for (const [key, value] of options.metadata ?? []) image.metadata.set(key, value);
      const { couldWrite } = await quietItk(() => WRITERS[format.id](image, target, { useCompression: true }));
      if (couldWrite !== true) throw new Error('not written');
    }
    if (!inPlace) await rename(target, absolute);
  } catch {
    if (!inPlace) await rm(target, { force: true });
    throw new ServiceError('internal', `Could not write ${name} as ${format.name}: the disk may be full.`);
  }
}
