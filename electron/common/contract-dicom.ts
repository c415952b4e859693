/**
 * The DICOM export methods (DICOM SEG and RTSTRUCT), part of `methods` in contract.ts. A SEG is read
 * back through `labels.load`, which recognises it by content. Handlers: createDicomSegHandlers() in
 * electron/node/dicom-seg-service.ts.
 */
import { z } from 'zod';
import { labelEntrySchema } from './label-sidecar';

export const dicomSegExportInputSchema = z
  .object({
    /** An open volume that was read from a DICOM series. */
    volumeId: z.string().min(1).max(64),
    path: z.string().min(1).max(4096),
    /** The working labels, one uint8/uint16 value per voxel of the volume, i fastest. */
    labelMap: z.object({ componentType: z.enum(['uint8', 'uint16']), voxels: z.instanceof(ArrayBuffer) }),
    labels: z.array(labelEntrySchema).max(65535),
  })
  .strict();

export const dicomMethods = {
  /** Writes the labels as a DICOM SEG that references the series the volume was opened from. */
  'labels.exportDicomSeg': {
    input: dicomSegExportInputSchema,
    output: z.object({
      path: z.string(),
      /** DICOM segment number for each label value written (1…N). */
      segments: z.array(
        z.object({
          number: z.number().int().positive(),
          value: z.number().int().positive(),
          name: z.string(),
        }),
      ),
    }),
  },
  /** Writes the labels as a DICOM RTSTRUCT (planar contours per slice) referencing the same series. */
  'labels.exportRtStruct': {
    input: dicomSegExportInputSchema,
    output: z.object({
      path: z.string(),
      /** One ROI per label value written, with how many contours and points describe it. */
      rois: z.array(
        z.object({
          number: z.number().int().positive(),
          value: z.number().int().positive(),
          name: z.string(),
          contours: z.number().int().nonnegative(),
          points: z.number().int().nonnegative(),
        }),
      ),
    }),
  },
} as const;
