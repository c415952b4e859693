/** The DOM drawn over a slice view: title, slice counter, orientation letters and the crosshair. */
import type { ViewAxis } from '../../../electron/common/volume';
import type { Crosshair } from '../geometry/crosshair';
import type { EdgeLabels } from '../geometry/view-frame';
import { el, setText, svg } from '../ui/dom';
import { VIEW_TITLES } from './view-style';

/** Gap left open around the cursor so the voxel under it stays visible (CSS pixels). */
const GAP = 6;

export class SliceOverlay {
  readonly element: HTMLDivElement;
  private readonly slice = el('span', { class: 'view-slice', 'data-testid': 'slice-label' });
  private readonly edges = {
    left: el('span', { class: 'edge edge-left' }),
    right: el('span', { class: 'edge edge-right' }),
    top: el('span', { class: 'edge edge-top' }),
    bottom: el('span', { class: 'edge edge-bottom' }),
  };
  private readonly lines = svg('svg', { class: 'crosshair', 'aria-hidden': 'true' });
  private readonly segments = {
    left: svg('line'),
    right: svg('line'),
    top: svg('line'),
    bottom: svg('line'),
  };

  constructor(view: ViewAxis) {
    for (const line of Object.values(this.segments)) this.lines.append(line);
    this.element = el('div', { class: 'view-overlay' }, [
      this.lines,
      el('div', { class: 'view-label' }, [
        el('span', { class: 'view-title' }, [VIEW_TITLES[view]]),
        this.slice,
      ]),
      ...Object.values(this.edges),
    ]);
  }

  setSlice(slice: number, count: number): void {
    setText(this.slice, count > 0 ? `${slice + 1} / ${count}` : '');
  }

  setEdges(labels: EdgeLabels | undefined): void {
    setText(this.edges.left, labels?.left ?? '');
    setText(this.edges.right, labels?.right ?? '');
    setText(this.edges.top, labels?.top ?? '');
    setText(this.edges.bottom, labels?.bottom ?? '');
  }

  setCrosshair(cross: Crosshair | undefined, width: number, height: number): void {
    this.lines.classList.toggle('hidden', cross === undefined);
    if (cross === undefined) return;
    const { x, y } = cross;
    const set = (
      line: SVGLineElement,
      x1: number,
      y1: number,
      x2: number,
      y2: number,
      view: ViewAxis | undefined,
    ): void => {
      line.setAttribute('x1', x1.toFixed(1));
      line.setAttribute('y1', y1.toFixed(1));
      line.setAttribute('x2', x2.toFixed(1));
      line.setAttribute('y2', y2.toFixed(1));
      line.setAttribute('class', view === undefined ? 'cross' : `cross cross-${view}`);
    };
    set(this.segments.left, 0, y, Math.max(0, x - GAP), y, cross.horizontalView);
    set(this.segments.right, Math.min(width, x + GAP), y, width, y, cross.horizontalView);
    set(this.segments.top, x, 0, x, Math.max(0, y - GAP), cross.verticalView);
    set(this.segments.bottom, x, Math.min(height, y + GAP), x, height, cross.verticalView);
  }
}
