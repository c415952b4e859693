/**
 * Files: open an image, load a label map as working labels, export the labels (NIfTI, or NRRD /
 * .seg.nrrd for Slicer users) with the segment table and provenance.
 */
import { autorun } from 'mobx';
import type { RootStore } from '../stores/root-store';
import { chooseReadPath, EXPORT_FORMATS, exportName, joinPath, servedFolder, withFormat, type ExportFormat } from './choose-path';
import { el, setText } from './dom';
import { openImage } from './open-image';
import { confirmDiscard } from './unsaved-guard';
import { SESSION_SUFFIX } from '../../../electron/common/session-file';
import { errorMessage } from '../app/error-panel';

export class FilePanel {
  readonly element: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private readonly path: HTMLInputElement;
  private readonly format: HTMLSelectElement;
  private readonly status: HTMLElement;
  private folder: string | undefined;
  /** The image name the path field was last filled for (so a new image refills it). */
  private filledFor: string | undefined;

  constructor(private readonly root: RootStore, onError: (error: unknown) => void) {
    const open = el('button', { type: 'button', 'data-testid': 'open-file', title: 'Open an image (NIfTI, NRRD, MHA, DICOM folder)' }, ['Open image…']);
    open.addEventListener('click', () => {
      void (async () => {
        const path = await chooseReadPath(root, 'Open an image');
        if (path !== undefined) await openImage(root, path);
      })().catch(onError);
    });
    const loadLabels = el('button', { type: 'button', 'data-testid': 'labels-load', title: 'Load a label map as the working labels (undoable)' }, ['Load labels…']);
    loadLabels.addEventListener('click', () => {
      void (async () => {
        const path = await chooseReadPath(root, 'Load a label map as working labels');
        if (path !== undefined) await root.loadWorkingLabels(path);
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
        if (path !== undefined && (await confirmDiscard(root, 'Opening a session'))) await root.openSession(path);
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
      el('div', { class: 'button-row' }, [openSession, saveSession]),
      el('div', { class: 'field' }, [this.path]),
      el('div', { class: 'button-row' }, [this.format, exportButton]),
      this.status,
    ]);
    void servedFolder(root).then((folder) => {
      this.folder = folder;
      this.fillDefault();
    });
    this.stops.push(
      autorun(() => {
        const _observed = root.volume.meta?.name; // observed, so callers re-run when it moves
        this.fillDefault();
      }),
    );
  }

  private fillDefault(): void {
    const name = this.root.volume.meta?.name;
    if (name === undefined || this.filledFor === name) return;
    if (this.folder === undefined && this.root.app.info?.transport !== 'electron') return;
    this.filledFor = name;
    const file = exportName(name, this.format.value as ExportFormat);
    this.path.value = this.folder === undefined ? file : joinPath(this.folder, file);
  }

  /** Chooses the path (save dialog in Electron, the text field otherwise) and writes the labels. */
  async export(): Promise<void> {
    const root = this.root;
    let path = this.path.value.trim();
    if (root.app.info?.transport === 'electron') {
      try {
        const suggested = path === '' ? exportName(root.volume.meta?.name ?? 'labels', this.format.value as ExportFormat) : path.split(/[\\/]/).pop() ?? path;
        const chosen = await root.client.call('dialog.chooseSavePath', { suggestedName: suggested });
        if (chosen.path === undefined) return;
        path = chosen.path;
        this.path.value = path;
      } catch {
        // No dialog: use the text field.
      }
    }
    if (path === '') {
      this.setStatus('error', 'Type a path to export to.');
      return;
    }
    this.setStatus('busy', 'Exporting…');
    try {
      const written = await root.exportLabels(path);
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
      const written = await root.saveSession(path);
      this.setStatus('done', `Saved session ${written}`, written);
    } catch (error) {
      this.setStatus('error', `Saving the session failed: ${errorMessage(error)}`);
    }
  }

  private setStatus(state: 'idle' | 'busy' | 'done' | 'error', text: string, path?: string): void {
    this.status.dataset.state = state;
    if (path === undefined) delete this.status.dataset.path;
    else this.status.dataset.path = path;
    this.status.classList.toggle('error', state === 'error');
    setText(this.status, text);
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
