/**
 * Propagation: turn a few segmented slices into a 3D segmentation (by default the gated method:
 * per segment contour interpolation or the consensus of the memory network, interpolation and
 * growing, whichever predicts the user's own held-out slices better, and what it chose), or fill
 * between them by contour interpolation; what will change before it runs (every slice, or the
 * range a correction re-propagates); progress with cancel; suspect slices to check.
 */
import { autorun, compareStructural, reaction } from 'mobx';
import { VIEW_AXES, type ViewAxis } from '../../../electron/common/volume';
import type { RootStore } from '../stores/root-store';
import type { GateDecision } from '../../../electron/common/propagation/auto-propagator';
import type { PropagationMethod } from '../stores/propagation-store';
import { describePlan, type SegmentPlan } from '../segmentation/repropagation-plan';
import { el, setText } from './dom';

const FILL_TITLE = 'Fill between segmented slices (morphological contour interpolation)';

export class PropagationPanel {
  readonly element: HTMLElement;
  private readonly stops: (() => void)[] = [];

  constructor(private readonly root: RootStore) {
    const store = root.propagation;
    const along = el(
      'select',
      { 'data-testid': 'propagate-axis', 'aria-label': 'Propagate along' },
      VIEW_AXES.map((v) => el('option', { value: v }, [`along ${v} slices`])),
    );
    along.value = store.view;
    along.addEventListener('change', () => {
      store.setView(along.value as ViewAxis);
    });
    const run = (method: PropagationMethod): void => {
      void store.run(method, store.view);
    };
    const propagate = el(
      'button',
      {
        type: 'button',
        class: 'primary',
        'data-testid': 'propagate-run',
        title: 'Propagate the segmented slices: per segment, interpolation or the consensus of the memory network, interpolation and growing, whichever predicts your own slices better',
      },
      ['Propagate'],
    );
    propagate.addEventListener('click', () => {
      run('auto');
    });
    const fill = el('button', { type: 'button', 'data-testid': 'fill-between', title: FILL_TITLE }, ['Fill between slices']);
    fill.addEventListener('click', () => {
      run('interpolation');
    });
    const cancel = el('button', { type: 'button', 'data-testid': 'propagate-cancel' }, ['Cancel']);
    cancel.addEventListener('click', () => {
      void store.cancel();
    });
    const plan = el('ul', { class: 'readout', 'data-testid': 'propagate-plan', 'aria-label': 'What Propagate will change' });
    const progress = el('progress', { 'data-testid': 'propagate-progress', max: '1', value: '0' });
    const status = el('div', { class: 'readout', 'data-testid': 'propagate-status', role: 'status' });
    const next = el('button', { type: 'button', 'data-testid': 'suspect-next', title: 'Go to the next slice where the propagation looks doubtful' }, ['Next suspect slice']);
    next.addEventListener('click', () => {
      const suspect = store.nextSuspect();
      if (suspect !== undefined) this.jumpTo(store.axis, suspect.slice);
    });
    const suspects = el('div', { class: 'readout', 'data-testid': 'suspect-count' });
    const chosen = el('ul', { class: 'readout', 'data-testid': 'propagate-gate', 'aria-label': 'What Propagate chose per segment' });
    this.element = el('section', { class: 'panel-section', 'data-testid': 'propagation-panel' }, [
      el('h3', {}, ['Propagation']),
      el('div', { class: 'field' }, [along]),
      plan,
      el('div', { class: 'button-row' }, [propagate, fill, cancel]),
      progress,
      status,
      chosen,
      el('div', { class: 'button-row' }, [next, suspects]),
    ]);
    this.stops.push(
      autorun(() => {
        const running = store.running;
        const loaded = root.volume.loaded;
        propagate.disabled = running || !loaded;
        fill.disabled = running || !loaded;
        cancel.disabled = !running;
        progress.max = Math.max(1, store.total);
        progress.value = store.done;
        progress.dataset.state = store.state;
        progress.dataset.done = String(store.done);
        progress.dataset.total = String(store.total);
        setText(status, store.message);
        next.disabled = store.suspects.length === 0;
        setText(suspects, store.suspects.length > 0 ? `${store.suspects.length} suspect slices` : '');
      }),
      // The plan is re-read on every edit (cheap), the list rebuilt only when it changes.
      reaction(
        () => {
          const name = (value: number): string => root.segmentation.segment(value)?.name ?? `Segment ${value}`;
          if (store.running) return { items: [], fillTitle: FILL_TITLE };
          const items = store.plan('auto').map((p) => ({ attributes: { 'data-value': String(p.label), 'data-kind': p.kind, ...rangeAttributes(p) }, text: describePlan(p, name(p.label)) }));
          const fillPlans = store.plan('interpolation');
          const fillTitle = fillPlans.length === 0 ? FILL_TITLE : [FILL_TITLE, ...fillPlans.map((p) => describePlan(p, name(p.label)))].join('\n');
          return { items, fillTitle };
        },
        ({ items, fillTitle }) => {
          plan.replaceChildren(...items.map((item) => el('li', item.attributes, [item.text])));
          fill.title = fillTitle;
        },
        { equals: compareStructural, fireImmediately: true },
      ),
      reaction(
        () => store.lastGate.map((d) => ({ label: String(d.label), method: d.between, text: describeGate(d, root.segmentation.segment(d.label)?.name ?? `Segment ${d.label}`) })),
        (items) => {
          chosen.replaceChildren(...items.map((item) => el('li', { 'data-value': item.label, 'data-method': item.method }, [item.text])));
        },
        { equals: compareStructural, fireImmediately: true },
      ),
    );
  }

  private jumpTo(axis: 0 | 1 | 2, slice: number): void {
    const frames = this.root.ui.frames;
    if (frames === undefined) return;
    const view = VIEW_AXES.find((v) => frames[v].normalAxis === axis);
    if (view !== undefined) this.root.ui.setSlice(view, slice);
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}

/** "Femur: the consensus between your slices (held-out Dice: memory 0.71, interpolation 0.80, growing 0.66, consensus 0.83); memory and growing where they agree beyond them". */
export function describeGate(d: GateDecision, name: string): string {
  if (d.oneSlice !== undefined) {
    const how = d.before === 'grow' ? 'grown slice to slice' : 'where the memory network and growing agree';
    const leak = d.leakFrom === undefined ? [] : [d.leakFrom.before, d.leakFrom.after].filter((s) => s !== undefined).map((s) => s + 1);
    const held = leak.length === 0 ? '' : `; where growing spread too far (from slice ${leak.join(' and ')} outward), only what the memory network also holds`;
    return `${name}: from your one slice, ${how} (out and back to your slice, Dice: memory ${d.oneSlice.memory.toFixed(2)}, growing ${d.oneSlice.grow.toFixed(2)})${held}`;
  }
  const s = d.scores;
  const scores = s ? ` (held-out Dice: memory ${s.memory.toFixed(2)}, interpolation ${s.interpolation.toFixed(2)}, growing ${s.grow.toFixed(2)}, consensus ${s.consensus.toFixed(2)})` : '';
  const between = { consensus: 'the consensus of memory, interpolation and growing', interpolation: 'interpolation', memory: 'the memory network alone', grow: 'growing alone' }[d.between];
  const beyond = { consensus: 'memory and growing where they agree', memory: 'the memory network', grow: 'growing' }[d.before];
  return `${name}: ${between} between your slices${scores}; ${beyond} beyond them`;
}

/** The range a correction re-propagates, for tests and assistive tools (slice indices from 0). */
function rangeAttributes(plan: SegmentPlan): Record<string, string> {
  return plan.kind === 'range' ? { 'data-first': String(plan.range.first), 'data-last': String(plan.range.last) } : {};
}

