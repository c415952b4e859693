/** Tool picker, brush size, overlay look, and the prompt's (clicks, box, scribbles) Finish / Cancel. */
import { autorun } from 'mobx';
import type { RootStore } from '../stores/root-store';
import { MIN_BRUSH_MM, TOOLS, type OverlayMode, type Tool } from '../stores/tool-store';
import { el, setText } from './dom';

const TOOL_LABELS: Readonly<Record<Tool, [string, string]>> = {
  navigate: ['Navigate', 'Navigate (N): move the cursor, scroll, window/level'],
  click: ['Click', 'Click prompts (C): left = positive, right or Shift+left = negative; Enter finishes, Esc cancels'],
  brush: ['Brush', 'Brush (B): paint the active segment on the slice; [ and ] change the size'],
  eraser: ['Eraser', 'Eraser (E): clear the active segment on the slice'],
  box: ['Box', 'Box prompt (X): drag a box around the object for its first mask; add clicks or scribbles to correct it'],
  scribble: ['Scribble', 'Scribble prompts (S): drag = positive stroke, Shift+drag or right drag = negative stroke; Enter finishes, Esc cancels'],
};

export class ToolsPanel {
  readonly element: HTMLElement;
  private readonly stops: (() => void)[] = [];

  constructor(root: RootStore) {
    const { tools, prompts } = root;
    const buttons = TOOLS.map((tool) => {
      const [label, title] = TOOL_LABELS[tool];
      const b = el('button', { type: 'button', class: 'tool', 'data-testid': `tool-${tool}`, title }, [label]);
      b.addEventListener('click', () => {
        tools.setTool(tool);
      });
      return b;
    });
    const size = el('input', {
      type: 'range',
      min: String(MIN_BRUSH_MM),
      max: '20',
      step: '0.25',
      'data-testid': 'brush-size',
      'aria-label': 'Brush radius (mm)',
    });
    const sizeText = el('span', { class: 'readout', 'data-testid': 'brush-size-value' });
    size.addEventListener('input', () => {
      tools.setBrushRadius(Number(size.value));
    });
    const mode = el('select', { 'data-testid': 'overlay-mode', 'aria-label': 'Label overlay' }, [
      el('option', { value: 'fill' }, ['Filled']),
      el('option', { value: 'outline' }, ['Outlined']),
    ]);
    mode.addEventListener('change', () => {
      tools.setOverlayMode(mode.value as OverlayMode);
      mode.blur();
    });
    const opacity = el('input', {
      type: 'range',
      min: '0',
      max: '1',
      step: '0.05',
      'data-testid': 'overlay-opacity',
      'aria-label': 'Label opacity',
    });
    opacity.addEventListener('input', () => {
      tools.setOpacity(Number(opacity.value));
    });
    const showLabels = el('input', { type: 'checkbox', 'data-testid': 'show-labels' });
    showLabels.addEventListener('change', () => {
      tools.setShowLabels(showLabels.checked);
    });
    const finish = el('button', { type: 'button', class: 'primary', 'data-testid': 'prompt-finish', title: 'Commit the preview to the active segment (Enter)' }, ['Finish']);
    const cancel = el('button', { type: 'button', 'data-testid': 'prompt-cancel', title: 'Drop the clicks and the preview (Esc)' }, ['Cancel']);
    finish.addEventListener('click', () => {
      void root.labelEdits.finishPrompt();
    });
    cancel.addEventListener('click', () => {
      prompts.cancel();
    });
    const promptStatus = el('span', { class: 'readout', 'data-testid': 'prompt-status' });

    this.element = el('section', { class: 'panel-section', 'data-testid': 'tools-panel' }, [
      el('h3', {}, ['Tools']),
      el('div', { class: 'tool-row' }, buttons),
      el('label', { class: 'field' }, ['Brush radius', size, sizeText]),
      el('div', { class: 'field' }, [el('span', {}, ['Labels']), mode, opacity, el('label', { class: 'check' }, [showLabels, 'show'])]),
      el('div', { class: 'field prompt-row' }, [promptStatus, cancel, finish]),
    ]);
    this.stops.push(
      autorun(() => {
        for (const [n, tool] of TOOLS.entries()) {
          const b = buttons[n];
          if (b === undefined) continue;
          b.classList.toggle('active', tools.tool === tool);
          b.setAttribute('aria-pressed', String(tools.tool === tool));
        }
        this.element.dataset.tool = tools.tool;
        size.value = String(tools.brushRadiusMm);
        setText(sizeText, `${tools.brushRadiusMm.toFixed(2)} mm`);
        mode.value = tools.overlayMode;
        opacity.value = String(tools.opacity);
        showLabels.checked = tools.showLabels;
      }),
      autorun(() => {
        const clicks = prompts.clicks;
        const preview = prompts.preview;
        const positives = clicks.filter((c) => c.positive).length;
        const extras = `${prompts.box === undefined ? '' : ' · box'}${prompts.scribbles.length === 0 ? '' : ` · ${prompts.scribbles.length} scribble${prompts.scribbles.length === 1 ? '' : 's'}`}`;
        setText(
          promptStatus,
          !prompts.active
            ? 'No prompt'
            : `${positives}+ ${clicks.length - positives}−${extras} · ${preview?.voxels ?? 0} px${prompts.inFlight > 0 ? ' …' : ''}`,
        );
        promptStatus.dataset.clicks = String(clicks.length);
        promptStatus.dataset.box = String(prompts.box !== undefined);
        promptStatus.dataset.scribbles = String(prompts.scribbles.length);
        promptStatus.dataset.previewVoxels = String(preview?.voxels ?? 0);
        promptStatus.dataset.pending = String(prompts.inFlight);
        finish.disabled = preview === undefined && prompts.inFlight === 0;
        cancel.disabled = !prompts.active;
      }),
    );
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
