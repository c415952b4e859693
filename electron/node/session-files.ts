/** Writing and reading session files (common/session-file.ts) under the file-access policy. */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { ServiceError } from '../common/errors';
import { SESSION_FORMAT, sessionFileSchema, type SessionFile } from '../common/session-file';
import type { FileAccessPolicy } from './file-access';

function storedPath(sessionFolder: string, target: string): string {
  const rel = relative(sessionFolder, target);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : target;
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
  const partial = `${path}.${randomBytes(4).toString('hex')}.partial`;
  try {
    await writeFile(partial, `${JSON.stringify(content, null, 2)}\n`);
    await rename(partial, path);
  } catch {
    await rm(partial, { force: true });
    throw new ServiceError('internal', `Could not write ${basename(path)}: the disk may be full or the folder read-only.`);
  }
  return path;
}

/**
 * Reads a session the policy allowed. The files it names must be allowed too, except that a
 * session the user chose by hand (a dialog) vouches for the files it names, which are granted.
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
  const locate = async (stored: string): Promise<string> => {
    const target = resolve(folder, stored);
    if (files.isGranted(allowedPath)) return files.grant(target).catch(() => target);
    return files.check(target);
  };
  const imagePath = parsed.data.sample === true ? parsed.data.image : await locate(parsed.data.image);
  return { imagePath, labelsPath: await locate(parsed.data.labels), session: parsed.data };
}
