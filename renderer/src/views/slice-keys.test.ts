import { describe, expect, it } from 'vitest';
import { isEditableTarget, keySteps } from './slice-keys';

describe('keySteps', () => {
  it('steps one slice for arrows and a tenth of the stack for pages', () => {
    expect(keySteps('ArrowUp', 160)).toBe(1);
    expect(keySteps('ArrowDown', 160)).toBe(-1);
    expect(keySteps('PageUp', 160)).toBe(16);
    expect(keySteps('PageDown', 4)).toBe(-1);
    expect(keySteps('a', 160)).toBeUndefined();
    expect(isEditableTarget(null)).toBe(false);
  });
});
