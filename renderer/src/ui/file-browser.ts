/**
 * A small modal file browser over files.list (serve mode has no native dialog): a picker of the
 * folders the server was started with, folders to walk into (up stops at each root), images to
 * pick, and a path field. A typed folder is browsed, not opened, unless it holds a DICOM series
 * and the caller opens DICOM folders.
 */
import {
  CallError,
  type FileEntry,
  type MethodOutput,
  type ServiceClient,
} from '../../../electron/common/contract';
import { el, setText } from './dom';
import { parentFolder, rootChoices, rootOf, type RootChoice } from './folder-paths';

export interface BrowseOptions {
  readonly title: string;
  /** Button text, e.g. "Open" or "Export". */
  readonly action: string;
  /** Initial path in the text field (a file to write, for exports). */
  readonly initialPath?: string;
  /** Folder to list first (default: the folder of initialPath, else lastFolder, else the first root). */
  readonly folder?: string;
  /** The folder the user was last in (remembered across restarts). */
  readonly lastFolder?: string;
  /** Told each folder the browser shows, to remember it. */
  readonly onFolder?: (folder: string) => void;
  /** A folder holding DICOM images may be chosen (it opens as a series). */
  readonly dicomFolders?: boolean;
}

type Listing = MethodOutput<'files.list'>;

/** Opens the browser; resolves with the chosen path, or undefined when cancelled. */
export function browseFiles(client: ServiceClient, options: BrowseOptions): Promise<string | undefined> {
  return new Promise((resolve) => {
    const list = el('ul', { class: 'file-list', 'data-testid': 'file-list' });
    const folderText = el('div', { class: 'file-folder', 'data-testid': 'file-browser-folder' });
    const error = el('div', { class: 'file-error', 'data-testid': 'file-browser-error', role: 'status' });
    const path = el('input', {
      type: 'text',
      class: 'file-path',
      'data-testid': 'file-browser-path',
      'aria-label': 'Path',
      spellcheck: 'false',
    });
    path.value = options.initialPath ?? '';
    const rootPicker = el('select', {
      'data-testid': 'file-browser-root',
      'aria-label': 'Served folder',
      title: 'The folders this server may open',
    });
    const up = el('button', { type: 'button', 'data-testid': 'file-browser-up', title: 'Parent folder' }, [
      '↑ Up',
    ]);
    const openFolder = el(
      'button',
      {
        type: 'button',
        'data-testid': 'file-browser-open-folder',
        title: 'Open the DICOM series in this folder',
        hidden: '',
      },
      ['Open this DICOM folder'],
    );
    const ok = el('button', { type: 'button', class: 'primary', 'data-testid': 'file-browser-ok' }, [
      options.action,
    ]);
    const cancel = el('button', { type: 'button', 'data-testid': 'file-browser-cancel' }, ['Cancel']);
    const dialog = el(
      'div',
      { class: 'modal', role: 'dialog', 'aria-modal': 'true', 'data-testid': 'file-browser' },
      [
        el('div', { class: 'modal-box' }, [
          el('h2', {}, [options.title]),
          el('div', { class: 'file-nav' }, [rootPicker, up, folderText]),
          list,
          error,
          path,
          el('div', { class: 'modal-actions' }, [openFolder, cancel, ok]),
        ]),
      ],
    );
    let current: Listing | undefined;
    let choices: RootChoice[] = [];
    let loading = 0;

    const finish = (value: string | undefined): void => {
      loading++;
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
        void submit(path.value.trim());
      } else {
        // Keep the workspace's shortcuts out of the dialog.
        e.stopPropagation();
      }
    };

    /** Lists `folder` (the first root when undefined); resolves with the listing, or undefined if it failed or was overtaken. */
    const fetchListing = async (folder: string | undefined): Promise<Listing | undefined> => {
      const ticket = ++loading;
      dialog.dataset.loading = 'true';
      try {
        const answer = await client.call('files.list', folder === undefined ? {} : { folder });
        return ticket === loading ? answer : undefined;
      } finally {
        if (ticket === loading) dialog.dataset.loading = 'false';
      }
    };
    const render = (answer: Listing): void => {
      current = answer;
      up.disabled = answer.parent === undefined;
      setText(folderText, answer.folder);
      dialog.dataset.folder = answer.folder;
      setText(error, '');
      choices = rootChoices(answer.roots, answer.output);
      rootPicker.replaceChildren(
        ...choices.map((choice) => el('option', { value: choice.path }, [choice.label])),
      );
      rootPicker.value = rootOf(answer.folder, choices)?.path ?? '';
      rootPicker.disabled = choices.length < 2;
      const dicomHere = options.dicomFolders === true && answer.dicom === true;
      openFolder.hidden = !dicomHere;
      dialog.dataset.dicom = String(answer.dicom === true);
      list.replaceChildren(...answer.entries.map((entry) => row(entry)));
      if (answer.entries.length === 0 && !dicomHere)
        setText(error, path.value === '' ? 'No images here.' : '');
      if (answer.folder !== '') options.onFolder?.(answer.folder);
    };
    const show = async (folder: string | undefined, fallBackToRoot = false): Promise<void> => {
      try {
        const answer = await fetchListing(folder);
        if (answer !== undefined) render(answer);
      } catch (err) {
        // A remembered folder may be gone (or no longer served): start at the first root instead.
        if (fallBackToRoot && folder !== undefined) await show(undefined);
        else setText(error, err instanceof Error ? err.message : String(err));
      }
    };
    /**
     * The path field's value: a folder is browsed (or chosen, when it holds a DICOM series the
     * caller can open); anything else (a file, a name to write) is the answer.
     */
    const submit = async (value: string): Promise<void> => {
      let answer: Listing | undefined;
      try {
        answer = await fetchListing(value);
      } catch (err) {
        // Outside every served folder: say so here, and let the user type another path.
        if (err instanceof CallError && err.code === 'not-allowed') {
          setText(error, err.message);
          return;
        }
        // Not a folder: a file to open, or a new file's name to write.
        finish(value);
        return;
      }
      if (answer === undefined) return;
      if (options.dicomFolders === true && answer.dicom === true) {
        finish(answer.folder);
        return;
      }
      path.value = '';
      render(answer);
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
        if (entry.kind !== 'folder') finish(entry.path);
      });
      return el('li', {}, [button]);
    };

    rootPicker.addEventListener('change', () => {
      if (rootPicker.value !== '') void show(rootPicker.value);
    });
    up.addEventListener('click', () => {
      if (current?.parent !== undefined) void show(current.parent);
    });
    openFolder.addEventListener('click', () => {
      if (current !== undefined) finish(current.folder);
    });
    ok.addEventListener('click', () => {
      const value = path.value.trim();
      if (value !== '') void submit(value);
      else setText(error, 'Choose a file first.');
    });
    cancel.addEventListener('click', () => {
      finish(undefined);
    });
    window.addEventListener('keydown', onKey, true);
    document.body.append(dialog);
    path.focus();
    const fromInitial = options.initialPath !== undefined ? parentFolder(options.initialPath) : undefined;
    const first = options.folder ?? fromInitial ?? options.lastFolder;
    void show(first, options.folder === undefined && fromInitial === undefined);
  });
}
