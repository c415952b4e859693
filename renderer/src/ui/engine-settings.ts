/**
 * "Click engine" settings: the click model (classical GrowCut or an installed ONNX model) and the
 * execution provider. Changes go through EngineSettingsStore; progress and failures show here,
 * what runs shows in the status bar.
 */
import { autorun } from 'mobx';
import { EP_LABELS } from '../../../electron/common/click/execution-provider';
import { CLASSICAL_CHOICE, modelUsable, type EngineSettingsStore } from '../stores/engine-settings-store';
import type { RootStore } from '../stores/root-store';
import { el, setText } from './dom';

const CLASSICAL_LABEL = 'Classical (GrowCut)';

export class EngineSettingsPanel {
  readonly element: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private readonly modelSelect: HTMLSelectElement;
  /** What the model options were built from, so they are rebuilt only when it changes. */
  private optionsKey = '';

  constructor(root: RootStore) {
    const store = root.engineSettings;
    this.modelSelect = el('select', { 'data-testid': 'engine-model', 'aria-label': 'Click model' });
    const epSelect = el(
      'select',
      { 'data-testid': 'engine-ep', 'aria-label': 'Execution provider' },
      store.epOptions.map((o) => el('option', { value: o.value }, [o.label])),
    );
    const message = el('div', {
      class: 'readout engine-message',
      'data-testid': 'engine-settings-message',
      role: 'status',
    });
    const problems = el('ul', { class: 'engine-problems', 'data-testid': 'engine-model-problems' });

    this.modelSelect.addEventListener('change', () => {
      const clickModel = this.modelSelect.value;
      this.modelSelect.blur(); // keys go back to the views (shortcuts)
      void store.select({ clickModel });
    });
    epSelect.addEventListener('change', () => {
      const value = epSelect.value;
      epSelect.blur();
      const option = store.epOptions.find((o) => o.value === value);
      if (option !== undefined) void store.select({ ep: option.value });
    });

    this.element = el(
      'section',
      { class: 'panel-section engine-settings', 'data-testid': 'engine-settings' },
      [
        el('h3', {}, ['Click engine']),
        el('label', { class: 'field' }, [el('span', { class: 'engine-label' }, ['Model']), this.modelSelect]),
        el('label', { class: 'field' }, [el('span', { class: 'engine-label' }, ['Runs on']), epSelect]),
        message,
        problems,
      ],
    );

    this.stops.push(
      autorun(() => {
        this.fillModels(store, problems);
        const busy = store.state === 'busy' || store.state === 'loading';
        this.modelSelect.value = store.selectedModel;
        this.modelSelect.disabled = busy;
        for (const option of store.epOptions) {
          const node = epSelect.querySelector<HTMLOptionElement>(`option[value="${option.value}"]`);
          if (node === null) continue;
          // The current preference stays selectable even where it is unavailable, so it shows.
          node.disabled = !option.available && option.value !== store.selectedEp;
          node.title = option.note;
          setText(node, option.available ? option.label : `${option.label} (not on this machine)`);
        }
        epSelect.value = store.selectedEp;
        epSelect.disabled = busy;
        this.element.dataset.state = store.state;
        this.element.dataset.model = store.selectedModel;
        this.element.dataset.ep = store.selectedEp;
        const { text, kind } = this.describe(root, store);
        setText(message, text);
        message.dataset.kind = kind;
        message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
      }),
    );
  }

  /** Classical, then each click model; unusable ones disabled, their problems listed below. */
  private fillModels(store: EngineSettingsStore, problems: HTMLElement): void {
    const models = store.models;
    const selected = store.selectedModel;
    // A model the engine runs that the list lacks (e.g. named by ISEG_CLICK_MODEL) still shows.
    const extra =
      selected !== '' && selected !== CLASSICAL_CHOICE && !models.some((m) => m.id === selected)
        ? selected
        : undefined;
    const key = JSON.stringify([models.map((m) => [m.id, m.status, m.version ?? '']), extra ?? '']);
    if (key === this.optionsKey) return;
    this.optionsKey = key;
    const options = [
      el(
        'option',
        { value: CLASSICAL_CHOICE, title: 'The classical segmenter: no model, works everywhere' },
        [CLASSICAL_LABEL],
      ),
    ];
    for (const model of models) {
      const usable = modelUsable(model);
      const name = model.version === undefined ? model.id : `${model.id} (${model.version})`;
      const option = el(
        'option',
        {
          value: model.id,
          title: usable
            ? `ONNX click model ${name}`
            : (model.problem ?? `Model "${model.id}" cannot be used (${model.status}).`),
        },
        [usable ? name : `${name} — unavailable`],
      );
      option.disabled = !usable;
      options.push(option);
    }
    if (extra !== undefined) options.push(el('option', { value: extra }, [extra]));
    this.modelSelect.replaceChildren(...options);
    problems.replaceChildren(
      ...models
        .filter((m) => !modelUsable(m))
        .map((m) =>
          el('li', { 'data-model': m.id }, [m.problem ?? `Model "${m.id}" cannot be used (${m.status}).`]),
        ),
    );
  }

  private describe(
    root: RootStore,
    store: EngineSettingsStore,
  ): { text: string; kind: 'progress' | 'error' | 'info' } {
    const pending = store.pending;
    if (pending !== undefined) {
      if (pending.clickModel !== undefined && pending.clickModel !== CLASSICAL_CHOICE)
        return { text: `Loading ${pending.clickModel}…`, kind: 'progress' };
      if (pending.clickModel === CLASSICAL_CHOICE)
        return { text: 'Switching to the classical segmenter…', kind: 'progress' };
      const ep = pending.ep;
      return {
        text: `Switching to ${ep === undefined || ep === 'auto' ? 'the automatic choice' : EP_LABELS[ep]}…`,
        kind: 'progress',
      };
    }
    if (store.state === 'loading') return { text: 'Listing the click models…', kind: 'progress' };
    if (store.error !== undefined) return { text: store.error, kind: 'error' };
    // Fallbacks that are not failures (e.g. CUDA asked for, CPU used) are worth a line too.
    return { text: root.prompts.engine?.messages.join(' ') ?? '', kind: 'info' };
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
