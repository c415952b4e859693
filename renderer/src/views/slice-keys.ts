/** Keyboard slice scrolling: arrows step one slice, Page Up/Down a tenth of the stack. */

export interface SliceKey {
  readonly key: string;
  readonly step: 'slice' | 'page';
  readonly sign: 1 | -1;
}

/** The table the key handler and the help overlay both read. */
export const SLICE_KEYS: readonly SliceKey[] = [
  { key: 'ArrowUp', step: 'slice', sign: 1 },
  { key: 'ArrowRight', step: 'slice', sign: 1 },
  { key: 'ArrowDown', step: 'slice', sign: -1 },
  { key: 'ArrowLeft', step: 'slice', sign: -1 },
  { key: 'PageUp', step: 'page', sign: 1 },
  { key: 'PageDown', step: 'page', sign: -1 },
];

/** Slices to move for a key in a view with `count` slices, or undefined if the key is not ours. */
export function keySteps(key: string, count: number): number | undefined {
  const entry = SLICE_KEYS.find((k) => k.key === key);
  if (entry === undefined) return undefined;
  return entry.sign * (entry.step === 'page' ? Math.max(1, Math.round(count / 10)) : 1);
}

/** Keys typed into a form control belong to it. */
export function isEditableTarget(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName);
}
