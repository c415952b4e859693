/**
 * Reads the few DICOM attributes needed to group files into series and stack slices, without
 * starting a WebAssembly pipeline per file (itk-wasm's tag reader costs about 0.2 s a file).
 * Handles explicit and implicit VR little endian, with or without the Part 10 preamble; stops at
 * the pixel data element, whose declared length shows whether the file was cut short (GDCM
 * stacks a truncated slice without complaint).
 */
import type { Vec3 } from '../../common/volume';

export interface DicomSliceHeader {
  readonly seriesInstanceUid: string;
  readonly seriesDescription: string;
  readonly seriesNumber: number | undefined;
  readonly modality: string;
  readonly instanceNumber: number | undefined;
  readonly imagePosition: Vec3 | undefined;
  /** Row direction then column direction, LPS. */
  readonly imageOrientation: readonly number[] | undefined;
  readonly rows: number | undefined;
  readonly columns: number | undefined;
  /** Frames in this file: more than one for enhanced (multi-frame) objects. */
  readonly frames: number;
  /** The file ends before its pixel data (or its header) does. */
  readonly truncated: boolean;
}

/** The parse ran off the end of the bytes it was given: read more of the file and try again. */
export const NEED_MORE_BYTES = 'need-more-bytes';

const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
const LONG_LENGTH_VRS = new Set([
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'SQ',
  'SV',
  'UC',
  'UN',
  'UR',
  'UT',
  'UV',
]);
const UNDEFINED_LENGTH = 0xffffffff;
const PIXEL_DATA = 0x7fe00010;

/** Tags we keep, as (group << 16 | element). */
const TAGS = {
  transferSyntax: 0x00020010,
  modality: 0x00080060,
  seriesDescription: 0x0008103e,
  seriesInstanceUid: 0x0020000e,
  seriesNumber: 0x00200011,
  instanceNumber: 0x00200013,
  imagePosition: 0x00200032,
  imageOrientation: 0x00200037,
  numberOfFrames: 0x00280008,
  rows: 0x00280010,
  columns: 0x00280011,
} as const;
const WANTED = new Set<number>(Object.values(TAGS));

class OutOfBytes extends Error {}

class Cursor {
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }
  need(count: number): void {
    if (this.pos + count > this.bytes.length) throw new OutOfBytes();
  }
  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return value;
  }
  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }
  text(length: number): string {
    this.need(length);
    let s = '';
    for (let n = 0; n < length; n++) s += String.fromCharCode(this.bytes[this.pos + n] ?? 0);
    this.pos += length;
    return s;
  }
  skip(length: number): void {
    this.need(length);
    this.pos += length;
  }
  peekU16(): number {
    this.need(2);
    return this.view.getUint16(this.pos, true);
  }
}

interface Element {
  readonly tag: number;
  readonly vr: string | undefined;
  readonly length: number;
}

function readElementHeader(cursor: Cursor, explicitVr: boolean): Element {
  const group = cursor.u16();
  const element = cursor.u16();
  const tag = ((group << 16) | element) >>> 0;
  // Item and delimiter tags carry no VR in either encoding.
  if (group === 0xfffe || !explicitVr) return { tag, vr: undefined, length: cursor.u32() };
  const vr = cursor.text(2);
  if (LONG_LENGTH_VRS.has(vr)) {
    cursor.skip(2);
    return { tag, vr, length: cursor.u32() };
  }
  return { tag, vr, length: cursor.u16() };
}

const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;

/** Skips the items of a sequence of undefined length, up to and including its delimiter. */
function skipUndefinedLength(cursor: Cursor, explicitVr: boolean): void {
  for (;;) {
    const item = readElementHeader(cursor, false);
    if (item.tag === SEQUENCE_END) return;
    if (item.tag !== ITEM) throw new Error('malformed sequence');
    if (item.length !== UNDEFINED_LENGTH) {
      cursor.skip(item.length);
      continue;
    }
    for (;;) {
      const inner = readElementHeader(cursor, explicitVr);
      if (inner.tag === ITEM_END) break;
      // An undefined-length UN holds implicit VR content, whatever the transfer syntax.
      if (inner.length === UNDEFINED_LENGTH) skipUndefinedLength(cursor, explicitVr && inner.vr !== 'UN');
      else cursor.skip(inner.length);
    }
  }
}

function trimValue(raw: string): string {
  return raw.replace(/[\0 ]+$/, '').replace(/^ +/, '');
}

function numbers(raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const values = trimValue(raw).split('\\').map(Number);
  return values.every(Number.isFinite) ? values : undefined;
}

function integer(raw: string | undefined): number | undefined {
  const value = numbers(raw)?.[0];
  return value !== undefined && Number.isInteger(value) ? value : undefined;
}

/**
 * Reads the wanted elements of a dataset as raw strings (US values as decimal text), up to the
 * pixel data; returns where the pixel data ends by its declared length (undefined when absent or
 * encapsulated).
 */
function readDataset(
  cursor: Cursor,
  explicitVr: boolean,
  values: Map<number, string>,
  wanted: ReadonlySet<number> = WANTED,
): number | undefined {
  while (!cursor.atEnd) {
    const element = readElementHeader(cursor, explicitVr);
    if (element.tag === PIXEL_DATA)
      return element.length === UNDEFINED_LENGTH ? undefined : cursor.pos + element.length;
    if (element.length === UNDEFINED_LENGTH) {
      skipUndefinedLength(cursor, explicitVr && element.vr !== 'UN');
      continue;
    }
    if (!wanted.has(element.tag)) {
      cursor.skip(element.length);
      continue;
    }
    if (element.tag === TAGS.rows || element.tag === TAGS.columns) {
      values.set(element.tag, String(element.length === 2 ? cursor.u16() : NaN));
      if (element.length !== 2) cursor.skip(element.length);
    } else {
      values.set(element.tag, cursor.text(element.length));
    }
  }
  return undefined;
}

interface TopLevelValues {
  readonly values: Map<number, string>;
  readonly cutShort: boolean;
  readonly pixelDataEnd: number | undefined;
}

/** The `wanted` top-level elements of a DICOM file's first bytes as raw strings; see parseDicomHeader. */
function parseTopLevel(
  bytes: Uint8Array,
  fileSize: number,
  wanted: ReadonlySet<number>,
): TopLevelValues | undefined | typeof NEED_MORE_BYTES {
  const complete = bytes.length >= fileSize;
  const hasPreamble = bytes.length >= 132 && String.fromCharCode(...bytes.subarray(128, 132)) === 'DICM';
  const values = new Map<number, string>();
  let pixelDataEnd: number | undefined;
  let cutShort = false;
  try {
    let explicitVr = true;
    const cursor = new Cursor(bytes, hasPreamble ? 132 : 0);
    if (hasPreamble) {
      // File meta information is always explicit VR little endian.
      while (!cursor.atEnd && cursor.peekU16() === 0x0002) {
        const element = readElementHeader(cursor, true);
        if (element.tag === TAGS.transferSyntax) values.set(element.tag, cursor.text(element.length));
        else cursor.skip(element.length);
      }
      const syntax = trimValue(values.get(TAGS.transferSyntax) ?? '');
      if (syntax === '1.2.840.10008.1.2.2' || syntax === '1.2.840.10008.1.2.1.99') return undefined;
      explicitVr = syntax !== IMPLICIT_VR_LITTLE_ENDIAN;
    } else {
      // Without a preamble, accept only what looks like an implicit VR dataset starting at group 0008.
      if (cursor.peekU16() !== 0x0008) return undefined;
      explicitVr = false;
    }
    pixelDataEnd = readDataset(cursor, explicitVr, values, wanted);
  } catch (error) {
    if (error instanceof OutOfBytes && !complete) return NEED_MORE_BYTES;
    // Keep what was read before the damage: with a series UID it is still a DICOM file, and
    // whoever stacks it learns that it is cut short.
    cutShort = true;
  }
  return { values, cutShort, pixelDataEnd };
}

/**
 * The raw text of the `tags` (group << 16 | element) a DICOM file's top-level dataset holds, read
 * from its first bytes as parseDicomHeader reads them; values are trimmed of their padding.
 */
export function parseDicomStrings(
  bytes: Uint8Array,
  fileSize: number,
  tags: readonly number[],
): Map<number, string> | undefined | typeof NEED_MORE_BYTES {
  const parsed = parseTopLevel(bytes, fileSize, new Set([TAGS.transferSyntax, ...tags]));
  if (parsed === undefined || parsed === NEED_MORE_BYTES) return parsed;
  return new Map(
    tags.flatMap((tag) => {
      const raw = parsed.values.get(tag);
      return raw === undefined ? [] : [[tag, trimValue(raw)] as const];
    }),
  );
}

/**
 * The slice header of a DICOM file from its first bytes (`fileSize` is the whole file's length);
 * undefined when the bytes are not DICOM (or use an encoding we do not parse: big endian,
 * deflated); NEED_MORE_BYTES when `bytes` ended before the header did and the file is longer.
 */
export function parseDicomHeader(
  bytes: Uint8Array,
  fileSize: number,
): DicomSliceHeader | undefined | typeof NEED_MORE_BYTES {
  const parsed = parseTopLevel(bytes, fileSize, WANTED);
  if (parsed === undefined || parsed === NEED_MORE_BYTES) return parsed;
  const { values, cutShort, pixelDataEnd } = parsed;
  const uid = values.get(TAGS.seriesInstanceUid);
  if (uid === undefined) return undefined;
  const position = numbers(values.get(TAGS.imagePosition));
  const orientation = numbers(values.get(TAGS.imageOrientation));
  return {
    seriesInstanceUid: trimValue(uid),
    seriesDescription: trimValue(values.get(TAGS.seriesDescription) ?? ''),
    seriesNumber: integer(values.get(TAGS.seriesNumber)),
    modality: trimValue(values.get(TAGS.modality) ?? ''),
    instanceNumber: integer(values.get(TAGS.instanceNumber)),
    imagePosition:
      position?.length === 3 ? [position[0] ?? 0, position[1] ?? 0, position[2] ?? 0] : undefined,
    imageOrientation: orientation?.length === 6 ? orientation : undefined,
    rows: integer(values.get(TAGS.rows)),
    columns: integer(values.get(TAGS.columns)),
    frames: integer(values.get(TAGS.numberOfFrames)) ?? 1,
    truncated: cutShort || (pixelDataEnd !== undefined && pixelDataEnd > fileSize),
  };
}
