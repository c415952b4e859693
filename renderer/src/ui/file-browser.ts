/**
 * A small modal file browser over files.list (serve mode has no native dialog): folders to walk
 * into, images to pick, and a path field for typing a path (e.g. a file to write).
 */
import type { FileEntry, ServiceClient } from '../../../electron/common/contract';
import { el, setText } from './dom';

export interface BrowseOptions {
  readonly title: string;
  /** Button text, e.g. "Open" or "Export". */
  readonly action: string;
  /** Initial path in the text field (a file to write, for exports). */
  readonly initialPath?: string;
  /** Folder to list first (default: the first root). */
  readonly folder?: string;
}

function parentOf(path: string): string | undefined {
  const cut = path.replace(/[\\/]+$/, '').search(/[\\/][^\\/]*$/);
  return cut > 0 ? path.slice(0, cut) : undefined;
}

/** Opens the browser; resolves with the chosen path, or undefined when cancelled. */
export function browseFiles(client: ServiceClient, options: BrowseOptions): Promise<string | undefined> {
  return new Promise((resolve) => {
    const list = el('ul', { class: 'file-list', 'data-testid': 'file-list' });
    const folderText = el('div', { class: 'file-folder', 'data-testid': 'file-browser-folder' });
    const error = el('div', { class: 'file-error', 'data-testid': 'file-browser-error' });
    const path = el('input', {
      type: 'text',
      class: 'file-path',
      'data-testid': 'file-browser-path',
      'aria-label': 'Path',
      spellcheck: 'false',
    });
    path.value = options.initialPath ?? '';
    const up = el('button', { type: 'button', 'data-testid': 'file-browser-up', title: 'Parent folder' }, ['↑ Up']);
    const ok = el('button', { type: 'button', class: 'primary', 'data-testid': 'file-browser-ok' }, [options.action]);
    const cancel = el('button', { type: 'button', 'data-testid': 'file-browser-cancel' }, ['Cancel']);
    const dialog = el('div', { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'data-testid': 'file-browser' }, [
      el('div', { class: 'modal-box' }, [
        el('h2', {}, [options.title]),
        el('div', { class: 'file-nav' }, [up, folderText]),
        list,
        error,
        path,
        el('div', { class: 'modal-actions' }, [cancel, ok]),
      ]),
    ]);
    let parent: string | undefined;
    let loading = 0;

    const finish = (value: string | undefined): void => {
      dialog.remove();
      window.removeEventListener('keydown', onKey, true);
      resolve(value);
    };
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        e.preventDefault();
        finish(undefined);
      } else if (e.key === 'Enter' && path.value.trim() !== '') {
        e.stopPropagation();
        e.preventDefault();
        finish(path.value.trim());
      } else {
        // Keep the workspace's shortcuts out of the dialog.
        e.stopPropagation();
      }
    };

    const show = async (folder: string | undefined): Promise<void> => {
      const ticket = ++loading;
      dialog.dataset.loading = 'true';
      try {
        const answer = await client.call('files.list', folder === undefined ? {} : { folder });
        if (ticket !== loading) return;
        parent = answer.parent;
        up.disabled = parent === undefined;
        setText(folderText, answer.folder);
        dialog.dataset.folder = answer.folder;
        setText(error, '');
        list.replaceChildren(...answer.entries.map((entry) => row(entry)));
        if (path.value === '' && answer.entries.length === 0) setText(error, 'No images here.');
      } catch (err) {
        if (ticket !== loading) return;
        setText(error, err instanceof Error ? err.message : String(err));
      } finally {
        if (ticket === loading) dialog.dataset.loading = 'false';
      }
    };
    const row = (entry: FileEntry): HTMLLIElement => {
      const button = el(
        'button',
        {
          type: 'button',
          class: `file-entry file-${entry.kind}`,
          'data-testid': 'file-entry',
          'data-kind': entry.kind,
          'data-name': entry.name,
          'data-path': entry.path,
        },
        [entry.kind === 'folder' ? `📁 ${entry.name}` : entry.name],
      );
      button.addEventListener('click', () => {
        if (entry.kind === 'folder') void show(entry.path);
        else path.value = entry.path;
      });
      button.addEventListener('dblclick', () => {
        if (entry.kind === 'image') finish(entry.path);
      });
      return el('li', {}, [button]);
    };

    up.addEventListener('click', () => {
      if (parent !== undefined) void show(parent);
    });
    ok.addEventListener('click', () => {
      const value = path.value.trim();
      if (value !== '') finish(value);
      else setText(error, 'Choose a file first.');
    });
    cancel.addEventListener('click', () => {
      finish(undefined);
    });
    window.addEventListener('keydown', onKey, true);
    document.body.append(dialog);
    path.focus();
    void show(options.folder ?? (options.initialPath !== undefined ? parentOf(options.initialPath) : undefined));
  });
}
