/**
 * DICOM SEG (segmentation objects) out and in, through @itk-wasm/dicom (dcmqi underneath).
 *
 * Writing needs the files of the series the labels were drawn on: the SEG references them, frame by
 * frame. Each label value present becomes one segment, with its name and colour; DICOM numbers
 * segments 1, 2, 3…, so values that are not already 1…N are renumbered in ascending order (the
 * result says how) and each segment's Tracking ID keeps its label value. Empty slices are not
 * stored. Reading lays the segments back onto the series' grid (see dicom-seg-grid.ts), with the
 * label values of iSeg's tracking ids, or else the segment numbers, as values.
 */
import { randomBytes } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { readSegmentationNode, writeSegmentationNode } from '@itk-wasm/dicom';
import { Image, ImageType, type JsonCompatible } from 'itk-wasm';
import { z } from 'zod';
import { segmentCodes } from '../../common/anatomy-codes';
import { ServiceError } from '../../common/errors';
import type { LabelEntry } from '../../common/label-sidecar';
import { distinctValueCounts } from '../../common/volume-stats';
import { voxelCount, type Volume, type VolumeGeometry, type VoxelArray } from '../../common/volume';
import { NEED_MORE_BYTES, parseDicomHeader, type DicomSliceHeader } from './dicom-header';
import { copyOntoGrid, placeOnGrid } from './dicom-seg-grid';
import { dicomSeriesFiles, dicomSeriesUidOf } from './dicom-series';
import { quietItk } from './quiet-itk';
import { replaceFileWith } from '../atomic-write';

/** dcmqi's label images are signed 16-bit: segment numbers above this cannot be written. */
const MAX_SEGMENTS = 32767;
/** A SEG larger than this is refused before it is read (a 512² × 1000-frame, 50-segment SEG is about 1.6 GB). */
const MAX_SEG_FILE_BYTES = 2 ** 31;
const FIRST_READ_BYTES = 64 * 1024;
/** What iSeg writes as each segment's Tracking ID, followed by its label value. */
const TRACKING_PREFIX = 'iSeg label value ';
/** Shown for segments whose SEG carries no recommended colour. */
const DEFAULT_COLOR: readonly [number, number, number] = [128, 174, 128];

/** A label map on a DICOM series, as the SEG and RTSTRUCT writers take it. */
export interface LabelsOnSeries {
  /** One label value per voxel of `geometry` (the series' geometry), i fastest. */
  readonly voxels: VoxelArray;
  readonly geometry: VolumeGeometry;
  /** Names and colours of the values; a value without an entry is written as "Segment <value>". */
  readonly labels: readonly LabelEntry[];
  /** The series' files, in any order (frames and slices are matched by position). */
  readonly referenceFiles: readonly string[];
  /** Written as the series description (a SEG's; an RTSTRUCT's ROI descriptions begin with it). */
  readonly description?: string;
}

export type DicomSegToWrite = LabelsOnSeries;

export interface SegmentNumbering {
  /** DICOM segment number (1…N). */
  readonly number: number;
  /** The label value it stands for. */
  readonly value: number;
  readonly name: string;
}

export interface WrittenDicomSeg {
  readonly path: string;
  readonly segments: readonly SegmentNumbering[];
}

export interface ReadDicomSeg {
  /** Segment numbers as label values, in `grid`'s geometry (or the SEG's own when no grid was given). */
  readonly labels: Volume;
  readonly segments: readonly LabelEntry[];
}

/** A UID under the UUID-derived root 2.25 (PS3.5 B.2): 2.25 and a random 122-bit number in decimal. */
function randomUid(): string {
  const bytes = randomBytes(16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString()}`;
}

export function segmentNumbering(voxels: VoxelArray, labels: readonly LabelEntry[], name: string): SegmentNumbering[] {
  const counts = distinctValueCounts(voxels, MAX_SEGMENTS + 1);
  if (counts === undefined) {
    throw new ServiceError('bad-request', `Cannot save ${name}: the label map holds more than ${MAX_SEGMENTS} values or non-integer values.`);
  }
  const values = counts.map((c) => c.value).filter((v) => v !== 0);
  if (values.some((v) => v < 0)) throw new ServiceError('bad-request', `Cannot save ${name}: the label map holds negative values.`);
  if (values.length === 0) throw new ServiceError('bad-request', `Cannot save ${name}: the label map is empty, so there is no segment to write.`);
  return values.map((value, n) => ({
    number: n + 1,
    value,
    name: labels.find((l) => l.value === value)?.name ?? `Segment ${value}`,
  }));
}

/** The segment numbers as a signed 16-bit label image in the series' geometry. */
function segmentImage(seg: DicomSegToWrite, numbering: readonly SegmentNumbering[]): Image {
  const renumber = new Int16Array(65536);
  for (const s of numbering) renumber[s.value] = s.number;
  const source = seg.voxels;
  const data = new Int16Array(source.length);
  for (let n = 0; n < source.length; n++) data[n] = renumber[source[n] ?? 0] ?? 0;
  const { size, spacing, origin, direction } = seg.geometry;
  const image = new Image(new ImageType(3, 'int16', 'Scalar', 1));
  image.name = 'segments';
  image.size = [...size];
  image.spacing = [...spacing];
  image.origin = [...origin];
  image.direction = Float64Array.from(direction);
  image.data = data;
  return image;
}

function segMetaInfo(seg: DicomSegToWrite, numbering: readonly SegmentNumbering[]): JsonCompatible {
  return {
    ContentCreatorName: 'iSeg Studio',
    ContentLabel: 'SEGMENTATION',
    ContentDescription: 'iSeg Studio segmentation',
    ClinicalTrialSeriesID: 'iSeg',
    ClinicalTrialTimePointID: '1',
    SeriesDescription: (seg.description ?? 'iSeg Studio segmentation').slice(0, 64),
    SeriesNumber: '300',
    InstanceNumber: '1',
    segmentAttributes: [
      numbering.map((s) => {
        const color = seg.labels.find((l) => l.value === s.value)?.color ?? DEFAULT_COLOR;
        const codes = segmentCodes(s.name);
        return {
          labelID: s.number,
          SegmentLabel: s.name.slice(0, 64),
          SegmentDescription: s.name.slice(0, 64),
          SegmentAlgorithmType: 'SEMIAUTOMATIC',
          SegmentAlgorithmName: 'iSeg Studio',
          // SNOMED CT codes for the knee bones by name; "Tissue" otherwise (anatomy-codes.ts).
          SegmentedPropertyCategoryCodeSequence: { ...codes.category },
          SegmentedPropertyTypeCodeSequence: { ...codes.type },
          recommendedDisplayRGBValue: [color[0], color[1], color[2]],
          // Segment numbers must run 1…N; the tracking id keeps the label value for the way back.
          TrackingIdentifier: `${TRACKING_PREFIX}${s.value}`,
          TrackingUniqueIdentifier: randomUid(),
        };
      }),
    ],
  };
}

/** Writes the label map as a DICOM SEG referencing `referenceFiles`; the file appears whole or not at all. */
export async function writeDicomSeg(path: string, seg: DicomSegToWrite): Promise<WrittenDicomSeg> {
  const absolute = resolve(path);
  const name = basename(absolute);
  if (seg.voxels.length !== voxelCount(seg.geometry.size)) {
    throw new ServiceError('bad-request', `Cannot save ${name}: the label map has ${seg.voxels.length} voxels; the series has ${voxelCount(seg.geometry.size)}.`);
  }
  if (seg.referenceFiles.length === 0) throw new ServiceError('bad-request', `Cannot save ${name}: a DICOM SEG needs the files of the series it was drawn on.`);
  const numbering = segmentNumbering(seg.voxels, seg.labels, name);
  try {
    await replaceFileWith(absolute, async (partial) => {
      await quietItk(() =>
        writeSegmentationNode(segmentImage(seg, numbering), segMetaInfo(seg, numbering), partial, {
          refDicomSeries: [...seg.referenceFiles],
          skipEmptySlices: true,
          useLabelidAsSegmentnumber: true,
        }),
      );
    });
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    throw new ServiceError(
      'internal',
      `Could not write the DICOM SEG ${name}: the writer refused the series or the label map, or the folder is not writable.`,
    );
  }
  return { path: absolute, segments: numbering };
}

/** The DICOM header of `path`, or undefined when it is not a DICOM file. */
async function readDicomHeaderOf(path: string, name: string): Promise<DicomSliceHeader | undefined> {
  const handle = await open(path, 'r').catch(() => {
    throw new ServiceError('not-found', `Cannot open ${name}: it does not exist or cannot be read.`);
  });
  try {
    const size = (await handle.stat()).size;
    if (size > MAX_SEG_FILE_BYTES) throw new ServiceError('unreadable', `${name} is ${(size / 2 ** 30).toFixed(1)} GiB, larger than iSeg reads as a DICOM SEG.`);
    for (const length of [Math.min(size, FIRST_READ_BYTES), size]) {
      const bytes = new Uint8Array(length);
      await handle.read(bytes, 0, length, 0);
      const header = parseDicomHeader(bytes, size);
      if (header !== NEED_MORE_BYTES) return header;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Whether `path` is a DICOM SEG (checked by content, not by name). */
export async function isDicomSeg(path: string): Promise<boolean> {
  const header = await readDicomHeaderOf(resolve(path), basename(path)).catch(() => undefined);
  return header?.modality === 'SEG';
}

const byte = z.number().int().min(0).max(255);
const segmentAttributesSchema = z.looseObject({
  labelID: z.number().int().min(1).max(65535),
  SegmentLabel: z.string().optional(),
  SegmentDescription: z.string().optional(),
  recommendedDisplayRGBValue: z.tuple([byte, byte, byte]).optional(),
  TrackingIdentifier: z.string().optional(),
});
const segMetaSchema = z.looseObject({ segmentAttributes: z.array(z.array(segmentAttributesSchema)) });

const finiteVec3 = z.tuple([z.number(), z.number(), z.number()]);

/**
 * Segment number → label value, from the tracking ids iSeg writes; empty (segment numbers are the
 * values) for a SEG from elsewhere, or when the ids do not give distinct values.
 */
function labelValues(attributes: readonly z.infer<typeof segmentAttributesSchema>[]): Map<number, number> {
  const values = new Map<number, number>();
  for (const s of attributes) {
    const id = s.TrackingIdentifier ?? '';
    const value = id.startsWith(TRACKING_PREFIX) ? Number(id.slice(TRACKING_PREFIX.length)) : NaN;
    if (!Number.isInteger(value) || value < 1 || value > 65535) return new Map<number, number>();
    values.set(s.labelID, value);
  }
  return new Set(values.values()).size === values.size ? values : new Map<number, number>();
}

function segGeometry(image: Image, name: string): VolumeGeometry {
  const parsed = z
    .object({
      size: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
      spacing: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
      origin: finiteVec3,
      direction: z.array(z.number()).length(9),
    })
    .safeParse({ size: image.size, spacing: image.spacing, origin: image.origin, direction: image.direction instanceof Float64Array ? Array.from(image.direction) : [] });
  if (!parsed.success || image.imageType.dimension !== 3) {
    throw new ServiceError('unreadable', `${name} could not be read: its frames do not form one 3D stack.`);
  }
  const d = parsed.data.direction;
  return {
    size: parsed.data.size,
    spacing: parsed.data.spacing,
    origin: parsed.data.origin,
    direction: [d[0] ?? 1, d[1] ?? 0, d[2] ?? 0, d[3] ?? 0, d[4] ?? 1, d[5] ?? 0, d[6] ?? 0, d[7] ?? 0, d[8] ?? 1],
  };
}

/**
 * Reads a DICOM SEG as a label map. With `grid` (the referenced series' geometry) the segments are
 * laid onto it, and a SEG drawn on another grid is refused in one sentence.
 */
export async function readDicomSeg(path: string, grid?: VolumeGeometry): Promise<ReadDicomSeg> {
  const absolute = resolve(path);
  const name = basename(absolute);
  const header = await readDicomHeaderOf(absolute, name);
  if (header === undefined) throw new ServiceError('unreadable', `${name} is not a DICOM file, so it cannot be read as a DICOM SEG.`);
  if (header.modality !== 'SEG') {
    const what = header.modality === '' ? 'a DICOM object' : `a DICOM ${header.modality} object`;
    throw new ServiceError('unreadable', `${name} is ${what}, not a DICOM SEG (segmentation); open an image series as an image instead.`);
  }
  const result = await quietItk(() => readSegmentationNode(absolute)).catch(() => {
    throw new ServiceError('unreadable', `${name} could not be read as a DICOM SEG: it is damaged or uses an encoding iSeg does not read.`);
  });
  const meta = segMetaSchema.safeParse(result.metaInfo);
  if (!meta.success) throw new ServiceError('unreadable', `${name} could not be read: its segment descriptions are incomplete.`);
  if (meta.data.segmentAttributes.length > 1) {
    throw new ServiceError('unreadable', `${name} holds overlapping segments, and a label map holds one segment per voxel.`);
  }
  const attributes = meta.data.segmentAttributes[0] ?? [];
  const valueOf = labelValues(attributes);
  const segments: LabelEntry[] = attributes.map((s) => ({
    value: valueOf.get(s.labelID) ?? s.labelID,
    name: s.SegmentLabel ?? s.SegmentDescription ?? `Segment ${s.labelID}`,
    color: s.recommendedDisplayRGBValue ?? [...DEFAULT_COLOR],
  }));
  const image = result.segImage;
  const geometry = segGeometry(image, name);
  const data = image.data;
  if (!(data instanceof Int16Array || data instanceof Uint16Array || data instanceof Uint8Array) || data.length !== voxelCount(geometry.size)) {
    throw new ServiceError('unreadable', `${name} could not be read: its voxel data is missing or incomplete.`);
  }
  const wide = segments.some((s) => s.value > 255) || attributes.some((s) => s.labelID > 255);
  const make = (length: number) => (wide ? new Uint16Array(length) : new Uint8Array(length));
  const target = grid ?? geometry;
  const placement = placeOnGrid(geometry, target);
  if ('problem' in placement) {
    throw new ServiceError('geometry-mismatch', `${name} does not fit the series it is read onto: ${placement.problem}.`);
  }
  const voxels = copyOntoGrid(data, geometry.size, target, placement, make);
  if (valueOf.size > 0) {
    const lookup = new Uint16Array(65536).map((_, n) => valueOf.get(n) ?? n);
    for (let n = 0; n < voxels.length; n++) voxels[n] = lookup[voxels[n] ?? 0] ?? 0;
  }
  return { labels: { geometry: target, componentType: wide ? 'uint16' : 'uint8', voxels }, segments };
}

/**
 * The files of the series a SEG refers to, from what the user named: a DICOM folder (one series of
 * it with `seriesUid`) or one file of the series.
 */
export async function seriesReferenceFiles(path: string, seriesUid?: string): Promise<string[]> {
  const absolute = resolve(path);
  const stats = await stat(absolute).catch(() => {
    throw new ServiceError('not-found', `The reference series ${basename(absolute)} does not exist or cannot be read.`);
  });
  if (stats.isDirectory()) return dicomSeriesFiles(absolute, seriesUid);
  const uid = seriesUid ?? (await dicomSeriesUidOf(absolute));
  if (uid === undefined) {
    throw new ServiceError('bad-request', `The reference ${basename(absolute)} is not a DICOM image, so it names no series for the SEG to refer to.`);
  }
  return dicomSeriesFiles(dirname(absolute), uid);
}
