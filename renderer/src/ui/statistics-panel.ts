/**
 * Segment statistics (as in 3D Slicer's Segment Statistics): per segment, voxels, volume in mL,
 * the slices it spans in each view, and the intensity inside (mean, SD); kept up to date after
 * each edit and copyable as CSV.
 */
import { autorun } from 'mobx';
import { VIEW_AXES } from '../../../electron/common/volume';
import { StatisticsModel } from '../stats/statistics-model';
import { formatIntensity, formatMl, statisticsCsv, statisticsRows, type StatisticsRow } from '../stats/statistics-table';
import type { RootStore } from '../stores/root-store';
import { el, setText, svg } from './dom';

const VIEW_LETTER = { axial: 'A', sagittal: 'S', coronal: 'C' } as const;

export class StatisticsPanel {
  readonly element: HTMLElement;
  private readonly model: StatisticsModel;
  private readonly stops: (() => void)[] = [];
  private readonly copyStatus: HTMLElement;
  private readonly fallback: HTMLTextAreaElement;

  constructor(private readonly root: RootStore) {
    this.model = new StatisticsModel(root.volume, root.segmentation);
    const table = el('table', { class: 'metrics statistics', 'data-testid': 'statistics-table' });
    const copy = el('button', { type: 'button', 'data-testid': 'statistics-copy', title: 'Copy the table as CSV (one line per segment)' }, ['Copy CSV']);
    copy.addEventListener('click', () => {
      void this.copyCsv();
    });
    const timing = el('div', { class: 'readout', 'data-testid': 'statistics-timing' });
    this.copyStatus = el('div', { class: 'readout', 'data-testid': 'statistics-copy-status', role: 'status' });
    // Where the clipboard is refused (no permission, not a secure context), the CSV is shown to select.
    this.fallback = el('textarea', { class: 'statistics-csv', 'data-testid': 'statistics-csv', readonly: '', rows: '4', 'aria-label': 'Statistics as CSV', hidden: '' });
    this.element = el('section', { class: 'panel-section', 'data-testid': 'statistics-panel' }, [
      el('h3', {}, ['Statistics']),
      table,
      el('div', { class: 'button-row' }, [copy, timing]),
      this.copyStatus,
      this.fallback,
    ]);

    const header = el(
      'tr',
      {},
      [
        ['Segment', 'Segment name'],
        ['Voxels', 'Voxel count'],
        ['mL', 'Volume in millilitres (voxel count × voxel volume)'],
        ['Mean', 'Mean image intensity inside the segment'],
        ['SD', 'Standard deviation of the image intensity inside the segment'],
      ].map(([text, title]) => el('th', { title }, [text ?? ''])),
    );
    this.stops.push(
      autorun(() => {
        const rows = this.rows();
        table.replaceChildren(header, ...rows.flatMap((r) => this.row(r)));
        table.dataset.forVersion = String(this.model.forVersion);
        table.dataset.state = this.model.error !== undefined ? 'error' : this.model.stale ? 'updating' : 'current';
        copy.disabled = rows.length === 0;
        const ms = this.model.lastMs;
        setText(
          timing,
          this.model.error ?? (ms === undefined ? '' : `computed in ${ms.toFixed(0)} ms${this.model.offThread ? ' (worker)' : ''}`),
        );
        if (ms !== undefined) timing.dataset.ms = ms.toFixed(1);
      }),
    );
  }

  /** The rows for the current labels (observes the model, the segment table and the view frames). */
  private rows(): StatisticsRow[] {
    const { segmentation, ui } = this.root;
    const frames = ui.frames;
    if (frames === undefined) return [];
    return statisticsRows(this.model.rows, (value) => segmentation.segment(value)?.name, (view) => frames[view].normalAxis);
  }

  /** The segment's numbers, then a line with the slices it spans in each view. */
  private row(r: StatisticsRow): HTMLTableRowElement[] {
    const color = this.root.segmentation.segment(r.value)?.color;
    // An SVG fill, not an inline style: the page's CSP allows no style attributes.
    const swatch = svg('svg', { class: 'swatch', width: '10', height: '10', 'aria-hidden': 'true' });
    swatch.append(svg('rect', { width: '10', height: '10', fill: color === undefined ? 'none' : `rgb(${color.join(',')})` }));
    const slices = VIEW_AXES.map((view) => `${VIEW_LETTER[view]} ${r.slices[view][0]}–${r.slices[view][1]}`).join(' · ');
    return [
      el(
        'tr',
        { 'data-testid': 'statistics-row', 'data-value': String(r.value), 'data-voxels': String(r.voxels), 'data-ml': r.volumeMl.toFixed(6), 'data-mean': formatIntensity(r.mean) },
        [
          el('td', { title: r.name }, [swatch, r.name]),
          el('td', {}, [r.voxels.toLocaleString('en-US')]),
          el('td', {}, [formatMl(r.volumeMl)]),
          el('td', {}, [formatIntensity(r.mean)]),
          el('td', {}, [formatIntensity(r.sd)]),
        ],
      ),
      el('tr', { class: 'slices-row', 'data-testid': 'statistics-slices', 'data-value': String(r.value) }, [
        el('td', { colspan: '5', title: 'First–last slice holding the segment: A axial, S sagittal, C coronal' }, [`slices ${slices}`]),
      ]),
    ];
  }

  private async copyCsv(): Promise<void> {
    const csv = statisticsCsv(this.rows());
    this.fallback.value = csv;
    try {
      await navigator.clipboard.writeText(csv);
      this.fallback.hidden = true;
      this.copyStatus.dataset.state = 'copied';
      setText(this.copyStatus, `Copied ${this.model.rows.length} segment${this.model.rows.length === 1 ? '' : 's'} as CSV.`);
    } catch {
      this.fallback.hidden = false;
      this.fallback.select();
      this.copyStatus.dataset.state = 'shown';
      setText(this.copyStatus, 'The clipboard is not available here: the CSV is below, selected; copy it with Ctrl+C.');
    }
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.model.dispose();
  }
}
