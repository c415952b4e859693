/**
 * Opens an image the user chose. A DICOM folder holding several series cannot be opened as one
 * volume: the service says so, and the user picks a series from a short list.
 */
import { CallError, type DicomSeries } from '../../../electron/common/contract';
import { recentName, type RecentEntry } from '../stores/recent-files';
import type { RootStore } from '../stores/root-store';
import { el } from './dom';
import { parentFolder } from './folder-paths';
import { confirmDiscard } from './unsaved-guard';

export function isSeriesChoiceNeeded(error: unknown): boolean {
  return error instanceof CallError && error.code === 'bad-request' && /DICOM series; choose one/.test(error.message);
}

export function seriesLabel(series: DicomSeries): string {
  const number = series.seriesNumber !== undefined ? `#${series.seriesNumber} ` : '';
  const description = series.description.trim() === '' ? '(no description)' : series.description;
  return `${number}${description} — ${series.modality || '?'}, ${series.fileCount} files`;
}

/** A modal list of series; resolves with the chosen UID, or undefined when cancelled. */
export function pickSeries(series: readonly DicomSeries[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    const cancel = el('button', { type: 'button', 'data-testid': 'series-cancel' }, ['Cancel']);
    const choices = series.map((s) => {
      const button = el('button', { type: 'button', class: 'file-entry', 'data-testid': 'series-choice', 'data-uid': s.uid }, [seriesLabel(s)]);
      button.addEventListener('click', () => {
        finish(s.uid);
      });
      return el('li', {}, [button]);
    });
    const dialog = el('div', { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'data-testid': 'series-picker' }, [
      el('div', { class: 'modal-box' }, [
        el('h2', {}, ['This folder holds several DICOM series']),
        el('ul', { class: 'file-list' }, choices),
        el('div', { class: 'modal-actions' }, [cancel]),
      ]),
    ]);
    const finish = (uid: string | undefined): void => {
      dialog.remove();
      resolve(uid);
    };
    cancel.addEventListener('click', () => {
      finish(undefined);
    });
    document.body.append(dialog);
  });
}

/**
 * Opens the image (asking first when it would replace unsaved labels) and remembers it among the
 * recent files, with its folder as the last folder. Resolves false when the user cancelled.
 */
export async function openImage(root: RootStore, path: string, seriesUid?: string): Promise<boolean> {
  if (!(await confirmDiscard(root, 'Opening another image'))) return false;
  let opened: RecentEntry;
  try {
    await root.openWorkflow.openFile(path, seriesUid);
    opened = seriesUid === undefined ? { path } : { path, seriesUid };
  } catch (error) {
    if (!isSeriesChoiceNeeded(error)) throw error;
    const { series } = await root.client.call('files.listSeries', { path });
    const uid = await pickSeries(series);
    if (uid === undefined) return false;
    await root.openWorkflow.openFile(path, uid);
    opened = { path, seriesUid: uid };
  }
  root.recent.add(opened);
  const folder = parentFolder(path);
  if (folder !== undefined) root.recent.setLastFolder(folder);
  return true;
}

/**
 * Reopens a recent entry. One that is no longer there (moved or deleted) is dropped from the list,
 * and the error says so in one sentence.
 */
export async function openRecent(root: RootStore, entry: RecentEntry): Promise<boolean> {
  try {
    return await openImage(root, entry.path, entry.seriesUid);
  } catch (error) {
    if (!(error instanceof CallError && error.code === 'not-found')) throw error;
    root.recent.remove(entry);
    throw new Error(`${recentName(entry)} is no longer at ${entry.path}, so it was removed from the recent files.`);
  }
}
