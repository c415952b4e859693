/**
 * The last images (files, DICOM folders, one series of a folder) the user opened, newest first,
 * remembered across restarts in both modes through the page's storage (stored-settings.ts).
 * Reopening one moves it to the top; one that is gone is dropped. The last folder browsed or
 * opened from is remembered beside them, for the next open dialog to start in.
 */
import { action, makeObservable, observableRef } from 'mobx';
import { z } from 'zod';
import { readStored, writeStored, type KeyValueStorage } from './stored-settings';

export const RECENT_FILES_KEY = 'iseg.recentFiles';
export const MAX_RECENT_FILES = 10;
export const LAST_FOLDER_KEY = 'iseg.lastFolder';
const folderSchema = z.string().min(1).max(4096);

const recentEntrySchema = z
  .object({
    path: z.string().min(1).max(4096),
    seriesUid: z.string().min(1).max(128).optional(),
  })
  .strict();
export type RecentEntry = z.infer<typeof recentEntrySchema>;

// Read entry by entry: one bad entry (a hand edit) costs that entry, not the whole list.
const storedListSchema = z.array(z.unknown()).max(100);

function sameEntry(a: RecentEntry, b: RecentEntry): boolean {
  return a.path === b.path && a.seriesUid === b.seriesUid;
}

/** `entry` on top of `list`, without its earlier copy, cut to MAX_RECENT_FILES. */
export function withRecent(list: readonly RecentEntry[], entry: RecentEntry): RecentEntry[] {
  return [entry, ...list.filter((other) => !sameEntry(other, entry))].slice(0, MAX_RECENT_FILES);
}

export function withoutRecent(list: readonly RecentEntry[], entry: RecentEntry): RecentEntry[] {
  return list.filter((other) => !sameEntry(other, entry));
}

export function readRecentFiles(storage: KeyValueStorage | undefined): RecentEntry[] {
  const stored = readStored(storage, RECENT_FILES_KEY, storedListSchema) ?? [];
  let list: RecentEntry[] = [];
  for (const item of [...stored].reverse()) {
    const parsed = recentEntrySchema.safeParse(item);
    if (parsed.success) list = withRecent(list, parsed.data);
  }
  return list;
}

/** "/data/knee/scan.nii.gz" → "scan.nii.gz" (a folder's own name for a DICOM folder). */
export function recentName(entry: RecentEntry): string {
  const trimmed = entry.path.replace(/[\\/]+$/, '');
  return trimmed.slice(trimmed.search(/[^\\/]*$/)) || entry.path;
}

export class RecentFilesStore {
  entries: readonly RecentEntry[];
  lastFolder: string | undefined;

  constructor(private readonly storage: KeyValueStorage | undefined) {
    this.entries = readRecentFiles(storage);
    this.lastFolder = readStored(storage, LAST_FOLDER_KEY, folderSchema);
    makeObservable<RecentFilesStore, 'storage'>(this, {
      storage: false,
      entries: observableRef,
      lastFolder: observableRef,
      add: action,
      remove: action,
      setLastFolder: action,
    });
  }

  setLastFolder(folder: string): void {
    if (folder === '' || folder === this.lastFolder) return;
    this.lastFolder = folder;
    writeStored(this.storage, LAST_FOLDER_KEY, folder);
  }

  add(entry: RecentEntry): void {
    this.entries = withRecent(this.entries, entry);
    writeStored(this.storage, RECENT_FILES_KEY, this.entries);
  }

  remove(entry: RecentEntry): void {
    this.entries = withoutRecent(this.entries, entry);
    writeStored(this.storage, RECENT_FILES_KEY, this.entries);
  }
}
