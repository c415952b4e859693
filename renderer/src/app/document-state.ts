/**
 * What tests (and screen readers) can wait on, on the <html> element:
 *   data-app-state = "loading" | "ready" | "error"  — ready once a volume is drawn in every view;
 *   data-busy      = "true" | "false"               — true while calls or renders are in flight.
 * index.html starts as loading and busy, so there is never a moment without a state.
 */
import { autorun } from 'mobx';
import type { AppStore } from '../stores/app-store';

export type DocumentAppState = 'loading' | 'ready' | 'error';

export function setDocumentState(state: DocumentAppState, busy: boolean): void {
  const root = document.documentElement;
  if (root.dataset.appState !== state) root.dataset.appState = state;
  const flag = busy ? 'true' : 'false';
  if (root.dataset.busy !== flag) root.dataset.busy = flag;
}

export function bindDocumentState(app: AppStore): () => void {
  return autorun(() => {
    const state: DocumentAppState = app.phase === 'starting' ? 'loading' : app.phase;
    setDocumentState(state, app.phase === 'error' ? false : app.busy || app.phase === 'starting');
  });
}
