/** A modal question with two answers; resolves true for the first (the action), false otherwise. */
import { el } from './dom';

export interface Question {
  title: string;
  message: string;
  /** The action's button, e.g. "Discard labels". */
  confirm: string;
  cancel: string;
  /** data-testid of the dialog; its buttons are `<testId>-confirm` and `<testId>-cancel`. */
  testId: string;
}

export function ask(question: Question): Promise<boolean> {
  return new Promise((resolve) => {
    const confirm = el('button', { type: 'button', class: 'primary', 'data-testid': `${question.testId}-confirm` }, [question.confirm]);
    const cancel = el('button', { type: 'button', 'data-testid': `${question.testId}-cancel` }, [question.cancel]);
    const dialog = el('div', { class: 'modal', role: 'alertdialog', 'aria-modal': 'true', 'data-testid': question.testId }, [
      el('div', { class: 'modal-box' }, [el('h2', {}, [question.title]), el('p', {}, [question.message]), el('div', { class: 'modal-actions' }, [cancel, confirm])]),
    ]);
    const finish = (answer: boolean): void => {
      dialog.remove();
      resolve(answer);
    };
    confirm.addEventListener('click', () => {
      finish(true);
    });
    cancel.addEventListener('click', () => {
      finish(false);
    });
    dialog.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') finish(false);
    });
    document.body.append(dialog);
    cancel.focus();
  });
}
