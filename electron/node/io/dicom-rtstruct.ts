/**
 * DICOM RTSTRUCT export: each label value becomes one ROI (name and colour from the labels), drawn
 * as closed planar contours on every slice of the series that holds it, in patient coordinates
 * (LPS, mm) on that slice's own plane (ImagePositionPatient of its file), each contour referencing
 * its slice's SOP instance.
 *
 * @itk-wasm/dicom's writeRtStruct (Plastimatch underneath) takes the contours as a Plastimatch CXT
 * text file, written here. Holes are written as separate contours inside their outline: DICOM
 * combines a structure's contours on one plane by the even–odd rule (PS3.3 C.8.8.6). The writer
 * labels every referenced image as CT Image Storage whatever the series is; those references are
 * corrected here to the series' own SOP class, and the list of the series' images it leaves out
 * is added (see completeImageReferences).
 */
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { writeRtStructNode } from '@itk-wasm/dicom';
import { sliceContours } from '../../common/contours/marching-squares';
import { ServiceError } from '../../common/errors';
import {
  indexToWorld,
  voxelCount,
  type Vec3,
  type VolumeGeometry,
  type VoxelArray,
} from '../../common/volume';
import { NEED_MORE_BYTES, parseDicomStrings } from './dicom-header';
import { segmentNumbering, type LabelsOnSeries, type SegmentNumbering } from './dicom-seg';
import { writeFileAtomically } from '../atomic-write';
import { quietItk } from './quiet-itk';

const FIRST_READ_BYTES = 64 * 1024;
/** The SOP class Plastimatch writes into every image reference. */
const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
/** A series slice must lie this close (fraction of the slice step) to a volume slice to be matched. */
const SLICE_MATCH_TOLERANCE = 0.1;
const DEFAULT_COLOR: readonly [number, number, number] = [128, 174, 128];

const TAG = {
  sopClassUid: 0x00080016,
  sopInstanceUid: 0x00080018,
  patientName: 0x00100010,
  patientId: 0x00100020,
  patientSex: 0x00100040,
  studyInstanceUid: 0x0020000d,
  seriesInstanceUid: 0x0020000e,
  studyId: 0x00200010,
  imagePosition: 0x00200032,
  frameOfReferenceUid: 0x00200052,
} as const;

/** What an RTSTRUCT needs from one file of the series. */
export interface ReferencedSlice {
  readonly path: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly position: Vec3;
}

/** The series-wide identifiers an RTSTRUCT copies, and its slices. */
export interface ReferencedSeries {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly frameOfReferenceUid: string;
  readonly patientName: string;
  readonly patientId: string;
  readonly patientSex: string;
  readonly studyId: string;
  readonly slices: readonly ReferencedSlice[];
}

export type RtStructToWrite = LabelsOnSeries;

export interface WrittenRoi extends SegmentNumbering {
  readonly contours: number;
  readonly points: number;
}

export interface WrittenRtStruct {
  readonly path: string;
  readonly rois: readonly WrittenRoi[];
}

/** One closed planar contour of one ROI, in LPS millimetres, on one series slice. */
export interface RoiContour {
  readonly roi: number;
  readonly slice: number;
  readonly sopInstanceUid: string;
  readonly points: readonly Vec3[];
}

async function readReferenceStrings(path: string): Promise<Map<number, string>> {
  const name = basename(path);
  const handle = await open(path, 'r').catch(() => {
    throw new ServiceError('not-found', `The series file ${name} does not exist or cannot be read.`);
  });
  try {
    const size = (await handle.stat()).size;
    for (const length of [Math.min(size, FIRST_READ_BYTES), size]) {
      const bytes = new Uint8Array(length);
      await handle.read(bytes, 0, length, 0);
      const values = parseDicomStrings(bytes, size, Object.values(TAG));
      if (values === undefined)
        throw new ServiceError('bad-request', `The series file ${name} is not a DICOM file.`);
      if (values !== NEED_MORE_BYTES) return values;
    }
    throw new ServiceError('unreadable', `The series file ${name} ends inside its header.`);
  } finally {
    await handle.close();
  }
}

/** The identifiers and slice positions of the series' files, refused in one sentence when one is missing. */
export async function readReferencedSeries(files: readonly string[]): Promise<ReferencedSeries> {
  const first = files[0];
  if (first === undefined)
    throw new ServiceError('bad-request', 'An RTSTRUCT needs the files of the series it was drawn on.');
  const read = await Promise.all(
    files.map(async (path) => ({ path, values: await readReferenceStrings(path) })),
  );
  const require = (values: Map<number, string>, tag: number, what: string, path: string): string => {
    const value = values.get(tag) ?? '';
    if (value === '')
      throw new ServiceError(
        'bad-request',
        `Cannot write an RTSTRUCT: the series file ${basename(path)} has no ${what}.`,
      );
    return value;
  };
  const slices = read.map(({ path, values }) => {
    const position = (values.get(TAG.imagePosition) ?? '').split('\\').map(Number);
    if (position.length !== 3 || !position.every(Number.isFinite)) {
      throw new ServiceError(
        'bad-request',
        `Cannot write an RTSTRUCT: the series file ${basename(path)} has no Image Position (Patient).`,
      );
    }
    return {
      path,
      sopClassUid: require(values, TAG.sopClassUid, 'SOP Class UID', path),
      sopInstanceUid: require(values, TAG.sopInstanceUid, 'SOP Instance UID', path),
      position: [position[0] ?? 0, position[1] ?? 0, position[2] ?? 0] as const,
    };
  });
  const head = read[0]?.values ?? new Map<number, string>();
  return {
    studyInstanceUid: require(head, TAG.studyInstanceUid, 'Study Instance UID', first),
    seriesInstanceUid: require(head, TAG.seriesInstanceUid, 'Series Instance UID', first),
    frameOfReferenceUid: require(head, TAG.frameOfReferenceUid, 'Frame of Reference UID (contours need one)', first),
    patientName: head.get(TAG.patientName) ?? '',
    patientId: head.get(TAG.patientId) ?? '',
    patientSex: head.get(TAG.patientSex) ?? '',
    studyId: head.get(TAG.studyId) ?? '',
    slices,
  };
}

/** For each volume slice k (index axis 2), the series slice at its position. */
function matchSlices(geometry: VolumeGeometry, slices: readonly ReferencedSlice[]): ReferencedSlice[] {
  const [, , nz] = geometry.size;
  const tolerance = SLICE_MATCH_TOLERANCE * geometry.spacing[2];
  return Array.from({ length: nz }, (_, k) => {
    const at = indexToWorld(geometry, [0, 0, k]);
    const found = slices.find(
      (s) => Math.hypot(s.position[0] - at[0], s.position[1] - at[1], s.position[2] - at[2]) <= tolerance,
    );
    if (found === undefined) {
      throw new ServiceError(
        'geometry-mismatch',
        `Cannot write an RTSTRUCT: no file of the series lies at slice ${k} (${at.map((v) => v.toFixed(2)).join(', ')} mm), so the labels were not drawn on this series.`,
      );
    }
    return found;
  });
}

/**
 * The contours of every ROI on every slice, in the order ROIs then slices. Each point lies on its
 * slice's plane through the file's own ImagePositionPatient.
 */
export function roiContours(
  voxels: VoxelArray,
  geometry: VolumeGeometry,
  numbering: readonly SegmentNumbering[],
  slices: readonly ReferencedSlice[],
): RoiContour[] {
  const [nx, ny, nz] = geometry.size;
  const perSlice = nx * ny;
  const out: RoiContour[][] = numbering.map(() => []);
  const roiOf = new Map(numbering.map((s, n) => [s.value, n]));
  for (let k = 0; k < nz; k++) {
    const base = k * perSlice;
    // Bounding box of each value on this slice, so that each ROI is contoured only where it is.
    const boxes = new Map<number, [number, number, number, number]>();
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const value = voxels[base + i + j * nx] ?? 0;
        if (value === 0) continue;
        const box = boxes.get(value);
        if (box === undefined) boxes.set(value, [i, j, i, j]);
        else {
          if (i < box[0]) box[0] = i;
          if (i > box[2]) box[2] = i;
          if (j < box[1]) box[1] = j;
          if (j > box[3]) box[3] = j;
        }
      }
    const slice = slices[k];
    if (slice === undefined) continue;
    const planeOrigin = indexToWorld(geometry, [0, 0, k]);
    const shift = [0, 1, 2].map((a) => (slice.position[a] ?? 0) - (planeOrigin[a] ?? 0));
    for (const [value, [i0, j0, i1, j1]] of boxes) {
      const roi = roiOf.get(value);
      if (roi === undefined) continue;
      const width = i1 - i0 + 1;
      const contours = sliceContours(
        width,
        j1 - j0 + 1,
        (n) => voxels[base + i0 + (n % width) + (j0 + Math.floor(n / width)) * nx] === value,
      );
      for (const contour of contours) {
        const points = contour.points.map(([i, j]) => {
          const w = indexToWorld(geometry, [i + i0, j + j0, k]);
          return [w[0] + (shift[0] ?? 0), w[1] + (shift[1] ?? 0), w[2] + (shift[2] ?? 0)] as const;
        });
        out[roi]?.push({ roi: roi + 1, slice: k, sopInstanceUid: slice.sopInstanceUid, points });
      }
    }
  }
  return out.flat();
}

/**
 * CXT header values and names may hold neither the field separator nor line breaks; the writer
 * declares ISO_IR 100 (Latin-1), so characters beyond it become '?'.
 */
function cxtText(value: string): string {
  return value
    .replace(/[|\r\n]/g, ' ')
    .replace(/[^\u0020-\u00ff]/g, '?')
    .trim();
}

/** The contours as a Plastimatch CXT structure set: header, ROI list, one line per contour. */
export function cxtFile(
  series: ReferencedSeries,
  rois: readonly { number: number; name: string; color: readonly number[] }[],
  contours: readonly RoiContour[],
): string {
  const lines = [
    `CT_SERIES_UID ${series.seriesInstanceUid}`,
    `CT_STUDY_UID ${series.studyInstanceUid}`,
    `CT_FRAME_OF_REFERENCE_UID ${series.frameOfReferenceUid}`,
    `PATIENT_NAME ${cxtText(series.patientName)}`,
    `PATIENT_ID ${cxtText(series.patientId)}`,
    `PATIENT_SEX ${cxtText(series.patientSex)}`,
    `STUDY_ID ${cxtText(series.studyId)}`,
    'ROI_NAMES',
    ...rois.map((r) => `${r.number}|${r.color.join(' ')}|${cxtText(r.name) || `Segment ${r.number}`}`),
    'END_OF_ROI_NAMES',
    ...contours.map(
      (c) =>
        `${c.roi}||${c.points.length}|${c.slice}|${c.sopInstanceUid}|${c.points.map((p) => p.map((v) => v.toFixed(4)).join('\\')).join('\\')}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

const ITEM = Buffer.from([0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]);
const ITEM_END = Buffer.from([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]);
const SEQUENCE_END = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);

function paddedUid(uid: string): Buffer {
  return Buffer.from(uid.length % 2 === 1 ? `${uid}\0` : uid, 'latin1');
}

/** A UI element in explicit VR little endian. */
function uiElement(group: number, element: number, uid: string): Buffer {
  const value = paddedUid(uid);
  const header = Buffer.alloc(8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(element, 2);
  header.write('UI', 4, 'latin1');
  header.writeUInt16LE(value.length, 6);
  return Buffer.concat([header, value]);
}

/** Contour Image Sequence (3006,0016), undefined length, one item per referenced image. */
function contourImageSequence(images: readonly { sopClassUid: string; sopInstanceUid: string }[]): Buffer {
  const header = Buffer.from([0x06, 0x30, 0x16, 0x00, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  const items = images.map((image) =>
    Buffer.concat([
      ITEM,
      uiElement(0x0008, 0x1150, image.sopClassUid),
      uiElement(0x0008, 0x1155, image.sopInstanceUid),
      ITEM_END,
    ]),
  );
  return Buffer.concat([header, ...items, SEQUENCE_END]);
}

/**
 * Completes the image references of Plastimatch's output: each Referenced SOP Class UID (0008,1150)
 * gets the series' own class instead of CT Image Storage, and the referenced series item gets the
 * Contour Image Sequence listing every slice (type 1 in PS3.3 C.8.8.5, left out by the writer when
 * it has no image). The writer encodes explicit VR little endian with sequences and items of
 * undefined length, so elements may change length and be inserted without touching enclosing
 * lengths; output that does not look so is refused (undefined).
 */
export function completeImageReferences(
  bytes: Uint8Array,
  series: ReferencedSeries,
  sopClassUid: string,
): Uint8Array | undefined {
  const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const itemTag = Buffer.from([0xfe, 0xff, 0x00, 0xe0]);
  for (let at = source.indexOf(itemTag); at >= 0; at = source.indexOf(itemTag, at + 1)) {
    if (source.readUInt32LE(at + 4) !== 0xffffffff) return undefined;
  }
  const referencedSeries = uiElement(0x0020, 0x000e, series.seriesInstanceUid);
  const seriesAt = source.indexOf(referencedSeries);
  if (seriesAt < 0 || source.indexOf(referencedSeries, seriesAt + 1) >= 0) return undefined;
  const insertAt = seriesAt + referencedSeries.length;
  if (!source.subarray(insertAt, insertAt + 8).equals(ITEM_END)) return undefined;
  const withImages = Buffer.concat([
    source.subarray(0, insertAt),
    contourImageSequence(
      series.slices.map((s) => ({ sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid: s.sopInstanceUid })),
    ),
    source.subarray(insertAt),
  ]);
  if (sopClassUid === CT_IMAGE_STORAGE) return withImages;
  const pattern = uiElement(0x0008, 0x1150, CT_IMAGE_STORAGE);
  const replacement = uiElement(0x0008, 0x1150, sopClassUid);
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = withImages.indexOf(pattern); at >= 0; at = withImages.indexOf(pattern, from)) {
    parts.push(withImages.subarray(from, at), replacement);
    from = at + pattern.length;
  }
  parts.push(withImages.subarray(from));
  return Buffer.concat(parts);
}

/** Writes the label map as an RTSTRUCT referencing `referenceFiles`; the file appears whole or not at all. */
export async function writeRtStruct(path: string, rt: RtStructToWrite): Promise<WrittenRtStruct> {
  const absolute = resolve(path);
  const name = basename(absolute);
  if (rt.voxels.length !== voxelCount(rt.geometry.size)) {
    throw new ServiceError(
      'bad-request',
      `Cannot save ${name}: the label map has ${rt.voxels.length} voxels; the series has ${voxelCount(rt.geometry.size)}.`,
    );
  }
  const numbering = segmentNumbering(rt.voxels, rt.labels, name);
  const series = await readReferencedSeries(rt.referenceFiles);
  const sopClasses = new Set(series.slices.map((s) => s.sopClassUid));
  const sopClass = series.slices[0]?.sopClassUid ?? CT_IMAGE_STORAGE;
  if (sopClasses.size > 1)
    throw new ServiceError(
      'bad-request',
      `Cannot save ${name}: the series mixes ${sopClasses.size} kinds of image (SOP classes).`,
    );
  const contours = roiContours(rt.voxels, rt.geometry, numbering, matchSlices(rt.geometry, series.slices));
  const rois = numbering.map((s) => ({
    ...s,
    color: rt.labels.find((l) => l.value === s.value)?.color ?? DEFAULT_COLOR,
  }));
  const work = await mkdtemp(join(tmpdir(), 'iseg-rtstruct-'));
  try {
    const cxt = join(work, 'contours.cxt');
    const written = join(work, 'rtstruct.dcm');
    await writeFile(cxt, cxtFile(series, rois, contours), 'latin1');
    const description = (rt.description ?? 'iSeg Studio structure set').slice(0, 64);
    await quietItk(() =>
      writeRtStructNode(cxt, written, {
        dicomMetadata: {
          manufacturer: 'iSeg Studio',
          manufacturerModelName: 'iSeg Studio RTSTRUCT export',
          roiMetadata: rois.map((r) => ({
            roiGenerationAlgorithm: 'SEMIAUTOMATIC',
            roiDescription: `${description}: ${r.name}`.slice(0, 64),
            rtRoiInterpretedType: 'ORGAN',
          })),
        },
      }),
    );
    const fixed = completeImageReferences(await readFile(written), series, sopClass);
    if (fixed === undefined)
      throw new ServiceError(
        'internal',
        `Could not write the RTSTRUCT ${name}: the writer's output could not be given the series' image class.`,
      );
    await writeFileAtomically(absolute, fixed);
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    throw new ServiceError(
      'internal',
      `Could not write the RTSTRUCT ${name}: the writer refused the contours, or the folder is not writable.`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return {
    path: absolute,
    rois: numbering.map((s, n) => {
      const mine = contours.filter((c) => c.roi === n + 1);
      return { ...s, contours: mine.length, points: mine.reduce((sum, c) => sum + c.points.length, 0) };
    }),
  };
}
