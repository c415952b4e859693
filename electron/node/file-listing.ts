/** One folder's sub-folders and openable images, for serve mode's file browser. */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileEntry } from '../common/contract';
import { ServiceError } from '../common/errors';
import { volumeFormatOf } from './io/formats';
import { SESSION_SUFFIX } from '../common/session-file';

const MAX_ENTRIES = 2000;

export async function listFolder(folder: string): Promise<{ parent?: string; entries: FileEntry[] }> {
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new ServiceError('not-found', 'That is not a folder.');
  const dirents = await readdir(folder, { withFileTypes: true });
  const entries: FileEntry[] = [];
  for (const dirent of dirents) {
    if (dirent.name.startsWith('.')) continue;
    const path = join(folder, dirent.name);
    if (dirent.isDirectory()) entries.push({ name: dirent.name, path, kind: 'folder', size: 0 });
    else if (dirent.isFile() && (volumeFormatOf(dirent.name) || dirent.name.endsWith(SESSION_SUFFIX))) {
      const size = (await stat(path).catch(() => undefined))?.size ?? 0;
      entries.push({ name: dirent.name, path, kind: volumeFormatOf(dirent.name) ? 'image' : 'session', size });
    }
    if (entries.length >= MAX_ENTRIES) break;
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'folder' ? -1 : b.kind === 'folder' ? 1 : 0));
  const parent = dirname(folder);
  return parent === folder ? { entries } : { parent, entries };
}
