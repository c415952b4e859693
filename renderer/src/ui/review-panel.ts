/**
 * Review against a reference label map: load it, per-segment Dice / IoU / sensitivity / PPV / HD95
 * over the volume and on the active view's current slice, and the slices that disagree most, by
 * error (lowest Dice first, then most false voxels; a click or "Next worst" jumps the views there).
 */
import { autorun, computed, reaction } from 'mobx';
import type { OverlapMetrics } from '../review/metrics';
import { overlapMetrics } from '../review/metrics';
import { sliceValues } from '../segmentation/slice-mask';
import type { RootStore } from '../stores/root-store';
import { chooseReadPath } from './choose-path';
import { el, setText } from './dom';

/** Delay before volume metrics are recomputed after an edit (the document is busy meanwhile). */
const RECOMPUTE_DELAY_MS = 300;

function pct(v: number): string {
  return Number.isNaN(v) ? '—' : (100 * v).toFixed(1);
}

function mm(v: number): string {
  return Number.isNaN(v) ? '—' : v.toFixed(2);
}

export class ReviewPanel {
  readonly element: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Position in the ranking of the last slice jumped to (-1: none yet). */
  private rankCursor = -1;

  constructor(private readonly root: RootStore, onError: (error: unknown) => void) {
    const { review, segmentation, ui } = root;
    const load = el('button', { type: 'button', 'data-testid': 'review-load', title: 'Load a reference (ground truth) label map' }, ['Load reference…']);
    load.addEventListener('click', () => {
      void (async () => {
        const path = await chooseReadPath(root, 'Load a reference label map');
        if (path !== undefined) await root.reviewWorkflow.loadReference(path);
      })().catch(onError);
    });
    const clear = el('button', { type: 'button', 'data-testid': 'review-clear' }, ['Close']);
    clear.addEventListener('click', () => {
      review.clear();
    });
    const show = el('input', { type: 'checkbox', 'data-testid': 'show-reference' });
    show.addEventListener('change', () => {
      root.tools.setShowReference(show.checked);
    });
    const name = el('div', { class: 'readout', 'data-testid': 'review-name' });
    const table = el('table', { class: 'metrics', 'data-testid': 'review-metrics' });
    const sliceTable = el('table', { class: 'metrics', 'data-testid': 'review-slice-metrics' });
    const sliceTitle = el('h4', {}, ['Current slice']);
    const ranked = el('ol', { class: 'ranked', 'data-testid': 'ranked-slices' });
    const next = el('button', { type: 'button', 'data-testid': 'ranked-next', title: 'Jump to the next slice by error (lowest Dice first)' }, ['Next worst']);
    next.addEventListener('click', () => {
      const list = review.ranked;
      if (list.length === 0) return;
      this.rankCursor = (this.rankCursor + 1) % list.length;
      const target = list[this.rankCursor];
      if (target) this.jumpTo(review.rankAxis, target.slice);
    });
    this.element = el('section', { class: 'panel-section', 'data-testid': 'review-panel' }, [
      el('h3', {}, ['Review']),
      el('div', { class: 'button-row' }, [load, clear, el('label', { class: 'check' }, [show, 'outline'])]),
      name,
      el('h4', {}, ['Volume']),
      table,
      sliceTitle,
      sliceTable,
      el('h4', {}, ['Slices that disagree most']),
      el('div', { class: 'button-row' }, [next]),
      ranked,
    ]);

    const header = (): HTMLTableRowElement =>
      el('tr', {}, ['Segment', 'Dice', 'IoU', 'Sens', 'PPV', 'HD95 mm'].map((h) => el('th', {}, [h])));
    const rows = (metrics: readonly OverlapMetrics[], testid: string): HTMLTableRowElement[] =>
      metrics.map((m) =>
        el(
          'tr',
          {
            'data-testid': testid,
            'data-value': String(m.value),
            'data-dice': Number.isNaN(m.dice) ? 'NaN' : m.dice.toFixed(4),
            'data-hd95': Number.isNaN(m.hd95) ? 'NaN' : m.hd95.toFixed(3),
          },
          [
            el('td', {}, [review.nameOf(m.value, segmentation.segments)]),
            el('td', {}, [pct(m.dice)]),
            el('td', {}, [pct(m.iou)]),
            el('td', {}, [pct(m.sensitivity)]),
            el('td', {}, [pct(m.ppv)]),
            el('td', {}, [mm(m.hd95)]),
          ],
        ),
      );

    // Metrics on the active view's current slice (cheap: one slice).
    const sliceMetrics = computed(() => {
      const reference = review.reference;
      const working = segmentation.labels;
      const g = root.volume.geometry;
      const frame = ui.frames?.[ui.activeView];
      const _observed = segmentation.version; // observed, so callers re-run when it moves
      if (reference === undefined || working === undefined || g === undefined || frame === undefined) return undefined;
      const ref = { axis: frame.normalAxis, slice: ui.slices[ui.activeView] };
      const a = sliceValues(working, g.size, g.spacing, ref);
      const b = sliceValues(reference, g.size, g.spacing, ref);
      const size = [a.geometry.width, a.geometry.height, 1] as const;
      const spacing = [a.geometry.pixelSpacing[0], a.geometry.pixelSpacing[1], 1] as const;
      const values = review.volumeMetrics.map((m) => m.value);
      return { view: ui.activeView, slice: ref.slice, metrics: values.map((v) => overlapMetrics(a.values, b.values, v, size, spacing)) };
    });

    this.stops.push(
      autorun(() => {
        show.checked = root.tools.showReference;
        const loaded = review.reference !== undefined;
        clear.disabled = !loaded;
        this.element.dataset.loaded = String(loaded);
        setText(name, review.referenceName ?? 'No reference loaded');
        table.replaceChildren(header(), ...rows(review.volumeMetrics, 'metric-row'));
        table.dataset.version = String(review.metricsForVersion);
        // A new ranking starts the "next worst" walk from its top.
        this.rankCursor = -1;
        next.disabled = review.ranked.length === 0;
        ranked.replaceChildren(
          ...review.ranked.map((r, n) => {
            const b = el(
              'button',
              { type: 'button', class: 'linklike', 'data-testid': 'ranked-slice', 'data-slice': String(r.slice), 'data-dice': r.dice.toFixed(4), 'data-voxels': String(r.voxels) },
              [`slice ${r.slice + 1}: Dice ${pct(r.dice)}%, ${r.voxels.toLocaleString('en-US')} false voxels`],
            );
            b.addEventListener('click', () => {
              this.rankCursor = n;
              this.jumpTo(review.rankAxis, r.slice);
            });
            return el('li', {}, [b]);
          }),
        );
      }),
      autorun(() => {
        const s = sliceMetrics.get();
        setText(sliceTitle, s === undefined ? 'Current slice' : `Current slice (${s.view} ${s.slice + 1})`);
        sliceTable.replaceChildren(header(), ...rows(s?.metrics ?? [], 'slice-metric-row'));
      }),
      // Edits make the volume metrics stale: recompute shortly after, busy until then.
      reaction(
        () => segmentation.version,
        () => {
          if (review.reference === undefined) return;
          if (this.timer === undefined) root.app.begin();
          else clearTimeout(this.timer);
          this.timer = setTimeout(() => {
            this.timer = undefined;
            void root.reviewWorkflow.computeReview().finally(() => root.app.end());
          }, RECOMPUTE_DELAY_MS);
        },
      ),
    );
  }

  /** Moves the cursor to `slice` along index axis `axis`, in every view that slices along it. */
  private jumpTo(axis: 0 | 1 | 2, slice: number): void {
    const { ui } = this.root;
    const frames = ui.frames;
    if (frames === undefined) return;
    const view = (['axial', 'sagittal', 'coronal'] as const).find((v) => frames[v].normalAxis === axis);
    if (view !== undefined) ui.setSlice(view, slice);
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.root.app.end();
    }
  }
}
