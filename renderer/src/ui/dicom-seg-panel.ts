/**
 * DICOM SEG export: the working labels as a segmentation object that references the DICOM series
 * the image was opened from (names and colours of the segments included). A SEG is loaded back
 * with Files → "Load labels…", which recognises it by content.
 */
import { errorMessage } from '../app/error-panel';
import { labelPayload } from '../segmentation/label-payload';
import type { RootStore } from '../stores/root-store';
import { imageStem } from './choose-path';
import { el } from './dom';
import { chooseSaveTarget, fillDefaultPath, showWriteState } from './save-target';

export class DicomSegPanel {
  readonly element: HTMLElement;
  private readonly path: HTMLInputElement;
  private readonly status: HTMLElement;
  private readonly stops: (() => void)[] = [];

  constructor(private readonly root: RootStore) {
    this.path = el('input', { type: 'text', class: 'export-path', 'data-testid': 'dicom-seg-path', 'aria-label': 'DICOM SEG path', spellcheck: 'false' });
    const exportButton = el('button', { type: 'button', 'data-testid': 'dicom-seg-export', title: 'Write the labels as a DICOM SEG referencing the series the image came from' }, ['Export DICOM SEG…']);
    exportButton.addEventListener('click', () => {
      void this.export();
    });
    this.status = el('div', { class: 'readout', 'data-testid': 'dicom-seg-status', 'data-state': 'idle', role: 'status' });
    this.element = el('section', { class: 'panel-section', 'data-testid': 'dicom-seg-panel' }, [
      el('h3', {}, ['DICOM SEG']),
      el('div', { class: 'field' }, [this.path]),
      el('div', { class: 'button-row' }, [exportButton]),
      this.status,
    ]);
    this.stops.push(fillDefaultPath(root, this.path, (name) => `${imageStem(name)}.seg.dcm`));
  }

  /** Chooses the path (save dialog in Electron, the text field otherwise) and writes the SEG. */
  async export(): Promise<void> {
    const { root } = this;
    const meta = root.volume.meta;
    const labels = root.segmentation.labels;
    if (meta === undefined || labels === undefined) return;
    const path = await chooseSaveTarget(root, this.path.value.trim(), `${imageStem(meta.name)}.seg.dcm`);
    if (path === undefined) return;
    this.path.value = path;
    if (path === '') {
      showWriteState(this.status, 'error', 'Type a path to export the DICOM SEG to.');
      return;
    }
    showWriteState(this.status, 'busy', 'Writing the DICOM SEG…');
    try {
      const written = await root.app.track(() =>
        root.client.call('labels.exportDicomSeg', {
          volumeId: meta.id,
          path,
          ...labelPayload(labels, root.segmentation.segments),
        }),
      );
      // A SEG holds the labels as a file does: nothing is left unsaved to ask about or restore.
      root.history.markSaved();
      const count = written.segments.length;
      showWriteState(this.status, 'done', `Wrote ${written.path} (${count} segment${count === 1 ? '' : 's'})`, written.path);
    } catch (error) {
      showWriteState(this.status, 'error', `DICOM SEG export failed: ${errorMessage(error)}`);
    }
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
