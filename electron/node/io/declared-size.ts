/**
 * What an image file's header says it holds, read from its first bytes before anything is
 * allocated for its voxels: a 384-byte MGH header can claim 30000³ voxels, and a small gzip file can
 * inflate to gigabytes. `checkDeclaredSize` refuses a file whose voxels would not fit the memory
 * limit (derived from free memory) or whose voxel type iSeg cannot use, in one sentence; the
 * declared content length also caps how far its gzip stream may be inflated.
 */
import { freemem } from 'node:os';
import { open } from 'node:fs/promises';
import { constants, gunzipSync } from 'node:zlib';
import { ServiceError } from '../../common/errors';
import type { VolumeFormatId } from './formats';
import { readNiftiHeader } from './nifti-header';

/** Enough of the (inflated) start of a file for every header iSeg reads this way. */
const HEAD_BYTES = 1 << 16;

/** What the header declares. */
export interface DeclaredImage {
  /** Voxels per axis, as many axes as the header has (4D included), times components per voxel. */
  readonly dims: readonly number[];
  readonly components: number;
  /** Bytes per component; undefined when the type is unknown here (ITK decides). */
  readonly bytesPerComponent: number | undefined;
  /** A voxel type iSeg refuses (int64, complex…), named for the message. */
  readonly unsupportedType?: string;
  /** Bytes of (inflated) content the header accounts for: header plus voxels, when it says. */
  readonly contentBytes?: number;
}

/** The start of a file's content, and whether the file is gzip-compressed (the readers need both). */
export interface ContentHead {
  readonly bytes: Uint8Array;
  readonly gzip: boolean;
}

/** The first bytes of the content, inflating only what is needed when the file is gzip-compressed. */
export async function contentHead(path: string, bytes = HEAD_BYTES): Promise<ContentHead> {
  const handle = await open(path, 'r');
  try {
    const raw = new Uint8Array(bytes);
    const { bytesRead } = await handle.read(raw, 0, bytes, 0);
    const start = raw.subarray(0, bytesRead);
    return { bytes: inflatedHead(start, bytes), gzip: isGzip(start) };
  } finally {
    await handle.close();
  }
}

/** Whether bytes start with gzip's magic number. */
export function isGzip(raw: Uint8Array): boolean {
  return raw[0] === 0x1f && raw[1] === 0x8b;
}

/**
 * The start of the content of `raw`: itself, or its first inflated bytes when it is gzip. Growing
 * prefixes of the compressed stream are inflated (a partial stream is fine here), so a stream that
 * inflates a thousandfold yields the head from its first bytes without inflating megabytes.
 */
export function inflatedHead(raw: Uint8Array, bytes = HEAD_BYTES): Uint8Array {
  if (!isGzip(raw)) return raw.subarray(0, bytes);
  let head = new Uint8Array(0);
  for (const prefix of [512, 4096, 32768, bytes]) {
    try {
      head = gunzipSync(raw.subarray(0, prefix), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return head.subarray(0, bytes); // damaged here: the full read says so
    }
    if (head.length >= bytes || prefix >= raw.length) break;
  }
  return head.subarray(0, bytes);
}

const NIFTI_TYPES: ReadonlyMap<number, { bytes: number; components?: number; unsupported?: string }> = new Map([
  [2, { bytes: 1 }],
  [4, { bytes: 2 }],
  [8, { bytes: 4 }],
  [16, { bytes: 4 }],
  [32, { bytes: 8, unsupported: 'complex64' }],
  [64, { bytes: 8 }],
  [128, { bytes: 1, components: 3 }],
  [256, { bytes: 1 }],
  [512, { bytes: 2 }],
  [768, { bytes: 4 }],
  [1024, { bytes: 8, unsupported: 'int64' }],
  [1280, { bytes: 8, unsupported: 'uint64' }],
  [1536, { bytes: 16, unsupported: 'float128' }],
  [1792, { bytes: 16, unsupported: 'complex128' }],
  [2048, { bytes: 32, unsupported: 'complex256' }],
  [2304, { bytes: 1, components: 4 }],
]);

function niftiDeclared(head: Uint8Array): DeclaredImage | undefined {
  const header = readNiftiHeader(head);
  if (!header || header.rank < 1 || header.rank > 7) return undefined;
  const type = NIFTI_TYPES.get(header.datatype);
  // ITK reads an axis of 0 or less as 1; the first three must hold voxels for a volume.
  const dims = header.dims.map((d, axis) => (axis < 3 ? d : Math.max(1, d)));
  const bytesPerComponent = type?.bytes ?? (header.bitpix > 0 ? header.bitpix / 8 : undefined);
  const components = type?.components ?? 1;
  const offset = Math.max(header.headerSize + 4, Number.isFinite(header.voxOffset) ? header.voxOffset : 0);
  const voxelBytes = bytesPerComponent === undefined ? undefined : product(dims) * components * bytesPerComponent;
  return {
    dims,
    components,
    bytesPerComponent,
    ...(type?.unsupported !== undefined ? { unsupportedType: type.unsupported } : {}),
    ...(voxelBytes !== undefined ? { contentBytes: offset + voxelBytes } : {}),
  };
}

const MGH_HEADER_BYTES = 284;
const MGH_TYPES: ReadonlyMap<number, number> = new Map([
  [0, 1],
  [1, 4],
  [3, 4],
  [4, 2],
]);

function mghDeclared(head: Uint8Array): DeclaredImage | undefined {
  if (head.length < 28) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const dims = [4, 8, 12, 16].map((at) => view.getInt32(at, false));
  if (dims.some((d) => d < 1)) return undefined;
  // Optional tags may follow the voxels (a few kilobytes): the inflation slack covers them.
  return fixedHeaderDeclared(dims, MGH_TYPES.get(view.getInt32(20, false)), MGH_HEADER_BYTES);
}

/** A binary header of fixed length followed by single-component voxels (MGH, GIPL). */
function fixedHeaderDeclared(dims: number[], bytesPerComponent: number | undefined, headerBytes: number): DeclaredImage {
  return {
    dims,
    components: 1,
    bytesPerComponent,
    ...(bytesPerComponent !== undefined ? { contentBytes: headerBytes + product(dims) * bytesPerComponent } : {}),
  };
}

const GIPL_HEADER_BYTES = 256;
const GIPL_TYPES: ReadonlyMap<number, number> = new Map([
  [1, 1],
  [7, 1],
  [8, 1],
  [15, 2],
  [16, 2],
  [31, 4],
  [32, 4],
  [64, 4],
  [65, 8],
]);

function giplDeclared(head: Uint8Array): DeclaredImage | undefined {
  if (head.length < 10) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const dims = [0, 2, 4, 6].map((at) => Math.max(1, view.getUint16(at, false)));
  return fixedHeaderDeclared(dims, GIPL_TYPES.get(view.getUint16(8, false)), GIPL_HEADER_BYTES);
}

/** NRRD and MetaImage headers are text: `key: value` / `Key = value` lines. */
function textFields(head: Uint8Array, separator: RegExp): Map<string, string> {
  const text = new TextDecoder('latin1').decode(head);
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = separator.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) fields.set(match[1].trim().toLowerCase(), match[2].trim());
  }
  return fields;
}

function integers(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(/\s+/).filter((v) => v !== '').map(Number);
  return values.length > 0 && values.every((v) => Number.isInteger(v)) ? values : undefined;
}

const NRRD_TYPES: ReadonlyMap<string, { bytes: number; unsupported?: string }> = new Map([
  ...['char', 'signed char', 'int8', 'int8_t', 'uchar', 'unsigned char', 'uint8', 'uint8_t'].map((t) => [t, { bytes: 1 }] as const),
  ...['short', 'short int', 'signed short', 'signed short int', 'int16', 'int16_t', 'ushort', 'unsigned short', 'unsigned short int', 'uint16', 'uint16_t'].map(
    (t) => [t, { bytes: 2 }] as const,
  ),
  ...['int', 'signed int', 'int32', 'int32_t', 'uint', 'unsigned int', 'uint32', 'uint32_t', 'float'].map((t) => [t, { bytes: 4 }] as const),
  ['double', { bytes: 8 }],
  ...['longlong', 'long long', 'long long int', 'signed long long', 'signed long long int', 'int64', 'int64_t'].map(
    (t) => [t, { bytes: 8, unsupported: 'int64' }] as const,
  ),
  ...['ulonglong', 'unsigned long long', 'unsigned long long int', 'uint64', 'uint64_t'].map((t) => [t, { bytes: 8, unsupported: 'uint64' }] as const),
]);

function nrrdDeclared(head: Uint8Array): DeclaredImage | undefined {
  const fields = textFields(head.subarray(0, endOfTextHeader(head)), /^([^:#][^:]*):=?\s*(.*)$/);
  const dims = integers(fields.get('sizes'));
  if (!dims || dims.some((d) => d < 1)) return undefined;
  const type = NRRD_TYPES.get((fields.get('type') ?? '').toLowerCase());
  return {
    dims,
    components: 1,
    bytesPerComponent: type?.bytes,
    ...(type?.unsupported !== undefined ? { unsupportedType: type.unsupported } : {}),
  };
}

const META_TYPES: ReadonlyMap<string, { bytes: number; unsupported?: string }> = new Map([
  ['met_char', { bytes: 1 }],
  ['met_uchar', { bytes: 1 }],
  ['met_short', { bytes: 2 }],
  ['met_ushort', { bytes: 2 }],
  ['met_int', { bytes: 4 }],
  ['met_uint', { bytes: 4 }],
  ['met_long', { bytes: 4 }],
  ['met_ulong', { bytes: 4 }],
  ['met_float', { bytes: 4 }],
  ['met_double', { bytes: 8 }],
  ['met_long_long', { bytes: 8, unsupported: 'int64' }],
  ['met_ulong_long', { bytes: 8, unsupported: 'uint64' }],
]);

function metaDeclared(head: Uint8Array): DeclaredImage | undefined {
  const fields = textFields(head.subarray(0, endOfTextHeader(head)), /^\s*([A-Za-z]\w*)\s*=\s*(.*)$/);
  const dims = integers(fields.get('dimsize'));
  if (!dims || dims.some((d) => d < 1)) return undefined;
  const type = META_TYPES.get((fields.get('elementtype') ?? '').toLowerCase());
  const components = integers(fields.get('elementnumberofchannels'))?.[0] ?? 1;
  return {
    dims,
    components: Math.max(1, components),
    bytesPerComponent: type?.bytes,
    ...(type?.unsupported !== undefined ? { unsupportedType: type.unsupported } : {}),
  };
}

/** Text headers end at a blank line (NRRD) or the ElementDataFile line (MetaImage); binary data follows. */
function endOfTextHeader(head: Uint8Array): number {
  const text = new TextDecoder('latin1').decode(head);
  const blank = text.search(/\r?\n\r?\n/);
  const dataFile = /ElementDataFile\s*=.*(\n|$)/.exec(text);
  const ends = [blank, dataFile ? dataFile.index + dataFile[0].length : -1].filter((at) => at >= 0);
  return ends.length > 0 ? Math.min(...ends) : head.length;
}

const DECLARERS: Record<VolumeFormatId, (head: Uint8Array) => DeclaredImage | undefined> = {
  nifti: niftiDeclared,
  mgh: mghDeclared,
  gipl: giplDeclared,
  nrrd: nrrdDeclared,
  metaimage: metaDeclared,
};

/** What the header at the start of `head` (inflated content) declares; undefined when it cannot be read here. */
export function declaredImage(format: VolumeFormatId, head: Uint8Array): DeclaredImage | undefined {
  return DECLARERS[format](head);
}

function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

/** Bytes the voxels take in memory (the largest buffer a read allocates), undefined when unknown. */
export function declaredVoxelBytes(declared: DeclaredImage): number | undefined {
  if (declared.bytesPerComponent === undefined) return undefined;
  return product(declared.dims) * declared.components * declared.bytesPerComponent;
}

/**
 * The most voxel bytes one read may allocate: a quarter of free memory (a read briefly holds the
 * file, its inflated content and the voxels), and at most 2 GiB (ITK's WebAssembly memory).
 */
export function volumeByteLimit(free: number = freemem()): number {
  return Math.min(Math.floor(free / 4), 2 * 1024 ** 3);
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value >= 100 ? value.toFixed(0) : value.toPrecision(3)} ${units[unit] ?? ''}`;
}

/** Refuses, in one sentence naming the size, a header whose voxels iSeg cannot use or hold. */
export function checkDeclaredSize(declared: DeclaredImage, name: string, limit: number = volumeByteLimit()): void {
  const sizeText = declared.dims.join('×');
  if (declared.dims.some((d) => d < 1)) {
    throw new ServiceError('unreadable', `${name} declares a size of ${sizeText}: an axis with no voxels, so it holds no image.`);
  }
  if (declared.unsupportedType !== undefined) {
    throw new ServiceError('unreadable', `${name} stores ${declared.unsupportedType} voxels (${sizeText}), which iSeg does not support.`);
  }
  const bytes = declaredVoxelBytes(declared);
  if (bytes !== undefined && bytes > limit) {
    throw new ServiceError(
      'unreadable',
      `${name} declares ${sizeText} voxels (${formatBytes(bytes)}), more than the ${formatBytes(limit)} iSeg allows one image now (a quarter of free memory, at most 2 GiB).`,
    );
  }
}

/**
 * The most voxel bytes the viewer page takes in one image: it holds them, a label volume of the
 * same grid and their GPU textures, and a Chromium tab dies somewhere above this (768³ float32 did).
 */
export const VIEWER_VOXEL_BYTES = 1 << 30;

/** Why the viewer cannot hold `bytes` of voxels on this grid (one sentence saying what would fit), or undefined. */
export function viewerRefusal(name: string, dims: readonly number[], bytesPerVoxel: number, bytes: number): string | undefined {
  if (bytes <= VIEWER_VOXEL_BYTES) return undefined;
  const edge = Math.floor(Math.cbrt(VIEWER_VOXEL_BYTES / bytesPerVoxel));
  return `${name} is ${dims.join('×')} voxels (${formatBytes(bytes)}), more than the ${formatBytes(VIEWER_VOXEL_BYTES)} the viewer can hold; at ${bytesPerVoxel} byte${bytesPerVoxel === 1 ? '' : 's'} per voxel about ${edge}×${edge}×${edge} would fit, so crop or downsample it first.`;
}

/** Refuses up front, from the header, an image the viewer could not hold. */
export function checkFitsViewer(declared: DeclaredImage, name: string): void {
  const bytes = declaredVoxelBytes(declared);
  if (bytes === undefined || declared.bytesPerComponent === undefined) return;
  const refusal = viewerRefusal(name, declared.dims, declared.bytesPerComponent * declared.components, bytes);
  if (refusal !== undefined) throw new ServiceError('unreadable', refusal);
}
