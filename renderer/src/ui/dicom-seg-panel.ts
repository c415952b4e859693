/**
 * DICOM SEG export: the working labels as a segmentation object that references the DICOM series
 * the image was opened from (names and colours of the segments included). A SEG is loaded back
 * with Files → "Load labels…", which recognises it by content.
 */
import { autorun } from 'mobx';
import { errorMessage } from '../app/error-panel';
import type { RootStore } from '../stores/root-store';
import { imageStem, joinPath, servedFolder } from './choose-path';
import { el, setText } from './dom';

export class DicomSegPanel {
  readonly element: HTMLElement;
  private readonly path: HTMLInputElement;
  private readonly status: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private folder: string | undefined;
  private filledFor: string | undefined;

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
    void servedFolder(root).then((folder) => {
      this.folder = folder;
      this.fillDefault();
    });
    this.stops.push(
      autorun(() => {
        const _observed = root.volume.meta?.name; // observed, so a new image refills the path
        this.fillDefault();
      }),
    );
  }

  private fillDefault(): void {
    const name = this.root.volume.meta?.name;
    if (name === undefined || this.filledFor === name) return;
    if (this.folder === undefined && this.root.app.info?.transport !== 'electron') return;
    this.filledFor = name;
    const file = `${imageStem(name)}.seg.dcm`;
    this.path.value = this.folder === undefined ? file : joinPath(this.folder, file);
  }

  /** Chooses the path (save dialog in Electron, the text field otherwise) and writes the SEG. */
  async export(): Promise<void> {
    const { root } = this;
    const meta = root.volume.meta;
    const labels = root.segmentation.labels;
    if (meta === undefined || labels === undefined) return;
    let path = this.path.value.trim();
    if (root.app.info?.transport === 'electron') {
      try {
        const chosen = await root.client.call('dialog.chooseSavePath', { suggestedName: path.split(/[\\/]/).pop() || `${imageStem(meta.name)}.seg.dcm` });
        if (chosen.path === undefined) return;
        path = chosen.path;
        this.path.value = path;
      } catch {
        // No dialog: use the text field.
      }
    }
    if (path === '') {
      this.setStatus('error', 'Type a path to export the DICOM SEG to.');
      return;
    }
    this.setStatus('busy', 'Writing the DICOM SEG…');
    try {
      const written = await root.app.track(() =>
        root.client.call('labels.exportDicomSeg', {
          volumeId: meta.id,
          path,
          labelMap: { componentType: labels instanceof Uint16Array ? 'uint16' : 'uint8', voxels: labels.slice().buffer },
          labels: root.segmentation.segments.map((s) => ({ value: s.value, name: s.name, color: [s.color[0], s.color[1], s.color[2]] })),
        }),
      );
      const count = written.segments.length;
      this.setStatus('done', `Wrote ${written.path} (${count} segment${count === 1 ? '' : 's'})`, written.path);
    } catch (error) {
      this.setStatus('error', `DICOM SEG export failed: ${errorMessage(error)}`);
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
