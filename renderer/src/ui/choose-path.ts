/**
 * Where the page gets paths: the native dialogs in Electron, the file browser in serve mode (or
 * when a dialog is unavailable).
 */
import { LABEL_MAP_SUFFIXES } from '../../../electron/common/label-sidecar';
import type { RootStore } from '../stores/root-store';
import { browseFiles } from './file-browser';

const LABEL_SUFFIXES = ['.seg.nrrd', '.nii.gz', '.nrrd', '.nii', '.mha', '.mhd', '.nhdr', '.dcm'];

export type ExportFormat = '.nii.gz' | '.nrrd' | '.seg.nrrd';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['.nii.gz', '.nrrd', '.seg.nrrd'];

/** "knee.nii.gz" → "knee". */
export function imageStem(name: string): string {
  const lower = name.toLowerCase();
  const suffix = LABEL_SUFFIXES.find((s) => lower.endsWith(s));
  const stem = suffix === undefined ? name : name.slice(0, -suffix.length);
  return stem.replace(/[\\/:*?"<>|]/g, '_') || 'labels';
}

/** "<stem>.labels<format>", the default export name ("knee.labels.nii.gz" stays so, not "….labels.labels…"). */
export function exportName(imageName: string, format: ExportFormat): string {
  return `${imageStem(imageName).replace(/\.labels$/i, '') || 'labels'}.labels${format}`;
}

/** Replaces a path's label-map suffix by `format`'s. */
export function withFormat(path: string, format: ExportFormat): string {
  const lower = path.toLowerCase();
  const suffix = LABEL_MAP_SUFFIXES.find((s) => lower.endsWith(s));
  return `${suffix === undefined ? path : path.slice(0, -suffix.length)}${format}`;
}

export function joinPath(folder: string, name: string): string {
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return folder.endsWith(sep) ? `${folder}${name}` : `${folder}${sep}${name}`;
}

function isElectron(root: RootStore): boolean {
  return root.app.info?.transport === 'electron';
}

/** An image (or label map) to read; `dicomFolders` lets a folder holding a DICOM series be chosen. */
export async function chooseReadPath(root: RootStore, title: string, options: { dicomFolders?: boolean } = {}): Promise<string | undefined> {
  const lastFolder = root.recent.lastFolder;
  if (isElectron(root)) {
    try {
      const { path } = await root.client.call('dialog.chooseImage', { folder: false, ...(lastFolder !== undefined ? { startIn: lastFolder } : {}) });
      return path;
    } catch {
      // No dialog after all: fall back to the browser.
    }
  }
  return browseFiles(root.client, {
    title,
    action: 'Open',
    ...(lastFolder !== undefined ? { lastFolder } : {}),
    onFolder: (folder) => {
      root.recent.setLastFolder(folder);
    },
    ...(options.dicomFolders === true ? { dicomFolders: true } : {}),
  });
}

/** The folder serve mode writes to (undefined when unknown). */
export async function servedFolder(root: RootStore): Promise<string | undefined> {
  try {
    const answer = await root.client.call('files.list', {});
    return answer.output ?? answer.roots[0];
  } catch {
    return undefined;
  }
}
