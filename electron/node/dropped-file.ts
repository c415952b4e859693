/**
 * Serve mode's copy of a file dropped on the page: written as a new file under the output
 * folder's dropped/ (never over anything), so it has a path like any other image: it can be
 * reopened from the recent files, saved in a session and autosaved.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceError } from '../common/errors';
import { droppedFileProblem, SINGLE_FILE_SUFFIXES } from '../common/dropped-files';

const MAX_NAME_TRIES = 1000;

/** "knee.nii.gz", 2 → "knee-2.nii.gz" (the suffix kept whole). */
export function numberedName(name: string, n: number): string {
  if (n <= 1) return name;
  const suffix = SINGLE_FILE_SUFFIXES.find((s) => name.toLowerCase().endsWith(s)) ?? '';
  return `${name.slice(0, name.length - suffix.length)}-${n}${name.slice(name.length - suffix.length)}`;
}

/** Writes the dropped bytes under `outputFolder`/dropped and returns the new file's path. */
export async function saveDroppedFile(
  outputFolder: string | undefined,
  name: string,
  bytes: ArrayBuffer,
): Promise<string> {
  if (outputFolder === undefined)
    throw new ServiceError('not-allowed', 'Dropped files are opened by their path in the desktop app.');
  const problem = droppedFileProblem(name, bytes.byteLength);
  if (problem !== undefined) throw new ServiceError('bad-request', problem);
  const folder = join(outputFolder, 'dropped');
  await mkdir(folder, { recursive: true, mode: 0o700 });
  for (let n = 1; n <= MAX_NAME_TRIES; n++) {
    const target = join(folder, numberedName(name, n));
    try {
      await writeFile(target, new Uint8Array(bytes), { flag: 'wx', mode: 0o600 });
      return target;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    }
  }
  throw new ServiceError(
    'not-allowed',
    `The folder ${folder} already holds ${MAX_NAME_TRIES} files named like ${name}; clear it and drop again.`,
  );
}
