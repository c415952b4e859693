/**
 * DICOM series in a folder: list them, then read one as a volume with its slices stacked by
 * position along the slice normal (never by file name, which scanners and exporters number in any
 * order).
 */
import { open, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readImageDicomFileSeriesNode } from '@itk-wasm/dicom';
import { ServiceError } from '../../common/errors';
import type { Vec3, Volume } from '../../common/volume';
import { NEED_MORE_BYTES, parseDicomHeader, type DicomSliceHeader } from './dicom-header';
import { volumeFromItkImage } from './itk-image';
import { quietItk } from './quiet-itk';

export interface DicomSeriesSummary {
  readonly seriesInstanceUid: string;
  readonly description: string;
  readonly seriesNumber: number | undefined;
  readonly modality: string;
  readonly fileCount: number;
}

interface DicomFile {
  readonly path: string;
  readonly header: DicomSliceHeader;
}

const FIRST_READ_BYTES = 64 * 1024;
const PARALLEL_READS = 16;

/** The header of a DICOM image file; undefined for anything else. */
async function readHeader(path: string): Promise<DicomSliceHeader | undefined> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return undefined;
    const size = stats.size;
    // Most headers fit the first 64 KiB; long private groups need the whole file.
    for (const length of [Math.min(size, FIRST_READ_BYTES), size]) {
      const bytes = new Uint8Array(length);
      await handle.read(bytes, 0, length, 0);
      const header = parseDicomHeader(bytes, size);
      // Reports, presentation states and DICOMDIRs carry no rows and columns: not images. A DICOM
      // SEG has them, but holds labels for another series (often saved beside it), not an image.
      if (header !== NEED_MORE_BYTES)
        return header?.rows !== undefined && header.columns !== undefined && header.modality !== 'SEG' ? header : undefined;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

/** The series a single file belongs to, or undefined when it is not DICOM. */
export async function dicomSeriesUidOf(path: string): Promise<string | undefined> {
  return (await readHeader(path))?.seriesInstanceUid;
}

async function scanFolder(folder: string): Promise<DicomFile[]> {
  let names: string[];
  try {
    names = (await readdir(folder)).sort();
  } catch {
    throw new ServiceError(
      'not-found',
      `Cannot open the folder ${basename(folder)}: it does not exist or cannot be listed.`,
    );
  }
  const files: DicomFile[] = [];
  for (let start = 0; start < names.length; start += PARALLEL_READS) {
    const batch = names.slice(start, start + PARALLEL_READS).map((name) => join(folder, name));
    const headers = await Promise.all(batch.map(readHeader));
    headers.forEach((header, n) => {
      const path = batch[n];
      if (header && path !== undefined) files.push({ path, header });
    });
  }
  return files;
}

function groupBySeries(files: readonly DicomFile[]): Map<string, DicomFile[]> {
  const series = new Map<string, DicomFile[]>();
  for (const file of files) {
    const list = series.get(file.header.seriesInstanceUid);
    if (list) list.push(file);
    else series.set(file.header.seriesInstanceUid, [file]);
  }
  return series;
}

function summarise(series: Map<string, DicomFile[]>): DicomSeriesSummary[] {
  const summaries: DicomSeriesSummary[] = [];
  for (const files of series.values()) {
    const first = files[0]?.header;
    if (!first) continue;
    summaries.push({
      seriesInstanceUid: first.seriesInstanceUid,
      description: first.seriesDescription,
      seriesNumber: first.seriesNumber,
      modality: first.modality,
      fileCount: files.length,
    });
  }
  return summaries.sort((a, b) => (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity));
}

/** The DICOM series in `folder` (not its subfolders), by series number. Non-DICOM files are ignored. */
export async function listDicomSeries(folder: string): Promise<DicomSeriesSummary[]> {
  return summarise(groupBySeries(await scanFolder(folder)));
}

function describeSeries(s: DicomSeriesSummary): string {
  const what = [s.modality, s.description].filter((part) => part.length > 0).join(' ');
  return `${s.seriesInstanceUid} "${what}" (${s.fileCount} file${s.fileCount === 1 ? '' : 's'})`;
}

function cross(a: readonly number[], b: readonly number[]): Vec3 {
  const [a0 = 0, a1 = 0, a2 = 0] = a;
  const [b0 = 0, b1 = 0, b2 = 0] = b;
  return [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0];
}

/**
 * Orders the slices along the normal of their shared orientation (row × column), the direction
 * ITK gives the volume's k axis, and refuses series that cannot form one regular stack.
 */
function sortSlicesByPosition(files: readonly DicomFile[], seriesName: string): DicomFile[] {
  const slices = files.map((file) => {
    const { imagePosition, imageOrientation } = file.header;
    if (!imagePosition || !imageOrientation) {
      throw new ServiceError(
        'unreadable',
        `${seriesName} cannot be stacked: ${basename(file.path)} has no image position or orientation.`,
      );
    }
    return { file, position: imagePosition, orientation: imageOrientation };
  });
  const first = slices[0];
  if (!first) throw new ServiceError('unreadable', `${seriesName} has no slices.`);
  for (const { file, orientation } of slices) {
    if (file.header.rows !== first.file.header.rows || file.header.columns !== first.file.header.columns) {
      throw new ServiceError(
        'unreadable',
        `${seriesName} cannot be stacked: its slices have different sizes.`,
      );
    }
    if (orientation.some((value, n) => Math.abs(value - (first.orientation[n] ?? NaN)) > 1e-4)) {
      throw new ServiceError(
        'unreadable',
        `${seriesName} cannot be stacked: its slices have different orientations.`,
      );
    }
  }
  const normal = cross(first.orientation.slice(0, 3), first.orientation.slice(3, 6));
  const along = ({ position: p }: { position: Vec3 }) =>
    p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2];
  const sorted = slices.sort((a, b) => along(a) - along(b));
  for (let n = 1; n < sorted.length; n++) {
    const previous = sorted[n - 1];
    const current = sorted[n];
    if (previous && current && Math.abs(along(current) - along(previous)) < 1e-3) {
      throw new ServiceError(
        'unreadable',
        `${seriesName} cannot be stacked: ${basename(previous.file.path)} and ${basename(current.file.path)} lie at the same position (several echoes or time points in one series?).`,
      );
    }
  }
  return sorted.map((slice) => slice.file);
}

function chooseSeries(
  series: Map<string, DicomFile[]>,
  folderName: string,
  seriesUid: string | undefined,
): DicomFile[] {
  if (series.size === 0)
    throw new ServiceError('unreadable', `The folder ${folderName} holds no DICOM images.`);
  if (seriesUid !== undefined) {
    const files = series.get(seriesUid);
    if (!files)
      throw new ServiceError('not-found', `The folder ${folderName} holds no DICOM series ${seriesUid}.`);
    return files;
  }
  const [only, ...others] = series.values();
  if (only && others.length === 0) return only;
  const list = summarise(series).map(describeSeries).join('; ');
  throw new ServiceError(
    'bad-request',
    `The folder ${folderName} holds ${series.size} DICOM series; choose one: ${list}.`,
  );
}

/**
 * Reads one series of `folder` as a volume. Without `seriesUid` the folder must hold exactly one
 * series; otherwise the error lists them so the caller can choose.
 */
export async function readDicomSeries(folder: string, seriesUid?: string): Promise<Volume> {
  const folderName = basename(folder);
  const files = chooseSeries(groupBySeries(await scanFolder(folder)), folderName, seriesUid);
  const seriesName = `The DICOM series in ${folderName}`;
  // A multi-frame file is a volume on its own; single-frame files are stacked by position.
  const multiFrame = files.length === 1 && (files[0]?.header.frames ?? 1) > 1;
  const damaged = files.find((file) => file.header.truncated);
  if (damaged) {
    throw new ServiceError(
      'unreadable',
      `${seriesName} has a truncated file: ${basename(damaged.path)} ends before its pixel data does.`,
    );
  }
  const ordered = multiFrame ? files : sortSlicesByPosition(files, seriesName);
  if (ordered.length < 2 && !multiFrame)
    throw new ServiceError('unreadable', `${seriesName} is a single 2D slice; iSeg needs a 3D volume.`);
  const paths = ordered.map((file) => file.path);
  const result = await quietItk(() =>
    readImageDicomFileSeriesNode({ inputImages: paths, singleSortedSeries: true }),
  ).catch(() => {
    throw new ServiceError(
      'unreadable',
      `${seriesName} could not be read: a file is corrupt, truncated or uses an unsupported encoding.`,
    );
  });
  const modality = ordered[0]?.header.modality ?? '';
  const volume = volumeFromItkImage(result.outputImage, seriesName);
  return modality === '' ? volume : { ...volume, modality };
}

/**
 * The files of one series of `folder` (the only one, without `seriesUid`), ordered along the slice
 * normal: what a DICOM SEG or RTSTRUCT writer references.
 */
export async function dicomSeriesFiles(folder: string, seriesUid?: string): Promise<string[]> {
  const folderName = basename(folder);
  const files = chooseSeries(groupBySeries(await scanFolder(folder)), folderName, seriesUid);
  return sortSlicesByPosition(files, `The DICOM series in ${folderName}`).map((file) => file.path);
}
