/**
 * Minimal MR Image Storage files for tests: enough attributes for GDCM to stack them, in explicit
 * or implicit VR little endian, optionally with a nested sequence of undefined length in front of
 * the attributes the header parser looks for.
 */
import { writeFile } from 'node:fs/promises';
import type { Vec3 } from '../../../common/volume';

export interface SyntheticSlice {
  readonly seriesUid: string;
  readonly seriesNumber: number;
  readonly description: string;
  readonly instanceNumber: number;
  readonly position: Vec3;
  /** Row direction then column direction. */
  readonly orientation: readonly [number, number, number, number, number, number];
  readonly rows: number;
  readonly columns: number;
  /** Row spacing (between rows), column spacing. */
  readonly pixelSpacing: readonly [number, number];
  readonly pixels: Int16Array;
  readonly implicitVr?: boolean;
  readonly withSequence?: boolean;
  /** Modality (0008,0060); MR when absent. */
  readonly modality?: string;
  /** Frame of Reference UID (0020,0052); derived from the series UID when absent, left out when ''. */
  readonly frameOfReferenceUid?: string;
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';
const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';
const LONG_VRS = new Set(['OB', 'OW', 'SQ', 'UN', 'UT']);

function padded(value: string, vr: string): Buffer {
  const text = value.length % 2 === 1 ? value + (vr === 'UI' ? '\0' : ' ') : value;
  return Buffer.from(text, 'latin1');
}

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value);
  return b;
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return b;
}

class DatasetWriter {
  private readonly parts: Buffer[] = [];
  constructor(private readonly explicitVr: boolean) {}

  element(group: number, element: number, vr: string, value: Buffer): this {
    this.parts.push(u16(group), u16(element));
    if (!this.explicitVr) this.parts.push(u32(value.length));
    else if (LONG_VRS.has(vr)) this.parts.push(Buffer.from(vr, 'latin1'), u16(0), u32(value.length));
    else this.parts.push(Buffer.from(vr, 'latin1'), u16(value.length));
    this.parts.push(value);
    return this;
  }

  text(group: number, element: number, vr: string, value: string): this {
    return this.element(group, element, vr, padded(value, vr));
  }

  us(group: number, element: number, value: number): this {
    return this.element(group, element, 'US', u16(value));
  }

  /** A sequence and its one item, both of undefined length, holding one text element. */
  undefinedLengthSequence(group: number, element: number): this {
    this.parts.push(u16(group), u16(element));
    this.parts.push(
      this.explicitVr
        ? Buffer.concat([Buffer.from('SQ', 'latin1'), u16(0), u32(0xffffffff)])
        : u32(0xffffffff),
    );
    this.parts.push(u16(0xfffe), u16(0xe000), u32(0xffffffff));
    const inner = new DatasetWriter(this.explicitVr).text(0x0008, 0x1150, 'UI', MR_IMAGE_STORAGE).bytes();
    this.parts.push(inner);
    this.parts.push(u16(0xfffe), u16(0xe00d), u32(0));
    this.parts.push(u16(0xfffe), u16(0xe0dd), u32(0));
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function syntheticDicomBytes(slice: SyntheticSlice): Buffer {
  const sopInstanceUid = `${slice.seriesUid}.${slice.instanceNumber}`;
  const syntax = slice.implicitVr ? IMPLICIT_LE : EXPLICIT_LE;
  const metaBody = new DatasetWriter(true)
    .element(0x0002, 0x0001, 'OB', Buffer.from([0, 1]))
    .text(0x0002, 0x0002, 'UI', MR_IMAGE_STORAGE)
    .text(0x0002, 0x0003, 'UI', sopInstanceUid)
    .text(0x0002, 0x0010, 'UI', syntax)
    .text(0x0002, 0x0012, 'UI', '1.2.3.4.5.6.7')
    .bytes();
  const meta = new DatasetWriter(true).element(0x0002, 0x0000, 'UL', u32(metaBody.length)).bytes();

  const ds = new DatasetWriter(!slice.implicitVr)
    .text(0x0008, 0x0016, 'UI', MR_IMAGE_STORAGE)
    .text(0x0008, 0x0018, 'UI', sopInstanceUid)
    .text(0x0008, 0x0060, 'CS', slice.modality ?? 'MR')
    .text(0x0008, 0x103e, 'LO', slice.description);
  if (slice.withSequence) ds.undefinedLengthSequence(0x0008, 0x1140);
  ds.text(0x0010, 0x0010, 'PN', 'Phantom^Knee')
    .text(0x0010, 0x0020, 'LO', 'SYNTH01')
    .text(0x0018, 0x0050, 'DS', '1.5')
    .text(0x0020, 0x000d, 'UI', `${slice.seriesUid}.99`)
    .text(0x0020, 0x000e, 'UI', slice.seriesUid)
    .text(0x0020, 0x0011, 'IS', String(slice.seriesNumber))
    .text(0x0020, 0x0013, 'IS', String(slice.instanceNumber))
    .text(0x0020, 0x0032, 'DS', slice.position.join('\\'))
    .text(0x0020, 0x0037, 'DS', slice.orientation.join('\\'));
  const frameOfReference = slice.frameOfReferenceUid ?? `${slice.seriesUid}.0.1`;
  if (frameOfReference !== '') ds.text(0x0020, 0x0052, 'UI', frameOfReference);
  ds.us(0x0028, 0x0002, 1)
    .text(0x0028, 0x0004, 'CS', 'MONOCHROME2')
    .us(0x0028, 0x0010, slice.rows)
    .us(0x0028, 0x0011, slice.columns)
    .text(0x0028, 0x0030, 'DS', slice.pixelSpacing.join('\\'))
    .us(0x0028, 0x0100, 16)
    .us(0x0028, 0x0101, 16)
    .us(0x0028, 0x0102, 15)
    .us(0x0028, 0x0103, 1)
    .element(
      0x7fe0,
      0x0010,
      'OW',
      Buffer.from(slice.pixels.buffer, slice.pixels.byteOffset, slice.pixels.byteLength),
    );
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), meta, metaBody, ds.bytes()]);
}

export async function writeSyntheticDicom(path: string, slice: SyntheticSlice): Promise<void> {
  await writeFile(path, syntheticDicomBytes(slice));
}

/**
 * An axial series of `count` slices, 2 mm apart, written into `folder` as `<uid>-<k>.dcm`; slice k
 * holds a small pattern that differs per slice.
 */
export async function writeSyntheticSeries(
  folder: string,
  series: {
    uid: string;
    count: number;
    rows: number;
    columns: number;
    modality?: string;
    /** Pixel n of slice k (default: a small pattern in 0–199). */
    value?: (n: number, k: number) => number;
  },
): Promise<void> {
  const { uid, count, rows, columns } = series;
  const value = series.value ?? ((n: number, k: number) => (n * 7 + k * 13) % 200);
  for (let k = 0; k < count; k++) {
    await writeSyntheticDicom(`${folder}/${uid}-${k}.dcm`, {
      seriesUid: uid,
      seriesNumber: count,
      description: `Series of ${count}`,
      instanceNumber: k + 1,
      position: [0, 0, 2 * k],
      orientation: [1, 0, 0, 0, 1, 0],
      rows,
      columns,
      pixelSpacing: [0.5, 0.5],
      pixels: Int16Array.from({ length: rows * columns }, (_, n) => value(n, k)),
      ...(series.modality === undefined ? {} : { modality: series.modality }),
    });
  }
}
