/** The segment table: add, knee preset, select, rename, recolour, hide, lock, delete. */
import { autorun, reaction } from 'mobx';
import { fromHex, toHex, type Segment } from '../segmentation/segments';
import type { RootStore } from '../stores/root-store';
import { el, setText } from './dom';

export class SegmentsPanel {
  readonly element: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private readonly counts = new Map<number, HTMLElement>();

  constructor(private readonly root: RootStore) {
    const seg = root.segmentation;
    const add = el('button', { type: 'button', 'data-testid': 'segment-add', title: 'Add a segment' }, ['+ Add']);
    add.addEventListener('click', () => {
      seg.addSegment();
    });
    const preset = el('button', { type: 'button', 'data-testid': 'segment-preset-knee', title: 'Femur, femoral cartilage, tibia, tibial cartilage (values 1–4)' }, ['Knee preset']);
    preset.addEventListener('click', () => {
      seg.applyKneePreset();
    });
    const list = el('ul', { class: 'segment-list', 'data-testid': 'segment-list' });
    this.element = el('section', { class: 'panel-section', 'data-testid': 'segments-panel' }, [
      el('h3', {}, ['Segments']),
      el('div', { class: 'button-row' }, [add, preset]),
      el('div', { class: 'segment-row segment-head', 'aria-hidden': 'true' }, [
        el('span'),
        el('span', {}, ['#']),
        el('span'),
        el('span', {}, ['Name']),
        el('span', {}, ['Voxels']),
        el('span', {}, ['Show']),
        el('span', {}, ['Lock']),
        el('span'),
      ]),
      list,
    ]);
    this.stops.push(
      reaction(
        () => [seg.segments, seg.activeValue] as const,
        ([segments, active]) => {
          this.counts.clear();
          list.replaceChildren(...segments.map((s) => this.row(s, s.value === active)));
          this.element.dataset.active = active === undefined ? '' : String(active);
          this.updateCounts();
        },
        { fireImmediately: true },
      ),
      autorun(() => {
        const _observed = seg.version; // observed, so callers re-run when it moves
        this.updateCounts();
      }),
    );
  }

  private updateCounts(): void {
    for (const [value, node] of this.counts) {
      const n = this.root.segmentation.count(value);
      setText(node, n.toLocaleString('en-US'));
      node.closest('li')?.setAttribute('data-voxels', String(n));
    }
  }

  private row(s: Segment, active: boolean): HTMLLIElement {
    const seg = this.root.segmentation;
    const select = el('input', { type: 'radio', name: 'active-segment', 'data-testid': 'segment-select', 'aria-label': `Active: ${s.name}` });
    select.checked = active;
    select.addEventListener('change', () => {
      seg.setActive(s.value);
    });
    const color = el('input', { type: 'color', 'data-testid': 'segment-color', 'aria-label': `Colour of ${s.name}` });
    color.value = toHex(s.color);
    color.addEventListener('change', () => {
      const rgb = fromHex(color.value);
      if (rgb !== undefined) seg.updateSegment(s.value, { color: rgb });
    });
    const name = el('input', { type: 'text', class: 'segment-name', 'data-testid': 'segment-name', 'aria-label': 'Segment name', spellcheck: 'false' });
    name.value = s.name;
    name.addEventListener('change', () => {
      const text = name.value.trim();
      if (text !== '') seg.updateSegment(s.value, { name: text.slice(0, 256) });
      else name.value = s.name;
    });
    const visible = el('input', { type: 'checkbox', 'data-testid': 'segment-visible', title: 'Show', 'aria-label': `Show ${s.name}` });
    visible.checked = s.visible;
    visible.addEventListener('change', () => {
      seg.updateSegment(s.value, { visible: visible.checked });
    });
    const locked = el('input', { type: 'checkbox', 'data-testid': 'segment-lock', title: 'Lock: its voxels are never overwritten', 'aria-label': `Lock ${s.name}` });
    locked.checked = s.locked;
    locked.addEventListener('change', () => {
      seg.updateSegment(s.value, { locked: locked.checked });
    });
    const remove = el('button', { type: 'button', class: 'danger', 'data-testid': 'segment-delete', title: 'Delete the segment and clear its voxels (undoable)' }, ['✕']);
    remove.addEventListener('click', () => {
      this.root.labelEdits.deleteSegment(s.value);
    });
    const count = el('span', { class: 'segment-count', 'data-testid': 'segment-voxels', title: 'Voxels' });
    this.counts.set(s.value, count);
    return el(
      'li',
      {
        class: active ? 'segment-row active' : 'segment-row',
        'data-testid': 'segment-row',
        'data-value': String(s.value),
        'data-name': s.name,
        'data-locked': String(s.locked),
        'data-visible': String(s.visible),
        'data-active': String(active),
      },
      [
        select,
        el('span', { class: 'segment-value' }, [String(s.value)]),
        color,
        name,
        count,
        el('label', { class: 'check', title: 'Show' }, [visible]),
        el('label', { class: 'check', title: 'Lock' }, [locked]),
        remove,
      ],
    );
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
