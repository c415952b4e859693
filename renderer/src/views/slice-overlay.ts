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

  private readonly markers = svg('g', { class: 'click-markers' });
  private readonly brush = svg('circle', { class: 'brush-cursor hidden', 'data-testid': 'brush-cursor' });

  constructor(view: ViewAxis) {
    for (const line of Object.values(this.segments)) this.lines.append(line);
    this.lines.append(this.markers, this.brush);
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

  /** Click prompts drawn on the slice: green + for positive, red − for negative (CSS pixels). */
  setMarkers(markers: readonly { x: number; y: number; positive: boolean }[]): void {
    const nodes = markers.map((m) =>
      svg('circle', {
        class: m.positive ? 'click-marker positive' : 'click-marker negative',
        cx: m.x.toFixed(1),
        cy: m.y.toFixed(1),
        r: '5',
        'data-testid': m.positive ? 'marker-positive' : 'marker-negative',
      }),
    );
    this.markers.replaceChildren(...nodes);
  }

  /** The brush outline under the pointer, or none. */
  setBrush(cursor: { x: number; y: number; radius: number; erase: boolean } | undefined): void {
    if (cursor === undefined) {
      this.brush.setAttribute('class', 'brush-cursor hidden');
      return;
    }
    this.brush.setAttribute('class', cursor.erase ? 'brush-cursor erase' : 'brush-cursor');
    this.brush.setAttribute('cx', cursor.x.toFixed(1));
    this.brush.setAttribute('cy', cursor.y.toFixed(1));
    this.brush.setAttribute('r', Math.max(1, cursor.radius).toFixed(1));
  }

  setCrosshair(cross: Crosshair | undefined, width: number, height: number): void {
    for (const line of Object.values(this.segments)) line.classList.toggle('hidden', cross === undefined);
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
