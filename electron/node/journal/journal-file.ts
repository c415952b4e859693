/**
 * The journal's two files per document, in the app's data folder:
 *   <id>.log          records appended as they come, each framed as
 *                     u32 payload length | 8 bytes of the payload's SHA-256 | payload (common/wire frame);
 *   <id>.snapshot.gz  the whole state at one record (gzip of a wire frame), replaced atomically.
 * A record whose length runs past the end of the file or whose digest does not match is a torn
 * tail (the process died while writing it): reading stops there and says how many bytes it left out.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { z } from 'zod';
import { journalLabelsSchema, journalRecordSchema, journalSegmentSchema, journalStepSchema, type JournalRecord } from '../../common/contract-journal';
import type { JournalSnapshotState } from '../../common/journal/journal-state';
import { decodeFrame, encodeFrame } from '../../common/wire';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const FRAME_HEAD = 12;
/** A single record larger than this is not something the page sends; treat it as damage. */
const MAX_RECORD_BYTES = 1 << 30;

export const imageRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sample') }).strict(),
  z.object({ kind: z.literal('file'), path: z.string().min(1).max(4096), seriesUid: z.string().min(1).max(128).optional() }).strict(),
]);
/** What to reopen on restore: the bundled sample or an image file (one series of a DICOM folder). */
export type ImageRef = z.infer<typeof imageRefSchema>;

export const documentInfoSchema = z
  .object({
    image: imageRefSchema,
    imageName: z.string().max(512),
    size: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
  })
  .strict();
export type DocumentInfo = z.infer<typeof documentInfoSchema>;

const snapshotSchema = z
  .object({
    format: z.literal('iseg-journal-snapshot'),
    version: z.literal(1),
    info: documentInfoSchema,
    labels: journalLabelsSchema,
    segments: z.array(journalSegmentSchema),
    active: z.number().int().optional(),
    steps: z.array(journalStepSchema),
    cursor: z.number().int().nonnegative(),
    lastSeq: z.number().int().nonnegative(),
    savedSeq: z.number().int().nonnegative(),
  })
  .strict();

function digest(payload: Uint8Array): Buffer {
  return createHash('sha256').update(payload).digest().subarray(0, 8);
}

/** One record as the bytes appended to the log. */
export function encodeRecord(record: JournalRecord): Buffer {
  const payload = new Uint8Array(encodeFrame(record));
  const head = Buffer.alloc(FRAME_HEAD);
  head.writeUInt32LE(payload.byteLength, 0);
  digest(payload).copy(head, 4);
  return Buffer.concat([head, payload]);
}

export interface LogContents {
  records: JournalRecord[];
  /** Where each record ends in the log. */
  ends: number[];
  /** Bytes of whole, valid records from the start; a torn tail begins here. */
  validBytes: number;
  /** Bytes after the last valid record (0 when the log ended cleanly). */
  tornBytes: number;
}

/** Reads records up to the first incomplete or damaged one. */
export function decodeLog(bytes: Uint8Array): LogContents {
  const records: JournalRecord[] = [];
  const ends: number[] = [];
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset + FRAME_HEAD <= view.length) {
    const length = view.readUInt32LE(offset);
    const end = offset + FRAME_HEAD + length;
    if (length > MAX_RECORD_BYTES || end > view.length) break;
    const payload = view.subarray(offset + FRAME_HEAD, end);
    if (!digest(payload).equals(view.subarray(offset + 4, offset + FRAME_HEAD))) break;
    let parsed;
    try {
      parsed = journalRecordSchema.safeParse(decodeFrame(payload.buffer.slice(payload.byteOffset, payload.byteOffset + payload.byteLength) as ArrayBuffer));
    } catch {
      break;
    }
    if (!parsed.success) break;
    records.push(parsed.data);
    ends.push(end);
    offset = end;
  }
  return { records, ends, validBytes: offset, tornBytes: view.length - offset };
}

/** A state as it travels (to the snapshot file, or to the page on restore): labels copied out. */
export function statePayload(state: JournalSnapshotState) {
  const labels = state.labels;
  return {
    labels: {
      componentType: labels instanceof Uint16Array ? ('uint16' as const) : ('uint8' as const),
      voxels: labels.buffer.slice(labels.byteOffset, labels.byteOffset + labels.byteLength) as ArrayBuffer,
    },
    segments: state.segments,
    ...(state.active === undefined ? {} : { active: state.active }),
    steps: state.steps,
    cursor: state.cursor,
    lastSeq: state.lastSeq,
  };
}

/**
 * The snapshot file's bytes. The frame is built synchronously (it copies every buffer), so the
 * state may change as soon as this returns a promise; only the compression runs later.
 */
export function encodeSnapshot(info: DocumentInfo, state: JournalSnapshotState): Promise<Buffer> {
  const frame = encodeFrame({
    format: 'iseg-journal-snapshot',
    version: 1,
    info,
    ...statePayload(state),
    savedSeq: state.savedSeq,
  });
  return gzipAsync(new Uint8Array(frame), { level: 1 });
}

export async function decodeSnapshot(bytes: Buffer): Promise<{ info: DocumentInfo; state: JournalSnapshotState }> {
  const frame = await gunzipAsync(bytes);
  const parsed = snapshotSchema.parse(decodeFrame(frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength)));
  const { componentType, voxels } = parsed.labels;
  const labels = componentType === 'uint16' ? new Uint16Array(voxels) : new Uint8Array(voxels);
  if (labels.length !== parsed.info.size[0] * parsed.info.size[1] * parsed.info.size[2]) throw new Error('labels do not fit the image size');
  if (parsed.cursor > parsed.steps.length) throw new Error('history position out of range');
  return {
    info: parsed.info,
    state: {
      labels,
      segments: parsed.segments,
      ...(parsed.active === undefined ? {} : { active: parsed.active }),
      steps: parsed.steps,
      cursor: parsed.cursor,
      lastSeq: parsed.lastSeq,
      savedSeq: parsed.savedSeq,
    },
  };
}
