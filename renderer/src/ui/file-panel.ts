/**
 * Files: open an image, load a label map as working labels, export the labels (NIfTI, or NRRD /
 * .seg.nrrd for Slicer users) with the segment table and provenance.
 */
import type { RootStore } from '../stores/root-store';
import { chooseReadPath, EXPORT_FORMATS, exportName, withFormat, type ExportFormat } from './choose-path';
import { el } from './dom';
import { autorun } from 'mobx';
import { openImage, openRecent } from './open-image';
import { recentName, type RecentEntry } from '../stores/recent-files';
import { confirmDiscard } from './unsaved-guard';
import { chooseSaveTarget, fillDefaultPath, showWriteState, type WriteState } from './save-target';
import { SESSION_SUFFIX } from '../../../electron/common/session-file';
import { errorMessage } from '../app/error-panel';

export class FilePanel {
  readonly element: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private readonly path: HTMLInputElement;
  private readonly format: HTMLSelectElement;
  private readonly status: HTMLElement;

  constructor(private readonly root: RootStore, onError: (error: unknown) => void) {
    const recent = this.recentPicker(root, onError);
    const open = el('button', { type: 'button', 'data-testid': 'open-file', title: 'Open an image (NIfTI, NRRD, MHA, DICOM folder)' }, ['Open image…']);
    open.addEventListener('click', () => {
      void (async () => {
        const path = await chooseReadPath(root, 'Open an image', { dicomFolders: true });
        if (path !== undefined) await openImage(root, path);
      })().catch(onError);
    });
    const loadLabels = el('button', { type: 'button', 'data-testid': 'labels-load', title: 'Load a label map as the working labels (undoable)' }, ['Load labels…']);
    loadLabels.addEventListener('click', () => {
      void (async () => {
        const path = await chooseReadPath(root, 'Load a label map as working labels');
        if (path !== undefined) await root.labelFiles.loadWorkingLabels(path);
      })().catch(onError);
    });
    const saveSession = el('button', { type: 'button', 'data-testid': 'session-save', title: 'Save the labels and a session file that reopens this image with them' }, ['Save session…']);
    saveSession.addEventListener('click', () => {
      void this.saveSession();
    });
    const openSession = el('button', { type: 'button', 'data-testid': 'session-open', title: 'Reopen a saved session (.iseg.json)' }, ['Open session…']);
    openSession.addEventListener('click', () => {
      void (async () => {
        const path = await chooseReadPath(root, 'Open a session (.iseg.json)');
        if (path !== undefined && (await confirmDiscard(root, 'Opening a session'))) await root.sessionWorkflow.openSession(path);
      })().catch(onError);
    });
    this.format = el(
      'select',
      { 'data-testid': 'export-format', 'aria-label': 'Export format' },
      EXPORT_FORMATS.map((f) => el('option', { value: f }, [f === '.seg.nrrd' ? '.seg.nrrd (Slicer)' : f])),
    );
    this.format.addEventListener('change', () => {
      this.path.value = withFormat(this.path.value, this.format.value as ExportFormat);
    });
    this.path = el('input', { type: 'text', class: 'export-path', 'data-testid': 'export-path', 'aria-label': 'Export path', spellcheck: 'false' });
    const exportButton = el('button', { type: 'button', class: 'primary', 'data-testid': 'export-labels', title: 'Write the label map and its sidecar JSON' }, ['Export labels…']);
    exportButton.addEventListener('click', () => {
      void this.export();
    });
    this.status = el('div', { class: 'readout export-status', 'data-testid': 'export-status', 'data-state': 'idle', role: 'status' });
    this.element = el('section', { class: 'panel-section', 'data-testid': 'file-panel' }, [
      el('h3', {}, ['Files']),
      el('div', { class: 'button-row' }, [open, loadLabels]),
      el('div', { class: 'field' }, [recent]),
      el('div', { class: 'button-row' }, [openSession, saveSession]),
      el('div', { class: 'field' }, [this.path]),
      el('div', { class: 'button-row' }, [this.format, exportButton]),
      this.status,
    ]);
    this.stops.push(fillDefaultPath(root, this.path, (name) => exportName(name, this.format.value as ExportFormat)));
  }

  /** A list of the recently opened images; choosing one reopens it. */
  private recentPicker(root: RootStore, onError: (error: unknown) => void): HTMLSelectElement {
    const picker = el('select', { 'data-testid': 'recent-files', 'aria-label': 'Recent files', class: 'recent-files' });
    let shown: readonly RecentEntry[] = [];
    this.stops.push(
      autorun(() => {
        shown = root.recent.entries;
        const placeholder = el('option', { value: '' }, [shown.length === 0 ? 'No recent files' : 'Recent files…']);
        const options = shown.map((entry, index) =>
          el('option', { value: String(index), title: entry.path, 'data-path': entry.path }, [
            entry.seriesUid === undefined ? recentName(entry) : `${recentName(entry)} (one series)`,
          ]),
        );
        picker.replaceChildren(placeholder, ...options);
        picker.value = '';
        picker.disabled = shown.length === 0;
        picker.dataset.count = String(shown.length);
      }),
    );
    picker.addEventListener('change', () => {
      const entry = picker.value === '' ? undefined : shown[Number(picker.value)];
      picker.value = '';
      if (entry !== undefined) openRecent(root, entry).catch(onError);
    });
    return picker;
  }

  /** Chooses the path (save dialog in Electron, the text field otherwise) and writes the labels. */
  async export(): Promise<void> {
    const root = this.root;
    const path = await chooseSaveTarget(root, this.path.value.trim(), exportName(root.volume.meta?.name ?? 'labels', this.format.value as ExportFormat));
    if (path === undefined) return;
    this.path.value = path;
    if (path === '') {
      this.setStatus('error', 'Type a path to export to.');
      return;
    }
    this.setStatus('busy', 'Exporting…');
    try {
      const written = await root.exportWorkflow.exportLabels(path);
      this.setStatus('done', `Exported ${written}`, written);
    } catch (error) {
      this.setStatus('error', `Export failed: ${errorMessage(error)}`);
    }
  }

  /** Saves a session named after the export path (its `.labels.nii.gz` is written beside it). */
  async saveSession(): Promise<void> {
    const root = this.root;
    const exportPath = this.path.value.trim();
    let path = exportPath.replace(/(\.labels)?(\.seg\.nrrd|\.nrrd|\.nii\.gz|\.nii)$/i, '') + SESSION_SUFFIX;
    if (root.app.info?.transport === 'electron') {
      try {
        const chosen = await root.client.call('dialog.chooseSavePath', { suggestedName: path.split(/[\\/]/).pop() ?? path });
        if (chosen.path === undefined) return;
        path = chosen.path;
      } catch {
        // No dialog: use the path beside the export.
      }
    }
    if (exportPath === '' && root.app.info?.transport !== 'electron') {
      this.setStatus('error', 'Type a path in the export field first; the session is saved beside it.');
      return;
    }
    this.setStatus('busy', 'Saving session…');
    try {
      const written = await root.sessionWorkflow.saveSession(path);
      this.setStatus('done', `Saved session ${written}`, written);
    } catch (error) {
      this.setStatus('error', `Saving the session failed: ${errorMessage(error)}`);
    }
  }

  private setStatus(state: WriteState, text: string, path?: string): void {
    showWriteState(this.status, state, text, path);
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
