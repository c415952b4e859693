import { describe, expect, it } from 'vitest';
import { SliceStream, type TurnScheduler } from './slice-stream';

/** Turns run when the test says; each write advances the clock by `costMs`. */
function manualTurns(): TurnScheduler & { clock: number; queued: (() => void)[]; runNext: () => void } {
  const s = {
    clock: 0,
    queued: [] as (() => void)[],
    later: (turn: () => void) => {
      s.queued.push(turn);
    },
    now: () => s.clock,
    runNext: () => s.queued.shift()?.(),
  };
  return s;
}

describe('slice stream', () => {
  it('writes within a time budget per turn, one batch per turn, and yields between turns', async () => {
    const turns = manualTurns();
    const written: number[] = [];
    const batches: number[][] = [];
    const stream = new SliceStream<number>(
      (n) => {
        written.push(n);
        turns.clock += 3;
      },
      { budgetMs: 8, scheduler: turns, batch: (work) => (batches.push([]), work(), batches.at(-1)?.push(...written)) },
    );
    stream.push([1, 2, 3, 4, 5, 6, 7]);
    let drained = false;
    void stream.drained().then(() => (drained = true));
    expect(written).toEqual([]);
    expect(turns.queued).toHaveLength(1);
    turns.runNext();
    // 3 ms each: writes at 0, 3 and 6 ms fit the 8 ms budget; the fourth waits for the next turn.
    expect(written).toEqual([1, 2, 3]);
    expect(stream.pending).toBe(4);
    turns.runNext();
    turns.runNext();
    expect(written).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(batches).toHaveLength(3);
    await Promise.resolve();
    expect(drained).toBe(true);
    expect(turns.queued).toHaveLength(0);
  });

  it('writes at least one item per turn however slow each is', () => {
    const turns = manualTurns();
    const written: string[] = [];
    const stream = new SliceStream<string>(
      (s) => {
        written.push(s);
        turns.clock += 100;
      },
      { scheduler: turns },
    );
    stream.push(['a', 'b']);
    turns.runNext();
    expect(written).toEqual(['a']);
    turns.runNext();
    expect(written).toEqual(['a', 'b']);
  });

  it('drops unwritten items on clear, and reports a write that threw to whoever waits', async () => {
    const turns = manualTurns();
    const stream = new SliceStream<number>(
      (n) => {
        if (n === 2) throw new Error('A propagated slice has 3 pixels; the slices have 4.');
        turns.clock += 10;
      },
      { scheduler: turns },
    );
    stream.push([1, 5]);
    const cleared = stream.drained();
    stream.clear();
    await expect(cleared).resolves.toBeUndefined();
    expect(stream.pending).toBe(0);
    stream.push([2, 3]);
    const failed = stream.drained();
    turns.runNext();
    turns.runNext();
    await expect(failed).rejects.toThrow('3 pixels');
    expect(stream.pending).toBe(0);
  });
});
