/**
 * A press in a slice view takes the keyboard back from form controls. The view cancels its
 * pointerdown (so a drag selects no text), which also cancels the focus change a click would make:
 * after typing a segment's name or picking a layout, Enter, Esc and the tool keys would still go to
 * that field. Buttons and check boxes keep focus harmlessly but are released too, for one rule.
 */
export interface FocusHolder {
  readonly tagName: string;
  readonly isContentEditable?: boolean;
  blur(): void;
}

const FORM_CONTROLS = new Set(['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON']);

/** Blurs `active` if it is a form control or editable; true when it did. */
export function releaseKeyboardFocus(active: FocusHolder | null | undefined): boolean {
  if (active === null || active === undefined) return false;
  if (!FORM_CONTROLS.has(active.tagName) && active.isContentEditable !== true) return false;
  active.blur();
  return true;
}
