import { describe, expect, it } from 'vitest';
import { History, type HistoryEntry } from './history';

const entry = (label: string, bytes = 10): HistoryEntry => ({ label, bytes });

describe('History', () => {
  it('undoes and redoes in order', () => {
    const h = new History();
    h.push(entry('a'));
    h.push(entry('b'));
    expect(h.undo()?.label).toBe('b');
    expect(h.undo()?.label).toBe('a');
    expect(h.undo()).toBeUndefined();
    expect(h.redo()?.label).toBe('a');
    expect(h.cursor).toBe(1);
    expect(h.canRedo).toBe(true);
  });

  it('clears redo when a new action is recorded', () => {
    const h = new History();
    h.push(entry('a'));
    h.push(entry('b'));
    h.undo();
    h.push(entry('c'));
    expect(h.entries.map((e) => e.label)).toEqual(['a', 'c']);
    expect(h.canRedo).toBe(false);
    expect(h.redo()).toBeUndefined();
    expect(h.bytes).toBe(20);
  });

  it('stays within its byte budget by dropping the oldest steps', () => {
    const h = new History(100);
    for (let n = 0; n < 25; n++) h.push(entry(String(n), 30));
    expect(h.bytes).toBeLessThanOrEqual(100);
    expect(h.entries.map((e) => e.label)).toEqual(['22', '23', '24']);
    expect(h.dropped).toBe(22);
    // Undoing past what is kept stops at the oldest kept step.
    expect([h.undo(), h.undo(), h.undo(), h.undo()].map((e) => e?.label)).toEqual(['24', '23', '22', undefined]);
  });

  it('keeps a single step larger than the budget', () => {
    const h = new History(10);
    h.push(entry('small', 5));
    h.push(entry('huge', 50));
    expect(h.entries.map((e) => e.label)).toEqual(['huge']);
    expect(h.canUndo).toBe(true);
  });

  it('restores entries at a history position, within its budget', () => {
    const h = new History(25);
    h.restore([entry('a'), entry('b'), entry('c')], 2);
    expect(h.entries.map((e) => e.label)).toEqual(['b', 'c']);
    expect(h.cursor).toBe(1);
    expect(h.bytes).toBe(20);
    expect(h.redo()?.label).toBe('c');
    const g = new History();
    g.restore([entry('a')], 5);
    expect(g.cursor).toBe(1);
  });
});

describe('History groups', () => {
  const combine = (name: string, parts: readonly HistoryEntry[]): HistoryEntry => ({
    label: `${name} [${parts.map((p) => p.label).join('+')}]`,
    bytes: parts.reduce((sum, p) => sum + p.bytes, 0),
  });

  it('makes the entries pushed in a group one step', () => {
    const h = new History(1000, combine);
    h.push(entry('before'));
    h.beginGroup('click + propagate');
    h.push(entry('click', 5));
    expect(h.entries.map((e) => e.label)).toEqual(['before']);
    h.push(entry('propagate', 20));
    const step = h.endGroup();
    expect(step?.label).toBe('click + propagate [click+propagate]');
    expect(h.entries.map((e) => e.label)).toEqual(['before', 'click + propagate [click+propagate]']);
    expect(h.bytes).toBe(35);
    expect(h.undo()?.label).toBe('click + propagate [click+propagate]');
    expect(h.undo()?.label).toBe('before');
  });

  it('folds nested groups into the outermost, which keeps its name', () => {
    const h = new History(1000, combine);
    h.beginGroup('outer');
    h.push(entry('a'));
    h.beginGroup('inner');
    h.push(entry('b'));
    expect(h.endGroup()).toBeUndefined();
    expect(h.grouping).toBe(true);
    h.push(entry('c'));
    expect(h.endGroup()?.label).toBe('outer [a+b+c]');
    expect(h.entries).toHaveLength(1);
    expect(h.grouping).toBe(false);
  });

  it('records nothing for an empty group, and ends every level with endGroup(true)', () => {
    const h = new History(1000, combine);
    h.beginGroup('nothing');
    expect(h.endGroup()).toBeUndefined();
    expect(h.entries).toHaveLength(0);
    h.beginGroup('x');
    h.beginGroup('y');
    h.push(entry('a'));
    expect(h.endGroup(true)?.label).toBe('x [a]');
    expect(h.grouping).toBe(false);
  });

  it('refuses undo inside a group, an unmatched endGroup, and groups without a combine', () => {
    const h = new History(1000, combine);
    h.push(entry('a'));
    h.beginGroup('open');
    expect(() => h.undo()).toThrow(/group "open" is open/);
    expect(() => h.redo()).toThrow(/end it first/);
    h.endGroup();
    expect(() => h.endGroup()).toThrow(/no group open/);
    expect(() => new History().beginGroup('g')).toThrow(/cannot group/);
  });
});
