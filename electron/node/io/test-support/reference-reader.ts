/**
 * The independent reader (scripts/nibabel_info.py: nibabel for NIfTI/MGH, a spec-based parser for
 * NRRD), run with Debian's python3 where nibabel is installed, and the shared data folder.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { VoxelArray } from '../../../common/volume';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const REFERENCE_PYTHON = process.env.ISEG_REFERENCE_PYTHON ?? '/usr/bin/python3';
const SCRIPT = join(REPO_ROOT, 'scripts', 'nibabel_info.py');

export const SHARED_DATA = resolve(process.env.ISEG_SHARED_DATA ?? join(REPO_ROOT, '..', 'shared', 'data'));

/** Why the shared-data tests cannot run, or undefined when they can. */
export function sharedDataMissingReason(): string | undefined {
  return existsSync(SHARED_DATA)
    ? undefined
    : `skipped: the shared data folder ${SHARED_DATA} is missing (set ISEG_SHARED_DATA to point elsewhere)`;
}

/** Why the reference reader cannot run, or undefined when it can. */
export function referenceMissingReason(): string | undefined {
  const probe = spawnSync(REFERENCE_PYTHON, ['-c', 'import nibabel, numpy'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  return `skipped: nibabel is not importable by ${REFERENCE_PYTHON} (set ISEG_REFERENCE_PYTHON to a python with nibabel and numpy)`;
}

export interface ReferenceInfo {
  readonly file: string;
  readonly shape: number[];
  readonly zooms: number[];
  readonly dtype: string;
  /** 4×4 index-to-world affine in RAS millimetres, row by row. */
  readonly affine: number[][];
  readonly axcodes: string;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  /** sha256 of the voxels as little-endian float64, i fastest. */
  readonly sha256: string;
  readonly values?: Record<string, number>;
}

const run = promisify(execFile);

export async function readWithReference(paths: readonly string[]): Promise<ReferenceInfo[]> {
  const { stdout } = await run(REFERENCE_PYTHON, [SCRIPT, ...paths], { maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as ReferenceInfo[];
}

/** The same digest as the reference reader's sha256. */
export function voxelDigest(voxels: VoxelArray): string {
  const asFloat64 = Float64Array.from(voxels);
  return createHash('sha256').update(new Uint8Array(asFloat64.buffer)).digest('hex');
}
