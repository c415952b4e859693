/** The message shown instead of the views when the app cannot start. */
import { el } from '../ui/dom';

export function errorPanel(message: string): HTMLElement {
  return el('div', { class: 'error-panel', role: 'alert', 'data-testid': 'app-error' }, [
    el('h1', {}, ['The volume could not be displayed']),
    el('p', { class: 'error-message' }, [message]),
  ]);
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message.length > 0) return error.message;
  if (typeof error === 'string' && error.length > 0) return error;
  return 'Unknown error.';
}
