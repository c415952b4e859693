/** The status bar: volume, cursor, and the inference worker's state. */
import { autorun, reaction } from 'mobx';
import type { RootStore } from '../stores/root-store';
import { el, setText } from './dom';

const WORKING_DELAY_MS = 400;
import { formatEngine, formatInference, formatLatency, formatSize, formatSpacing, formatVoxel, formatWorld } from './format';

export class StatusBar {
  readonly element: HTMLElement;
  private readonly stop: () => void;
  private readonly stopEngine: () => void;
  private readonly stopWorking: () => void;
  private workingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(root: RootStore) {
    const name = el('span', { class: 'status-item status-name', 'data-testid': 'status-volume' });
    const size = el('span', {
      class: 'status-item',
      'data-testid': 'status-size',
      title: 'Voxels (i × j × k)',
    });
    const spacing = el('span', {
      class: 'status-item',
      'data-testid': 'status-spacing',
      title: 'Voxel spacing',
    });
    const orientation = el('span', {
      class: 'status-item',
      'data-testid': 'status-orientation',
      title: 'Orientation (ITK / LPS convention)',
    });
    const type = el('span', { class: 'status-item', 'data-testid': 'status-type', title: 'Voxel type' });
    const cursor = el('span', {
      class: 'status-item status-cursor',
      'data-testid': 'status-cursor',
      title: 'Cursor voxel [i, j, k] = value',
    });
    const pointer = el('span', {
      class: 'status-item status-pointer',
      'data-testid': 'status-pointer',
      title: 'Voxel under the pointer [i, j, k] = value',
    });
    const world = el('span', {
      class: 'status-item',
      'data-testid': 'status-world',
      title: 'Cursor position (LPS)',
    });
    const notice = el('span', {
      class: 'status-item status-notice',
      'data-testid': 'status-notice',
      role: 'status',
    });
    const inference = el('span', {
      class: 'status-item status-inference',
      'data-testid': 'inference-status',
    });
    const engine = el('span', {
      class: 'status-item status-engine',
      'data-testid': 'status-engine',
      title: 'Click engine: model (execution provider)',
    });
    const latency = el('span', {
      class: 'status-item',
      'data-testid': 'status-latency',
      title: 'Last click: round trip (engine time)',
    });
    // Shown when work takes longer than a moment (loading, exporting, metrics), not for each render.
    const working = el('span', { class: 'status-item status-working', 'data-testid': 'status-working', hidden: '' }, [
      el('progress', { 'aria-label': 'Working' }),
      ' Working…',
    ]);
    this.stopWorking = reaction(
      () => root.app.busy,
      (busy) => {
        if (this.workingTimer !== undefined) clearTimeout(this.workingTimer);
        this.workingTimer = undefined;
        if (!busy) {
          working.hidden = true;
          return;
        }
        this.workingTimer = setTimeout(() => {
          working.hidden = false;
        }, WORKING_DELAY_MS);
      },
    );
    this.element = el('footer', { class: 'status-bar', 'data-testid': 'status-bar' }, [
      working,
      name,
      size,
      spacing,
      orientation,
      type,
      cursor,
      world,
      pointer,
      el('span', { class: 'status-spacer' }),
      notice,
      engine,
      latency,
      inference,
    ]);
    this.stopEngine = autorun(() => {
      const text = formatEngine(root.prompts.engine, root.prompts.lastAnswer);
      setText(engine, text.text);
      engine.title = text.title;
      engine.dataset.model = text.model;
      engine.dataset.kind = text.kind;
      const answer = root.prompts.lastAnswer;
      setText(latency, answer === undefined ? '' : formatLatency(answer.roundTripMs, answer.engineMs));
      if (answer === undefined) delete latency.dataset.ms;
      else latency.dataset.ms = answer.roundTripMs.toFixed(0);
    });
    this.stop = autorun(() => {
      const { meta } = root.volume;
      setText(name, meta?.name ?? 'No volume');
      setText(size, meta === undefined ? '' : formatSize(meta.geometry.size));
      setText(spacing, meta === undefined ? '' : formatSpacing(meta.geometry.spacing));
      setText(orientation, meta?.orientation ?? '');
      // NaN or infinite voxels are left out of the range and the window; the bar says how many.
      const nonFinite = meta?.nonFiniteVoxels;
      setText(type, meta === undefined ? '' : nonFinite === undefined ? meta.componentType : `${meta.componentType} · ${nonFinite.toLocaleString('en-US')} NaN/Inf`);
      const voxel = root.ui.cursorVoxel;
      setText(cursor, meta === undefined ? '' : formatVoxel(voxel, root.volume.valueAt(voxel)));
      setText(world, meta === undefined ? '' : formatWorld(root.ui.cursorWorld));
      const under = root.ui.pointerIndex;
      setText(pointer, meta === undefined || under === undefined ? '' : `pointer ${formatVoxel(under, root.volume.valueAt(under))}`);
      setText(notice, root.app.notice ?? '');
      const status = root.app.inference;
      setText(inference, formatInference(status));
      // Attributes for tests and tooling: the worker's state, restart count and process id.
      inference.dataset.state = status?.state ?? 'unknown';
      inference.dataset.restarts = String(status?.restarts ?? 0);
      if (status?.pid === undefined) delete inference.dataset.pid;
      else inference.dataset.pid = String(status.pid);
      inference.title = status?.lastError ?? '';
    });
  }

  dispose(): void {
    this.stopWorking();
    if (this.workingTimer !== undefined) clearTimeout(this.workingTimer);
    this.stopEngine();
    this.stop();
  }
}
