/**
 * DICOM export: the working labels as a DICOM SEG (voxels) or an RTSTRUCT (planar contours), each
 * referencing the DICOM series the image was opened from, with the segments' names and colours. A
 * SEG is loaded back with Files → "Load labels…", which recognises it by content.
 */
import { errorMessage } from '../app/error-panel';
import { labelPayload } from '../segmentation/label-payload';
import type { RootStore } from '../stores/root-store';
import { imageStem } from './choose-path';
import { el } from './dom';
import { chooseSaveTarget, fillDefaultPath, showWriteState } from './save-target';

interface DicomExport {
  /** data-testid prefix of the export's field, button and status. */
  readonly id: 'dicom-seg' | 'rtstruct';
  /** What the status line and errors call the object. */
  readonly what: string;
  readonly suffix: string;
  readonly button: string;
  readonly title: string;
}

const EXPORTS: readonly DicomExport[] = [
  {
    id: 'dicom-seg',
    what: 'DICOM SEG',
    suffix: '.seg.dcm',
    button: 'Export DICOM SEG…',
    title: 'Write the labels as a DICOM SEG referencing the series the image came from',
  },
  {
    id: 'rtstruct',
    what: 'RTSTRUCT',
    suffix: '.rtstruct.dcm',
    button: 'Export RTSTRUCT…',
    title:
      'Write the labels as RTSTRUCT contours (one ROI per segment) referencing the series the image came from',
  },
];

interface ExportRow {
  readonly spec: DicomExport;
  readonly path: HTMLInputElement;
  readonly status: HTMLElement;
}

export class DicomSegPanel {
  readonly element: HTMLElement;
  private readonly rows: ExportRow[];
  private readonly stops: (() => void)[] = [];

  constructor(private readonly root: RootStore) {
    this.rows = EXPORTS.map((spec) => ({
      spec,
      path: el('input', {
        type: 'text',
        class: 'export-path',
        'data-testid': `${spec.id}-path`,
        'aria-label': `${spec.what} path`,
        spellcheck: 'false',
      }),
      status: el('div', {
        class: 'readout',
        'data-testid': `${spec.id}-status`,
        'data-state': 'idle',
        role: 'status',
      }),
    }));
    const children: HTMLElement[] = [el('h3', {}, ['DICOM SEG / RTSTRUCT'])];
    for (const row of this.rows) {
      const button = el(
        'button',
        { type: 'button', 'data-testid': `${row.spec.id}-export`, title: row.spec.title },
        [row.spec.button],
      );
      button.addEventListener('click', () => {
        void this.exportAs(row);
      });
      children.push(
        el('div', { class: 'field' }, [row.path]),
        el('div', { class: 'button-row' }, [button]),
        row.status,
      );
      this.stops.push(fillDefaultPath(root, row.path, (name) => `${imageStem(name)}${row.spec.suffix}`));
    }
    this.element = el('section', { class: 'panel-section', 'data-testid': 'dicom-seg-panel' }, children);
  }

  /** Chooses the path (save dialog in Electron, the text field otherwise) and writes the object. */
  private async exportAs({ spec, path: field, status }: ExportRow): Promise<void> {
    const { root } = this;
    const meta = root.volume.meta;
    const labels = root.segmentation.labels;
    if (meta === undefined || labels === undefined) return;
    const path = await chooseSaveTarget(root, field.value.trim(), `${imageStem(meta.name)}${spec.suffix}`);
    if (path === undefined) return;
    field.value = path;
    if (path === '') {
      showWriteState(status, 'error', `Type a path to export the ${spec.what} to.`);
      return;
    }
    showWriteState(status, 'busy', `Writing the ${spec.what}…`);
    try {
      const request = { volumeId: meta.id, path, ...labelPayload(labels, root.segmentation.segments) };
      const summary =
        spec.id === 'dicom-seg'
          ? await root.app
              .track(() => root.client.call('labels.exportDicomSeg', request))
              .then((written) => {
                const count = written.segments.length;
                return { path: written.path, detail: `${count} segment${count === 1 ? '' : 's'}` };
              })
          : await root.app
              .track(() => root.client.call('labels.exportRtStruct', request))
              .then((written) => {
                const count = written.rois.length;
                const contours = written.rois.reduce((sum, r) => sum + r.contours, 0);
                return {
                  path: written.path,
                  detail: `${count} ROI${count === 1 ? '' : 's'}, ${contours} contour${contours === 1 ? '' : 's'}`,
                };
              });
      // A SEG holds the labels as a file does (it loads back): nothing is left unsaved. Contours
      // do not load back, so after an RTSTRUCT the labels still count as unsaved.
      if (spec.id === 'dicom-seg') root.history.markSaved();
      showWriteState(status, 'done', `Wrote ${summary.path} (${summary.detail})`, summary.path);
    } catch (error) {
      showWriteState(status, 'error', `${spec.what} export failed: ${errorMessage(error)}`);
    }
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
