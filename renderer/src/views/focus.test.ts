import { describe, expect, it } from 'vitest';
import { releaseKeyboardFocus, type FocusHolder } from './focus';

function holder(tagName: string, isContentEditable = false): FocusHolder & { blurred: number } {
  const h = {
    tagName,
    isContentEditable,
    blurred: 0,
    blur(): void {
      h.blurred++;
    },
  };
  return h;
}

describe('a press in a view releases the keyboard', () => {
  it('from text fields, selects, text areas, buttons and editable elements', () => {
    for (const tag of ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON']) {
      const h = holder(tag);
      expect(releaseKeyboardFocus(h)).toBe(true);
      expect(h.blurred).toBe(1);
    }
    const editable = holder('DIV', true);
    expect(releaseKeyboardFocus(editable)).toBe(true);
    expect(editable.blurred).toBe(1);
  });

  it('but leaves the page body and other elements alone', () => {
    const body = holder('BODY');
    expect(releaseKeyboardFocus(body)).toBe(false);
    expect(body.blurred).toBe(0);
    expect(releaseKeyboardFocus(holder('CANVAS'))).toBe(false);
    expect(releaseKeyboardFocus(null)).toBe(false);
    expect(releaseKeyboardFocus(undefined)).toBe(false);
  });
});
