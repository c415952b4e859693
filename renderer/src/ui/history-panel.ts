/** The undo history: each step by name, the current position, undo and redo. */
import { autorun } from 'mobx';
import type { RootStore } from '../stores/root-store';
import { el, setText } from './dom';

export class HistoryPanel {
  readonly element: HTMLElement;
  private readonly stop: () => void;

  constructor(root: RootStore) {
    const undo = el('button', { type: 'button', 'data-testid': 'undo', title: 'Undo (Ctrl+Z)' }, ['↶ Undo']);
    const redo = el('button', { type: 'button', 'data-testid': 'redo', title: 'Redo (Ctrl+Shift+Z / Ctrl+Y)' }, ['↷ Redo']);
    undo.addEventListener('click', () => {
      root.history.undo();
    });
    redo.addEventListener('click', () => {
      root.history.redo();
    });
    const list = el('ol', { class: 'history-list', 'data-testid': 'history-list' });
    const memory = el('span', { class: 'readout', 'data-testid': 'history-bytes' });
    this.element = el('section', { class: 'panel-section', 'data-testid': 'history-panel' }, [
      el('h3', {}, ['History']),
      el('div', { class: 'button-row' }, [undo, redo, memory]),
      list,
    ]);
    this.stop = autorun(() => {
      const { history } = root;
      const labels = history.labels;
      const cursor = history.cursor;
      list.replaceChildren(
        ...labels.map((label, n) =>
          el('li', { class: n < cursor ? 'done' : 'undone', 'data-testid': 'history-step', 'data-done': String(n < cursor) }, [label]),
        ),
      );
      list.dataset.count = String(labels.length);
      list.dataset.cursor = String(cursor);
      undo.disabled = !history.canUndo;
      redo.disabled = !history.canRedo;
      setText(memory, `${(history.bytes / 1024).toFixed(1)} KiB`);
    });
  }

  dispose(): void {
    this.stop();
  }
}
