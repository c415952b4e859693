/**
 * Nothing the user labelled is dropped without asking: opening another image or session asks
 * first when the labels have changes not exported or saved, and so does closing or reloading the
 * page (the browser's own question, through beforeunload).
 */
import type { RootStore } from '../stores/root-store';
import { ask } from './ask';

/** Resolves true when it is fine to replace the labels (nothing unsaved, or the user agreed). */
export function confirmDiscard(root: RootStore, what: string): Promise<boolean> {
  if (!root.history.unsaved) return Promise.resolve(true);
  const image = root.volume.meta?.name ?? 'this image';
  return ask({
    title: 'Discard unsaved labels?',
    message: `${what} replaces the labels on ${image}, which have changes that were not exported or saved in a session.`,
    confirm: 'Discard labels',
    cancel: 'Keep working',
    testId: 'confirm-discard',
  });
}

/** Holds a close or reload while labels are unsaved; returns the function that stops it. */
export function guardUnload(root: RootStore): () => void {
  const listener = (event: BeforeUnloadEvent): void => {
    if (!root.history.unsaved) return;
    event.preventDefault();
  };
  window.addEventListener('beforeunload', listener);
  return () => {
    window.removeEventListener('beforeunload', listener);
  };
}
