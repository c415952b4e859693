/**
 * The JSON file written beside every saved label map (`knee.nii.gz` → `knee.nii.gz.json`): what
 * each value means and how the segmentation was made. Objects are loose, so fields added by a
 * later version survive a read–write by this one; `version` changes only when a field changes
 * meaning.
 */
import { z } from 'zod';
import { ServiceError, type ErrorCode } from './errors';

export const LABEL_SIDECAR_FORMAT = 'iseg-label-map';
export const LABEL_SIDECAR_VERSION = 1;

const byte = z.number().int().min(0).max(255);

export const labelEntrySchema = z.looseObject({
  /** Voxel value; 0 is background and is usually not listed. */
  value: z.number().int().min(0).max(65535),
  name: z.string().min(1).max(256),
  color: z.tuple([byte, byte, byte]),
});
export type LabelEntry = z.infer<typeof labelEntrySchema>;

export const modelReferenceSchema = z.looseObject({
  id: z.string().min(1).max(256),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits'),
});

export const labelProvenanceSchema = z.looseObject({
  app: z.looseObject({ name: z.string().min(1), version: z.string().min(1) }),
  /** ISO 8601 time the file was written. */
  created: z.iso.datetime({ offset: true }),
  /** File name (not the full path, which may be private) of the image the labels were drawn on. */
  sourceImage: z.string().max(1024),
  models: z.array(modelReferenceSchema),
  /** Number of clicks given to the interactive model. */
  clicks: z.number().int().nonnegative(),
  /** Propagation settings as the propagation code names them. */
  propagation: z.record(z.string(), z.json()).optional(),
});
export type LabelProvenance = z.infer<typeof labelProvenanceSchema>;

export const labelSidecarSchema = z.looseObject({
  format: z.literal(LABEL_SIDECAR_FORMAT),
  version: z.number().int().min(1),
  labels: z.array(labelEntrySchema).superRefine((labels, context) => {
    const seen = new Set<number>();
    for (const label of labels) {
      if (seen.has(label.value))
        context.addIssue({ code: 'custom', message: `label value ${label.value} is listed twice` });
      seen.add(label.value);
    }
  }),
  provenance: labelProvenanceSchema,
});
export type LabelSidecar = z.infer<typeof labelSidecarSchema>;

/**
 * Checks `json` against the schema; `source` names the file in the error sentence, thrown with
 * `code` ('unreadable' for a file we read, 'bad-request' for a caller's argument).
 */
export function parseLabelSidecar(
  json: unknown,
  source: string,
  code: ErrorCode = 'unreadable',
): LabelSidecar {
  const parsed = labelSidecarSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new ServiceError(
    code,
    `${source} is not a valid label sidecar${where}: ${issue?.message ?? 'rejected'}.`,
  );
}

/** What a label map may be saved as, longest first where one ends another. */
export const LABEL_MAP_SUFFIXES = ['.seg.nrrd', '.nii.gz', '.nrrd', '.nii'] as const;

/**
 * `dir/femur.nii.gz` → `dir/femur.nii.gz.json`: named after the whole file, so exports of one
 * stem in two formats (femur.nii.gz, femur.nrrd) never share, and overwrite, one sidecar.
 */
export function labelSidecarPath(labelMapPath: string): string {
  return `${labelMapPath}.json`;
}

/** Where versions before 0.2 wrote the sidecar (`dir/knee.nii.gz` → `dir/knee.labels.json`), still read. */
export function legacyLabelSidecarPath(labelMapPath: string): string {
  const lower = labelMapPath.toLowerCase();
  const suffix = LABEL_MAP_SUFFIXES.find((s) => lower.endsWith(s));
  const stem = suffix ? labelMapPath.slice(0, -suffix.length) : labelMapPath;
  return `${stem}.labels.json`;
}
