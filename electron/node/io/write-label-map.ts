/**
 * Saves a segmentation: the label map in the source image's exact geometry (NIfTI .nii.gz for most
 * tools, NRRD for 3D Slicer) as uint8 or uint16, plus `<file>.json` saying what each value
 * means and how the labels were made.
 */
import { basename, resolve } from 'node:path';
import { ServiceError } from '../../common/errors';
import {
  LABEL_SIDECAR_FORMAT,
  LABEL_SIDECAR_VERSION,
  labelSidecarPath,
  parseLabelSidecar,
  type LabelEntry,
  type LabelProvenance,
  type LabelSidecar,
} from '../../common/label-sidecar';
import { narrowLabelVoxels } from '../../common/label-values';
import type { VolumeGeometry, VoxelArray } from '../../common/volume';
import { writeVolume } from './write-volume';
import { writeFileAtomically } from '../atomic-write';

const LABEL_MAP_EXTENSIONS = ['.nii.gz', '.nii', '.seg.nrrd', '.nrrd'] as const;

export interface LabelMapToWrite {
  /** One label value per voxel of `geometry`, i fastest: any integer type, or floats holding integers. */
  readonly voxels: VoxelArray;
  /** The source image's geometry, written unchanged. */
  readonly geometry: VolumeGeometry;
  readonly labels: readonly LabelEntry[];
  readonly provenance: LabelProvenance;
}

export interface WrittenLabelMap {
  readonly path: string;
  readonly sidecarPath: string;
  readonly componentType: 'uint8' | 'uint16';
}

/** 3D Slicer reads these header fields to name and colour the segments of a .seg.nrrd. */
function slicerSegmentMetadata(labels: readonly LabelEntry[]): Map<string, string> {
  const metadata = new Map<string, string>();
  labels
    .filter((label) => label.value > 0)
    .forEach((label, n) => {
      const prefix = `Segment${n}_`;
      metadata.set(`${prefix}ID`, `Segment_${label.value}`);
      metadata.set(`${prefix}Name`, label.name);
      metadata.set(`${prefix}Color`, label.color.map((c) => (c / 255).toFixed(4)).join(' '));
      metadata.set(`${prefix}LabelValue`, String(label.value));
      metadata.set(`${prefix}Layer`, '0');
    });
  return metadata;
}

/** The sidecar, whole or not at all, with one sentence when the disk refuses it. */
async function writeSidecar(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomically(path, text);
  } catch {
    throw new ServiceError('internal', `Could not write ${basename(path)}: the disk may be full or the folder read-only.`);
  }
}

export async function writeLabelMap(path: string, labelMap: LabelMapToWrite): Promise<WrittenLabelMap> {
  const absolute = resolve(path);
  const name = basename(absolute);
  const lower = name.toLowerCase();
  if (!LABEL_MAP_EXTENSIONS.some((ext) => lower.endsWith(ext))) {
    throw new ServiceError(
      'bad-request',
      `Cannot save the label map as ${name}: use ${LABEL_MAP_EXTENSIONS.join(' or ')}.`,
    );
  }
  const sidecarPath = labelSidecarPath(absolute);
  const sidecar: LabelSidecar = parseLabelSidecar(
    {
      format: LABEL_SIDECAR_FORMAT,
      version: LABEL_SIDECAR_VERSION,
      labels: labelMap.labels,
      provenance: labelMap.provenance,
    },
    basename(sidecarPath),
    'bad-request',
  );
  const narrowed = narrowLabelVoxels(labelMap.voxels);
  if ('problem' in narrowed)
    throw new ServiceError('bad-request', `Cannot save the label map ${name}: ${narrowed.problem}.`);

  const isNrrd = lower.endsWith('.nrrd');
  await writeVolume(
    { geometry: labelMap.geometry, componentType: narrowed.componentType, voxels: narrowed.voxels },
    absolute,
    isNrrd ? { metadata: slicerSegmentMetadata(sidecar.labels) } : {},
  );
  await writeSidecar(sidecarPath, `${JSON.stringify(sidecar, null, 2)}\n`);
  return { path: absolute, sidecarPath, componentType: narrowed.componentType };
}
