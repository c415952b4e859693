/**
 * The NIfTI-1 (348-byte) and NIfTI-2 (540-byte) header, read field by field from the (inflated)
 * start of a file and checked with zod, so the reader never asks ITK-Wasm for a header (its
 * header-only read costs time and memory in proportion to the voxels the header declares).
 */
import { z } from 'zod';

const anyNumber = z.number();
const triple = z.tuple([anyNumber, anyNumber, anyNumber]);
const row = z.tuple([anyNumber, anyNumber, anyNumber, anyNumber]);

export const niftiHeaderSchema = z.object({
  headerSize: z.union([z.literal(348), z.literal(540)]),
  littleEndian: z.boolean(),
  /** "n+1", "ni1", "n+2"… as stored (NUL and trailing bytes removed). */
  magic: z.string(),
  /** dim[0]. */
  rank: z.number().int(),
  /** dim[1] … dim[min(rank, 7)]. */
  dims: z.array(z.number().int()).max(7),
  datatype: z.number().int(),
  bitpix: z.number().int(),
  /** pixdim[0] (qfac) … pixdim[7]. */
  pixdim: z.array(anyNumber).length(8),
  voxOffset: anyNumber,
  slope: anyNumber,
  intercept: anyNumber,
  /** Bits 0–2: spatial units (0 unknown, 1 m, 2 mm, 3 µm). */
  xyztUnits: z.number().int(),
  qformCode: z.number().int(),
  sformCode: z.number().int(),
  quatern: triple,
  qoffset: triple,
  /** srow_x, srow_y, srow_z: the sform's three rows. */
  srow: z.tuple([row, row, row]),
});
export type NiftiHeader = z.infer<typeof niftiHeaderSchema>;

/** Reads one kind of field at a byte position, in the header's byte order. */
interface FieldReader {
  int(at: number): number;
  real(at: number): number;
}

function nifti1Fields(view: DataView, le: boolean): FieldReader {
  return { int: (at) => view.getInt16(at, le), real: (at) => view.getFloat32(at, le) };
}

function nifti2Fields(view: DataView, le: boolean): FieldReader {
  return { int: (at) => Number(view.getBigInt64(at, le)), real: (at) => view.getFloat64(at, le) };
}

function magicAt(head: Uint8Array, at: number, length: number): string {
  const bytes = head.subarray(at, at + length);
  const end = bytes.indexOf(0);
  return new TextDecoder('latin1').decode(end >= 0 ? bytes.subarray(0, end) : bytes);
}

function rawHeader(head: Uint8Array, littleEndian: boolean): unknown {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const size = view.getInt32(0, littleEndian);
  const reals = (read: FieldReader, at: number, count: number, step: number): number[] =>
    Array.from({ length: count }, (_, n) => read.real(at + step * n));
  if (size === 348) {
    const read = nifti1Fields(view, littleEndian);
    const rank = read.int(40);
    return {
      headerSize: size,
      littleEndian,
      magic: magicAt(head, 344, 4),
      rank,
      dims: Array.from({ length: Math.max(0, Math.min(rank, 7)) }, (_, n) => read.int(42 + 2 * n)),
      datatype: read.int(70),
      bitpix: read.int(72),
      pixdim: reals(read, 76, 8, 4),
      voxOffset: read.real(108),
      slope: read.real(112),
      intercept: read.real(116),
      xyztUnits: view.getUint8(123),
      qformCode: read.int(252),
      sformCode: read.int(254),
      quatern: reals(read, 256, 3, 4),
      qoffset: reals(read, 268, 3, 4),
      srow: [reals(read, 280, 4, 4), reals(read, 296, 4, 4), reals(read, 312, 4, 4)],
    };
  }
  if (size === 540 && head.length >= 540) {
    const read = nifti2Fields(view, littleEndian);
    const rank = read.int(16);
    return {
      headerSize: size,
      littleEndian,
      magic: magicAt(head, 4, 8),
      rank,
      dims: Array.from({ length: Math.max(0, Math.min(rank, 7)) }, (_, n) => read.int(24 + 8 * n)),
      datatype: view.getInt16(12, littleEndian),
      bitpix: view.getInt16(14, littleEndian),
      pixdim: reals(read, 104, 8, 8),
      voxOffset: read.int(168),
      slope: read.real(176),
      intercept: read.real(184),
      xyztUnits: view.getInt32(500, littleEndian),
      qformCode: view.getInt32(344, littleEndian),
      sformCode: view.getInt32(348, littleEndian),
      quatern: reals(read, 352, 3, 8),
      qoffset: reals(read, 376, 3, 8),
      srow: [reals(read, 400, 4, 8), reals(read, 432, 4, 8), reals(read, 464, 4, 8)],
    };
  }
  return undefined;
}

/** The header at the start of `head`, in whichever byte order makes sizeof_hdr 348 or 540; undefined when it is not one. */
export function readNiftiHeader(head: Uint8Array): NiftiHeader | undefined {
  if (head.length < 348) return undefined;
  for (const littleEndian of [true, false]) {
    const raw = rawHeader(head, littleEndian);
    if (raw === undefined) continue;
    const parsed = niftiHeaderSchema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  }
  return undefined;
}

/** Whether the header describes a single-file NIfTI (voxels after the header in the same file). */
export function isSingleFile(header: NiftiHeader): boolean {
  return header.magic === 'n+1' || header.magic.startsWith('n+2');
}
