/**
 * Contract methods of the autosave journal (issue 15), spread into `methods` in contract.ts.
 * Handlers: electron/node/journal/journal-service.ts.
 *
 * The page appends every committed edit of a document (one image opened in one page) as a
 * numbered record; main appends it to a file in the app's data folder and fsyncs it before it
 * answers, so an answered record survives a kill -9. Diffs travel as binary, never as JSON arrays.
 */
import { z } from 'zod';

const arrayBufferSchema = z.instanceof(ArrayBuffer);
const seqSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const stepIdSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Opaque, chosen by the page (a UUID); also the journal's file name, hence the narrow alphabet. */
export const documentIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9-]{8,64}$/, 'a document id is 8 to 64 letters, digits or dashes');

export const journalSegmentSchema = z
  .object({
    value: z.number().int().min(1).max(65535),
    name: z.string().max(256),
    color: z.tuple([
      z.number().int().min(0).max(255),
      z.number().int().min(0).max(255),
      z.number().int().min(0).max(255),
    ]),
    visible: z.boolean(),
    locked: z.boolean(),
  })
  .strict();
export type JournalSegment = z.infer<typeof journalSegmentSchema>;

const segmentTableSchema = z.array(journalSegmentSchema).max(65535);

/** Changed voxels: Int32 linear indices, and Uint16 values before and after (paint.ts's LabelDiff). */
export const journalDiffSchema = z
  .object({ indices: arrayBufferSchema, before: arrayBufferSchema, after: arrayBufferSchema })
  .strict()
  .refine(
    (d) =>
      d.indices.byteLength % 4 === 0 &&
      d.before.byteLength * 2 === d.indices.byteLength &&
      d.after.byteLength === d.before.byteLength,
    {
      error: 'a diff needs 4-byte indices and one 2-byte value before and after each',
    },
  );
export type JournalDiff = z.infer<typeof journalDiffSchema>;

export const journalLabelsSchema = z
  .object({ componentType: z.enum(['uint8', 'uint16']), voxels: arrayBufferSchema })
  .strict();
export type JournalLabels = z.infer<typeof journalLabelsSchema>;

/** One undo step as the history holds it. */
export const journalStepSchema = z
  .object({
    id: stepIdSchema,
    label: z.string().max(512),
    diff: journalDiffSchema,
    segmentsBefore: segmentTableSchema.optional(),
    segmentsAfter: segmentTableSchema.optional(),
  })
  .strict();
export type JournalStep = z.infer<typeof journalStepSchema>;

export const journalRecordSchema = z.discriminatedUnion('kind', [
  /** A new undo step (clears the redo side). */
  z.object({ kind: z.literal('step'), seq: seqSchema, step: journalStepSchema }).strict(),
  /** Undo or redo of the step with this id. */
  z.object({ kind: z.literal('undo'), seq: seqSchema, id: stepIdSchema }).strict(),
  z.object({ kind: z.literal('redo'), seq: seqSchema, id: stepIdSchema }).strict(),
  /** The history was emptied; the labels stay. */
  z.object({ kind: z.literal('clear'), seq: seqSchema }).strict(),
  /** The segment table or the active segment changed outside the history (rename, colour, lock, add). */
  z
    .object({
      kind: z.literal('segments'),
      seq: seqSchema,
      segments: segmentTableSchema,
      active: z.number().int().min(0).max(65535).optional(),
    })
    .strict(),
  /** The labels were written to a file: nothing up to here needs restoring. */
  z.object({ kind: z.literal('saved'), seq: seqSchema }).strict(),
]);
export type JournalRecord = z.infer<typeof journalRecordSchema>;

/** The most records one append carries (the page sends what piled up while the last was written). */
export const MAX_RECORDS_PER_APPEND = 4096;

export const pendingDocumentSchema = z.object({
  documentId: documentIdSchema,
  imageName: z.string(),
  /** ISO time of the last record written. */
  changed: z.string(),
  steps: z.number().int().nonnegative(),
  cursor: z.number().int().nonnegative(),
  labelledVoxels: z.number().int().nonnegative(),
  /** A sentence when part of the journal could not be read (a torn tail after a crash). */
  notice: z.string().optional(),
});
export type PendingDocument = z.infer<typeof pendingDocumentSchema>;

/**
 * The methods, given contract.ts's volume schemas (passed in, so this file needs no import of
 * contract.ts and there is no cycle): `...journalMethodsFor(volumeMessageSchema, volumeMetaSchema)`.
 */
export function journalMethodsFor<V extends z.ZodType, M extends z.ZodType>(
  volumeMessageSchema: V,
  volumeMetaSchema: M,
) {
  return {
    /** Starts the journal of a document: the image open under `volumeId`, its labels and segments. */
    'journal.begin': {
      input: z
        .object({
          documentId: documentIdSchema,
          volumeId: z.string().min(1).max(64),
          /** Left out when every voxel is 0 (a freshly opened image). */
          labels: journalLabelsSchema.optional(),
          segments: segmentTableSchema,
          active: z.number().int().min(0).max(65535).optional(),
        })
        .strict(),
      output: z.object({}),
    },
    /**
     * Appends records (numbered from 1 after `begin`; ones already written are skipped). Answers once
     * they are on disk. `rebegin`: the journal cannot follow (a gap, or an undo of a step it no longer
     * holds); the page starts it again with `journal.begin`.
     */
    'journal.append': {
      input: z
        .object({
          documentId: documentIdSchema,
          records: z.array(journalRecordSchema).min(1).max(MAX_RECORDS_PER_APPEND),
        })
        .strict(),
      output: z.object({ lastSeq: z.number().int().nonnegative(), rebegin: z.boolean() }),
    },
    /** The latest document with work not saved to a file, if any: what start-up offers to restore. */
    'journal.pending': {
      input: z.object({}).strict(),
      output: z.object({ document: pendingDocumentSchema.optional() }),
    },
    /** Reopens a document's image and returns its labels, segments and history at the position it had. */
    'journal.restore': {
      input: z.object({ documentId: documentIdSchema }).strict(),
      output: z.object({
        volume: volumeMessageSchema,
        labels: journalLabelsSchema,
        segments: segmentTableSchema,
        active: z.number().int().optional(),
        steps: z.array(journalStepSchema),
        cursor: z.number().int().nonnegative(),
        lastSeq: z.number().int().nonnegative(),
        notice: z.string().optional(),
      }),
    },
    /**
     * After a reconnect: opens the document's image again on a restarted main (the page keeps its
     * labels) and says which records main holds, so the page resends the rest.
     */
    'journal.reattach': {
      input: z.object({ documentId: documentIdSchema }).strict(),
      output: z.object({ volume: volumeMetaSchema, lastSeq: z.number().int().nonnegative() }),
    },
    /** Forgets a document's journal (the user declined to restore it). */
    'journal.discard': {
      input: z.object({ documentId: documentIdSchema }).strict(),
      output: z.object({}),
    },
  } as const;
}
