/** The toolbar: open the sample, window/level presets and readout, layout. */
import { autorun } from 'mobx';
import type { SampleId } from '../../../electron/common/contract';
import type { RootStore } from '../stores/root-store';
import { LAYOUTS, type Layout } from '../stores/ui-store';
import { formatNumber, formatWindowLevel, parseWindowLevel, presetsFor, type PresetId } from '../../../electron/common/window-level';
import { el, setText } from './dom';
import { confirmDiscard } from './unsaved-guard';
import { HelpOverlay } from './help-overlay';
import { withKey } from './shortcut-keys';

const LAYOUT_LABELS: Readonly<Record<Layout, string>> = {
  'three-up': 'Three views',
  axial: 'Axial only',
  sagittal: 'Sagittal only',
  coronal: 'Coronal only',
  'three-3d': 'Three views + 3D',
  '3d': '3D only',
};

export class Toolbar {
  readonly element: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private readonly help: HelpOverlay;

  constructor(root: RootStore, onError: (error: unknown) => void) {
    /** A button opening a bundled sample (without one, the first-run sample), once unsaved labels may go. */
    const sampleButton = (testId: string, text: string, title: string, action: string, sample?: SampleId): HTMLButtonElement => {
      const button = el('button', { type: 'button', 'data-testid': testId, title }, [text]);
      button.addEventListener('click', () => {
        void confirmDiscard(root, action)
          .then((go) => (go ? root.openWorkflow.openSample(sample) : undefined))
          .catch(onError);
      });
      return button;
    };
    const open = sampleButton('open-sample', 'Open sample', 'Open the first-run sample (a real knee MRI)', 'Opening the sample');
    const openLabelled = sampleButton(
      'open-labelled-sample',
      'Labelled sample',
      'Open the simulated knee that comes with ground-truth labels (for review)',
      'Opening the labelled sample',
      'knee-simulated',
    );
    const preset = el('select', { 'data-testid': 'wl-preset', 'aria-label': 'Window/level preset' });
    preset.addEventListener('change', () => {
      if (preset.value !== 'custom') root.ui.applyPreset(preset.value as PresetId);
      preset.blur();
    });
    const readout = el('span', { class: 'wl-readout', 'data-testid': 'wl-value' });
    const numberInput = (testId: string, label: string): HTMLInputElement =>
      el('input', { type: 'text', inputmode: 'decimal', class: 'wl-input', 'data-testid': testId, 'aria-label': label, title: `${label}; Enter applies` });
    const windowInput = numberInput('wl-window', 'Window width');
    const levelInput = numberInput('wl-level', 'Window level (centre)');
    const applyTyped = (): void => {
      const typed = parseWindowLevel(windowInput.value, levelInput.value, root.volume.meta?.range ?? [0, 1]);
      if (typeof typed === 'string') {
        root.app.setNotice(typed);
        showWindowLevel();
      } else {
        root.ui.setWindowLevel(typed);
      }
    };
    const showWindowLevel = (): void => {
      windowInput.value = formatNumber(root.ui.windowLevel.window);
      levelInput.value = formatNumber(root.ui.windowLevel.level);
    };
    for (const input of [windowInput, levelInput]) {
      input.addEventListener('change', applyTyped);
      input.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') applyTyped();
        if (e.key === 'Escape') showWindowLevel();
      });
    }
    const layout = el(
      'select',
      { 'data-testid': 'layout', 'aria-label': 'Layout' },
      LAYOUTS.map((l) => el('option', { value: l }, [LAYOUT_LABELS[l]])),
    );
    layout.addEventListener('change', () => {
      root.ui.setLayout(layout.value as Layout);
      layout.blur();
    });
    const reset = el('button', { type: 'button', 'data-testid': 'reset-view', title: withKey('Fit every view, centre the cursor, automatic window/level', { kind: 'reset-view' }) }, ['Reset view']);
    reset.addEventListener('click', () => {
      const g = root.volume.geometry;
      if (g !== undefined) root.ui.resetView(g);
      reset.blur();
    });
    this.help = new HelpOverlay(root);
    const helpButton = el('button', { type: 'button', 'data-testid': 'help-open', title: withKey('Every mouse gesture and shortcut', { kind: 'help' }) }, ['Help']);
    helpButton.addEventListener('click', () => {
      root.ui.setHelpOpen(true);
      helpButton.blur();
    });
    this.element = el('header', { class: 'toolbar' }, [
      el('span', { class: 'app-title' }, ['iSeg Studio']),
      open,
      openLabelled,
      el('span', { class: 'toolbar-group', 'data-testid': 'wl-group', 'data-modality': '' }, [
        el('label', {}, ['Window/level']),
        preset,
        readout,
        el('label', {}, ['W']),
        windowInput,
        el('label', {}, ['L']),
        levelInput,
      ]),
      el('span', { class: 'toolbar-group' }, [el('label', {}, ['Layout']), layout]),
      reset,
      helpButton,
      this.help.element,
    ]);

    // The preset list depends on the image's modality (DICOM tag, else its value range).
    this.stops.push(
      autorun(() => {
        const modality = root.ui.modality;
        readout.parentElement?.setAttribute('data-modality', modality);
        preset.title = `Presets for ${modality === 'other' ? 'this modality' : modality}`;
        const options = presetsFor(modality).map((p) => el('option', { value: p.id }, [p.label]));
        options.push(el('option', { value: 'custom', disabled: '' }, ['Custom']));
        preset.replaceChildren(...options);
        preset.value = root.ui.preset;
      }),
      autorun(() => {
        preset.value = root.ui.preset;
        setText(readout, formatWindowLevel(root.ui.windowLevel));
        if (![windowInput, levelInput].some((input) => input === document.activeElement)) showWindowLevel();
        layout.value = root.ui.layout;
      }),
    );
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.help.dispose();
  }
}
