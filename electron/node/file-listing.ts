/** One folder's sub-folders and openable images, for serve mode's file browser. */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileEntry, MethodOutput } from '../common/contract';
import type { FileAccessPolicy } from './file-access';
import { ServiceError } from '../common/errors';
import { volumeFormatOf } from './io/formats';
import { SESSION_SUFFIX } from '../common/session-file';
import { dicomSeriesUidOf } from './io/dicom-series';

const MAX_ENTRIES = 2000;
/** Files whose header is read to tell a DICOM folder (they need no .dcm suffix). */
const DICOM_PROBES = 8;

export interface FolderListing {
  parent?: string;
  entries: FileEntry[];
  /** The folder holds DICOM images (it can be opened as a series). */
  dicom: boolean;
}

export async function listFolder(folder: string): Promise<FolderListing> {
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new ServiceError('not-found', 'That is not a folder.');
  const dirents = await readdir(folder, { withFileTypes: true });
  const entries: FileEntry[] = [];
  const others: string[] = [];
  for (const dirent of dirents) {
    if (dirent.name.startsWith('.')) continue;
    const path = join(folder, dirent.name);
    if (dirent.isDirectory()) entries.push({ name: dirent.name, path, kind: 'folder', size: 0 });
    else if (dirent.isFile() && (volumeFormatOf(dirent.name) || dirent.name.endsWith(SESSION_SUFFIX))) {
      const size = (await stat(path).catch(() => undefined))?.size ?? 0;
      entries.push({ name: dirent.name, path, kind: volumeFormatOf(dirent.name) ? 'image' : 'session', size });
    } else if (dirent.isFile() && others.length < DICOM_PROBES) others.push(path);
    if (entries.length >= MAX_ENTRIES) break;
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'folder' ? -1 : b.kind === 'folder' ? 1 : 0));
  const dicom = (await Promise.all(others.map(dicomSeriesUidOf))).some((uid) => uid !== undefined);
  const parent = dirname(folder);
  return parent === folder ? { entries, dicom } : { parent, entries, dicom };
}

/**
 * files.list: one folder under the policy's roots (the first root by default). The parent is
 * offered only while it is still readable, so "up" stops at each root and never leads above it.
 */
export async function listUnderRoots(files: FileAccessPolicy, folder?: string): Promise<MethodOutput<'files.list'>> {
  const roots = files.roots;
  const output = files.output;
  const target = folder ?? roots[0] ?? output;
  const common = { roots: [...roots], ...(output !== undefined ? { output } : {}) };
  if (target === undefined) return { folder: '', entries: [], ...common };
  const allowed = await files.check(target);
  const listing = await listFolder(allowed);
  const parentAllowed = listing.parent !== undefined && (await files.check(listing.parent).then(() => true, () => false));
  return {
    folder: allowed,
    ...(parentAllowed ? { parent: listing.parent } : {}),
    entries: listing.entries,
    ...(listing.dicom ? { dicom: true } : {}),
    ...common,
  };
}
