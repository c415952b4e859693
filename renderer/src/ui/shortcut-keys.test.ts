import { describe, expect, it } from 'vitest';
import { shortcutFor } from './shortcut-keys';

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
});
