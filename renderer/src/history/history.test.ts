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
