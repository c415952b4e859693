/** Writing and reading session files (common/session-file.ts) under the file-access policy. */
import { readFile, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ServiceError } from '../common/errors';
import { SESSION_FORMAT, sessionFileSchema, type SessionFile } from '../common/session-file';
import { writeFileAtomically } from './atomic-write';
import type { FileAccessPolicy } from './file-access';

function storedPath(sessionFolder: string, target: string): string {
  return isBelow(target, sessionFolder) ? relative(sessionFolder, target).split(sep).join('/') : target;
}

export interface SessionToWrite {
  image: string;
  labels: string;
  seriesUid?: string;
  activeSegment?: number;
  /** `image` is the bundled sample's name, not a path. */
  sample?: true;
}

export async function writeSessionFile(path: string, session: SessionToWrite): Promise<string> {
  const folder = dirname(path);
  const content: SessionFile = {
    format: SESSION_FORMAT,
    version: 1,
    ...session,
    image: session.sample === true ? session.image : storedPath(folder, session.image),
    labels: storedPath(folder, session.labels),
    saved: new Date().toISOString(),
  };
  try {
    await writeFileAtomically(path, `${JSON.stringify(content, null, 2)}\n`);
  } catch {
    throw new ServiceError('internal', `Could not write ${basename(path)}: the disk may be full or the folder read-only.`);
  }
  return path;
}

/**
 * Reads a session the policy allowed. A session file grants nothing by itself: the paths it names
 * are resolved against its folder and checked against the policy like any path the page names.
 * The one exception is a session the user chose by hand (an open dialog): files in its own folder
 * or below are granted for reading, as if the user had chosen them too. Nothing is ever granted
 * for writing, and nothing outside the session's folder.
 */
export async function readSessionFile(
  allowedPath: string,
  files: FileAccessPolicy,
): Promise<{ imagePath: string; labelsPath: string; session: SessionFile }> {
  const name = basename(allowedPath);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(allowedPath, 'utf8'));
  } catch {
    throw new ServiceError('unreadable', `${name} is not a readable session file (not JSON).`);
  }
  const parsed = sessionFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ServiceError('unreadable', `${name} is not a valid session file${issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : ''}.`);
  }
  const folder = dirname(allowedPath);
  const chosenByHand = files.isGranted(allowedPath);
  const locate = async (stored: string): Promise<string> => {
    const target = resolve(folder, stored);
    if (chosenByHand && isBelow(target, folder)) {
      const real = await realpath(target).catch(() => undefined);
      // A link inside the folder that leads out of it is not vouched for.
      if (real !== undefined && isBelow(real, await realpath(folder))) return files.grant(real);
    }
    return files.check(target);
  };
  const imagePath = parsed.data.sample === true ? parsed.data.image : await locate(parsed.data.image);
  return { imagePath, labelsPath: await locate(parsed.data.labels), session: parsed.data };
}

function isBelow(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
