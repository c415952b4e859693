/** Page-wide workspace keys and the menu's commands (Electron's 'app.menu' event). */
import type { EventPayload } from '../../../electron/common/contract';
import type { RootStore } from '../stores/root-store';
import { shortcutFor, type ShortcutCommand } from './shortcut-keys';

export interface MenuActions {
  open(): void;
  save(): void;
  export(): void;
}

export function run(root: RootStore, command: ShortcutCommand): void {
  switch (command.kind) {
    case 'undo':
      root.history.undo();
      break;
    case 'redo':
      root.history.redo();
      break;
    case 'commit':
      void root.labelEdits.finishPrompt();
      break;
    case 'cancel':
      if (root.ui.helpOpen) root.ui.setHelpOpen(false);
      else root.prompts.cancel();
      break;
    case 'tool':
      root.tools.setTool(command.tool);
      break;
    case 'brush':
      root.tools.setBrushRadius(root.tools.brushRadiusMm * command.factor);
      break;
    case 'reset-view': {
      const geometry = root.volume.geometry;
      if (geometry !== undefined) root.ui.resetView(geometry);
      break;
    }
    case 'help':
      root.ui.setHelpOpen(!root.ui.helpOpen);
      break;
  }
}

const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'button', 'color', 'range']);

/** Keys typed into a text field belong to it; a focused checkbox or radio still lets shortcuts through. */
function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT') return true;
  return target instanceof HTMLInputElement && !NON_TEXT_INPUTS.has(target.type);
}

/** A command from the desktop app's menu. Like the keys: nothing but Open until an image's voxels are in. */
export function runMenuCommand(root: RootStore, menu: MenuActions, command: EventPayload<'app.menu'>['command']): void {
  if (command !== 'open' && !root.volume.loaded) return;
  if (command === 'undo' || command === 'redo') run(root, { kind: command });
  else menu[command]();
}

/** Installs the listeners; returns the function that removes them. */
export function installShortcuts(root: RootStore, menu: MenuActions): () => void {
  const onKey = (e: KeyboardEvent): void => {
    if (typingInto(e.target)) return;
    const command = shortcutFor(e);
    // Help (and closing it) works before any image is open.
    const always = command?.kind === 'help' || (command?.kind === 'cancel' && root.ui.helpOpen);
    if (command === undefined || (!root.volume.loaded && !always)) return;
    e.preventDefault();
    run(root, command);
  };
  window.addEventListener('keydown', onKey);
  const offMenu = root.client.on('app.menu', ({ command }) => {
    runMenuCommand(root, menu, command);
  });
  return () => {
    window.removeEventListener('keydown', onKey);
    offMenu();
  };
}
