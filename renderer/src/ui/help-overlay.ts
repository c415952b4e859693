/**
 * The help overlay (? or F1): every mouse gesture and key, by tool, built from help-content.ts;
 * and the first-run hint on the views, shown until the first labelled voxel or until dismissed
 * (remembered in localStorage).
 */
import { autorun, reaction } from 'mobx';
import { z } from 'zod';
import type { RootStore } from '../stores/root-store';
import { browserStorage, readStored, writeStored, type KeyValueStorage } from '../stores/stored-settings';
import { el } from './dom';
import { helpSections } from './help-content';
import { keysFor } from './shortcut-keys';

export class HelpOverlay {
  readonly element: HTMLElement;
  private readonly stop: () => void;

  constructor(root: RootStore) {
    const close = el('button', { type: 'button', class: 'help-close', 'data-testid': 'help-close', 'aria-label': 'Close the help' }, ['✕']);
    close.addEventListener('click', () => {
      root.ui.setHelpOpen(false);
    });
    const sections = helpSections().map((section) =>
      el('section', { class: 'help-section' }, [
        el('h3', {}, [section.title]),
        el(
          'dl',
          {},
          section.rows.flatMap((row) => [el('dt', {}, [row.keys]), el('dd', {}, [row.does])]),
        ),
      ]),
    );
    const dialog = el('div', { class: 'help-dialog', role: 'dialog', 'aria-modal': 'true', 'aria-label': 'Gestures and shortcuts' }, [
      el('header', { class: 'help-header' }, [el('h2', {}, ['Gestures and shortcuts']), el('span', { class: 'help-note' }, ['Ctrl is ⌘ on macOS']), close]),
      el('div', { class: 'help-sections' }, sections),
    ]);
    this.element = el('div', { class: 'help-overlay hidden', 'data-testid': 'help-overlay' }, [dialog]);
    this.element.addEventListener('click', (e) => {
      if (e.target === this.element) root.ui.setHelpOpen(false);
    });
    this.stop = autorun(() => {
      this.element.classList.toggle('hidden', !root.ui.helpOpen);
      if (root.ui.helpOpen) close.focus();
    });
  }

  dispose(): void {
    this.stop();
  }
}

/** localStorage key of the first-run hint's dismissal. */
export const HINT_DISMISSED_KEY = 'iseg.firstRunHintDismissed';

export class FirstRunHint {
  readonly element: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private dismissed: boolean;

  constructor(
    root: RootStore,
    private readonly storage: KeyValueStorage | undefined = browserStorage(),
  ) {
    this.dismissed = this.readDismissed();
    const key = (tool: 'click' | 'brush'): string => keysFor({ kind: 'tool', tool }) ?? '';
    const dismiss = el('button', { type: 'button', class: 'linklike', 'data-testid': 'first-run-hint-dismiss' }, ['Got it']);
    dismiss.addEventListener('click', () => {
      this.dismiss();
    });
    this.element = el('div', { class: 'first-run-hint hidden', 'data-testid': 'first-run-hint', role: 'note' }, [
      el('strong', {}, ['Start segmenting: ']),
      `pick a segment, then press ${key('click')} and click inside a structure (right-click to exclude), ` +
        `or ${key('brush')} to paint. Wheel scrolls slices, right-drag sets window/level. ` +
        `Press ${keysFor({ kind: 'help' }) ?? '?'} for every gesture. `,
      dismiss,
    ]);
    // An image being opened (its preview on screen) counts: the hint keeps its place, so the views
    // are not resized (and their WebGL canvases reallocated) once more when the voxels arrive.
    const empty = (): boolean => root.volume.meta !== undefined && root.segmentation.segments.every((s) => root.segmentation.count(s.value) === 0);
    this.stops.push(
      autorun(() => {
        this.element.classList.toggle('hidden', this.dismissed || !empty());
      }),
      // The first labelled voxel ends the first run.
      reaction(
        () => empty(),
        (isEmpty) => {
          if (!isEmpty && root.volume.meta !== undefined) this.dismiss();
        },
      ),
    );
  }

  private readDismissed(): boolean {
    return readStored(this.storage, HINT_DISMISSED_KEY, z.literal(true)) === true;
  }

  private dismiss(): void {
    this.dismissed = true;
    this.element.classList.add('hidden');
    writeStored(this.storage, HINT_DISMISSED_KEY, true);
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
  }
}
