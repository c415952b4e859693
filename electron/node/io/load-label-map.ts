/**
 * Opens a label map to lay over an image that is already open. All checks run before anything is
 * returned, so a caller either gets the whole label map or an error and keeps what it had.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { ServiceError } from '../../common/errors';
import { compareGeometry, describeGeometryDifferences } from '../../common/geometry-compare';
import { labelSidecarPath, legacyLabelSidecarPath, parseLabelSidecar, type LabelSidecar } from '../../common/label-sidecar';
import { narrowLabelVoxels } from '../../common/label-values';
import type { Volume, VolumeGeometry } from '../../common/volume';
import { readVolume } from './read-volume';

export interface LoadedLabelMap {
  /** uint8 or uint16 voxels in the image's geometry. */
  readonly labels: Volume;
  /** The `<file>.json` (or, from older versions, `<stem>.labels.json`) beside the file, when there is one. */
  readonly sidecar: LabelSidecar | undefined;
}

async function readSidecar(labelMapPath: string): Promise<LabelSidecar | undefined> {
  const found = (await readOptional(labelSidecarPath(labelMapPath))) ?? (await readOptional(legacyLabelSidecarPath(labelMapPath)));
  if (found === undefined) return undefined;
  const { path, text } = found;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ServiceError('unreadable', `${basename(path)} is not valid JSON.`);
  }
  return parseLabelSidecar(json, basename(path));
}

/** `read` reads the file (default: here; the app passes its worker-thread reader). */
export async function loadLabelMapFor(
  path: string,
  image: VolumeGeometry,
  read: (path: string) => Promise<Volume> = readVolume,
): Promise<LoadedLabelMap> {
  const absolute = resolve(path);
  const name = basename(absolute);
  const labelMap = await read(absolute);
  const differences = compareGeometry(labelMap.geometry, image);
  if (differences.length > 0) {
    throw new ServiceError(
      'geometry-mismatch',
      `Label map ${name} does not match the image: ${describeGeometryDifferences(differences)} (label map vs image).`,
    );
  }
  const narrowed = narrowLabelVoxels(labelMap.voxels);
  if ('problem' in narrowed)
    throw new ServiceError('unreadable', `${name} is not a label map: ${narrowed.problem}.`);
  const sidecar = await readSidecar(absolute);
  // The image's geometry, not the file's float-rounded copy of it: the two must stay identical.
  return {
    labels: { geometry: image, componentType: narrowed.componentType, voxels: narrowed.voxels },
    sidecar,
  };
}

async function readOptional(path: string): Promise<{ path: string; text: string } | undefined> {
  try {
    return { path, text: await readFile(path, 'utf8') };
  } catch {
    return undefined;
  }
}
