import { describe, expect, it } from 'vitest';
import { comboLabel, keysFor, shortcutFor, withKey } from './shortcut-keys';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe('shortcutFor', () => {
  it('maps undo and redo in both conventions', () => {
    expect(shortcutFor(key('z', { ctrlKey: true }))).toEqual({ kind: 'undo' });
    expect(shortcutFor(key('Z', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'redo' });
    expect(shortcutFor(key('y', { ctrlKey: true }))).toEqual({ kind: 'redo' });
    expect(shortcutFor(key('z', { metaKey: true }))).toEqual({ kind: 'undo' });
  });

  it('maps prompt keys and tools', () => {
    expect(shortcutFor(key('Enter'))).toEqual({ kind: 'commit' });
    expect(shortcutFor(key('Escape'))).toEqual({ kind: 'cancel' });
    expect(shortcutFor(key('b'))).toEqual({ kind: 'tool', tool: 'brush' });
    expect(shortcutFor(key('x'))).toEqual({ kind: 'tool', tool: 'box' });
    expect(shortcutFor(key('S', { shiftKey: true }))).toEqual({ kind: 'tool', tool: 'scribble' });
    expect(shortcutFor(key('c', { ctrlKey: true }))).toBeUndefined();
    expect(shortcutFor(key('ArrowUp'))).toBeUndefined();
  });

  it('maps help, reset and brush size; Shift matters only where a shortcut says so', () => {
    expect(shortcutFor(key('?', { shiftKey: true }))).toEqual({ kind: 'help' });
    expect(shortcutFor(key('F1'))).toEqual({ kind: 'help' });
    expect(shortcutFor(key('R', { shiftKey: true }))).toEqual({ kind: 'reset-view' });
    expect(shortcutFor(key(']'))).toEqual({ kind: 'brush', factor: 1.25 });
    expect(shortcutFor(key('y', { ctrlKey: true, shiftKey: true }))).toBeUndefined();
    expect(shortcutFor(key('b', { altKey: true }))).toBeUndefined();
  });
});

describe('key labels', () => {
  it('names keys as the help and tooltips show them', () => {
    expect(comboLabel({ key: 'z', mod: true, shift: true })).toBe('Ctrl+Shift+Z');
    expect(comboLabel({ key: 'Escape' })).toBe('Esc');
    expect(keysFor({ kind: 'redo' })).toBe('Ctrl+Shift+Z / Ctrl+Y');
    expect(withKey('Reset view', { kind: 'reset-view' })).toBe('Reset view (R)');
    expect(withKey('Nothing', { kind: 'brush', factor: 3 })).toBe('Nothing');
  });
});
