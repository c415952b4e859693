/** What the panels that write files share: where to write, and the status line under the button. */
import { autorun } from 'mobx';
import type { RootStore } from '../stores/root-store';
import { joinPath, servedFolder } from './choose-path';
import { setText } from './dom';

export type WriteState = 'idle' | 'busy' | 'done' | 'error';

/**
 * In Electron, the native save dialog suggesting `typed`'s file name (or `fallbackName`); elsewhere,
 * or when the dialog is unavailable, `typed` itself. Undefined when the user cancelled the dialog.
 */
export async function chooseSaveTarget(root: RootStore, typed: string, fallbackName: string): Promise<string | undefined> {
  if (root.app.info?.transport !== 'electron') return typed;
  try {
    const suggestedName = typed === '' ? fallbackName : typed.split(/[\\/]/).pop() ?? typed;
    const chosen = await root.client.call('dialog.chooseSavePath', { suggestedName });
    return chosen.path;
  } catch {
    return typed; // No dialog: use the text field.
  }
}

/** Shows a write's state on its status line: `data-state` and `data-path` for tests, the text for the user. */
export function showWriteState(status: HTMLElement, state: WriteState, text: string, path?: string): void {
  status.dataset.state = state;
  if (path === undefined) delete status.dataset.path;
  else status.dataset.path = path;
  status.classList.toggle('error', state === 'error');
  setText(status, text);
}

/**
 * Fills `field` with `<first served folder>/<fileFor(image name)>` for each newly opened image (the
 * desktop app, which has a save dialog, gets the bare name). Returns the function that stops it.
 */
export function fillDefaultPath(root: RootStore, field: HTMLInputElement, fileFor: (imageName: string) => string): () => void {
  let folder: string | undefined;
  let filledFor: string | undefined;
  const fill = (): void => {
    const name = root.volume.meta?.name;
    if (name === undefined || filledFor === name) return;
    if (folder === undefined && root.app.info?.transport !== 'electron') return;
    filledFor = name;
    const file = fileFor(name);
    field.value = folder === undefined ? file : joinPath(folder, file);
  };
  void servedFolder(root).then((served) => {
    folder = served;
    fill();
  });
  return autorun(() => {
    const _observed = root.volume.meta?.name; // observed, so a new image refills the field
    fill();
  });
}
