/**
 * Opens any supported image as a `Volume`: a file in one of the formats of formats.ts, a DICOM
 * folder, or one DICOM file (its series is read from the file's folder). Every failure is a
 * ServiceError with one sentence that names the file; nothing is half-read.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import {
  giplReadImageNode,
  metaReadImageNode,
  mghReadImageNode,
  niftiReadImageNode,
  nrrdReadImageNode,
} from '@itk-wasm/image-io';
import type { Image } from 'itk-wasm';
import { ServiceError } from '../../common/errors';
import type { Volume } from '../../common/volume';
import type { VoxelSummarizer } from '../../common/volume-stats';
import { dicomSeriesUidOf, readDicomSeries } from './dicom-series';
import { supportedExtensionsText, volumeFormatOf, type VolumeFormat, type VolumeFormatId } from './formats';
import { volumeFromItkImage } from './itk-image';
import { checkDeclaredSize, checkFitsViewer, contentHead, declaredImage, viewerRefusal, volumeByteLimit } from './declared-size';
import { checkPayloadLength, probeContent, type ContentProbe } from './payload-check';
import { readNifti } from './read-nifti';
import { quietItk } from './quiet-itk';

type ItkReader = (path: string) => Promise<{ couldRead: unknown; image: Image }>;

const READERS: Record<VolumeFormatId, ItkReader> = {
  nifti: niftiReadImageNode,
  nrrd: nrrdReadImageNode,
  metaimage: metaReadImageNode,
  gipl: giplReadImageNode,
  mgh: mghReadImageNode,
};

async function readWithItk(format: VolumeFormat, path: string, name: string): Promise<Image> {
  const failure = new ServiceError(
    'unreadable',
    `${name} could not be read as ${format.name}: the file is corrupt, truncated or in another format.`,
  );
  try {
    const { couldRead, image } = await quietItk(() => READERS[format.id](path));
    if (couldRead !== true) throw failure;
    return image;
  } catch {
    // itk-wasm throws bare numbers (C++ exception pointers) or Errors with a path in them.
    throw failure;
  }
}

/** Slack over the content a header declares before inflation stops: trailing tags, padding. */
const INFLATE_SLACK = 1 << 20;

async function readVolumeFile(
  format: VolumeFormat,
  path: string,
  name: string,
  limit: number,
  forViewer: boolean,
  summarizer: VoxelSummarizer | undefined,
): Promise<Volume> {
  // The header is checked before anything is allocated for the voxels.
  const { bytes: head, gzip } = await contentHead(path);
  const declared = declaredImage(format.id, head);
  if (declared && forViewer) checkFitsViewer(declared, name);
  if (declared) checkDeclaredSize(declared, name, limit);
  const maxContentBytes = (declared?.contentBytes ?? limit) + INFLATE_SLACK;
  if (format.id === 'nifti') {
    const volume = await readNifti(path, name, head, gzip, maxContentBytes, summarizer);
    if (volume) return volume;
  }
  // The probe inflates gzip content off the main thread while ITK parses the file on it.
  return readCheckedWithItk(format, path, name, probeContent(path, name, maxContentBytes));
}

async function readCheckedWithItk(format: VolumeFormat, path: string, name: string, probe: Promise<ContentProbe>): Promise<Volume> {
  probe.catch(() => undefined);
  let image: Image;
  try {
    image = await readWithItk(format, path, name);
  } catch (error) {
    // A damaged gzip stream explains the failure better than ITK's refusal does.
    await probe;
    throw error;
  }
  const volume = volumeFromItkImage(image, name);
  checkPayloadLength(format, await probe, volume, name);
  return volume;
}

export interface ReadVolumeOptions {
  /** Which series to read when `path` is a DICOM folder holding several. */
  readonly seriesUid?: string | undefined;
  /** The most voxel bytes this read may allocate (default: from free memory, volumeByteLimit). */
  readonly maxVoxelBytes?: number | undefined;
  /** Refuse what the viewer page could not hold (VIEWER_VOXEL_BYTES), from the header where it can. */
  readonly forViewer?: boolean | undefined;
}

/**
 * `summarizer`, if given, counts the voxels' range and non-finite count as they land where the
 * reader can (a NIfTI file's gzip stream, while zlib inflates the next chunk on its own thread), so
 * that costs no pass of its own; the caller counts what it did not cover (`addUpTo(voxels, length)`).
 */
export async function readVolume(path: string, options: ReadVolumeOptions = {}, summarizer?: VoxelSummarizer): Promise<Volume> {
  const absolute = resolve(path);
  const name = basename(absolute);
  const stats = await stat(absolute).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'ELOOP') throw new ServiceError('not-found', `Cannot open ${name}: it is a loop of symbolic links.`);
    return undefined;
  });
  if (!stats) throw new ServiceError('not-found', `Cannot open ${name}: there is no such file or folder.`);
  if (stats.isDirectory()) return checkedForViewer(await readDicomSeries(absolute, options.seriesUid), name, options);
  if (!stats.isFile()) throw new ServiceError('unreadable', `Cannot open ${name}: it is not a regular file.`);
  if (stats.size === 0) throw new ServiceError('unreadable', `${name} is empty.`);
  const format = volumeFormatOf(name);
  if (format) return readVolumeFile(format, absolute, name, options.maxVoxelBytes ?? volumeByteLimit(), options.forViewer === true, summarizer);
  const seriesUid = await dicomSeriesUidOf(absolute);
  if (seriesUid !== undefined) return checkedForViewer(await readDicomSeries(dirname(absolute), seriesUid), name, options);
  throw new ServiceError(
    'unreadable',
    `${name} is not in a supported image format (supported: ${supportedExtensionsText()}, DICOM).`,
  );
}

/** A DICOM series has no one header to check first: its size is checked once read. */
function checkedForViewer(volume: Volume, name: string, options: ReadVolumeOptions): Volume {
  if (options.forViewer !== true) return volume;
  const refusal = viewerRefusal(name, volume.geometry.size, volume.voxels.BYTES_PER_ELEMENT, volume.voxels.byteLength);
  if (refusal !== undefined) throw new ServiceError('unreadable', refusal);
  return volume;
}

/** What `readVolume` would read `path` as, for messages and reports: "NIfTI", "DICOM series"… */
export async function sourceFormatName(path: string): Promise<string> {
  const stats = await stat(path).catch(() => undefined);
  if (stats?.isDirectory()) return 'DICOM series';
  return volumeFormatOf(basename(path))?.name ?? 'DICOM';
}
