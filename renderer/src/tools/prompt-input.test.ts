import { describe, expect, it } from 'vitest';
import type { SliceRef } from '../../../electron/common/slice';
import type { PromptPart } from '../stores/prompt-store';
import { PromptInput, type PromptStores } from './prompt-input';

function stores(options: { open: boolean; fails?: string }): { stores: PromptStores; sent: unknown[]; notices: (string | undefined)[]; tracked: number[] } {
  const sent: unknown[] = [];
  const notices: (string | undefined)[] = [];
  const tracked: number[] = [];
  return {
    sent,
    notices,
    tracked,
    stores: {
      app: {
        track: <T>(work: () => Promise<T>): Promise<T> => {
          tracked.push(1);
          return work();
        },
        setNotice: (message: string | undefined) => notices.push(message),
      },
      volume: { meta: options.open ? { id: 'knee' } : undefined },
      prompts: {
        add: (volumeId: string, ref: SliceRef, part: PromptPart): Promise<void> => {
          sent.push({ volumeId, ref, part });
          return options.fails === undefined ? Promise.resolve() : Promise.reject(new Error(options.fails));
        },
      },
    },
  };
}

const REF = { axis: 2, slice: 3 } as const;

describe('PromptInput', () => {
  it('sends the part for the open image as tracked work', async () => {
    const s = stores({ open: true });
    await new PromptInput(s.stores).send(REF, { box: { x0: 1, y0: 2, x1: 5, y1: 6 } });
    expect(s.sent).toEqual([{ volumeId: 'knee', ref: REF, part: { box: { x0: 1, y0: 2, x1: 5, y1: 6 } } }]);
    expect(s.tracked).toEqual([1]);
    expect(s.notices).toEqual([]);
  });

  it('sends nothing without an open image', async () => {
    const s = stores({ open: false });
    await new PromptInput(s.stores).send(REF, { click: { x: 1, y: 1, positive: true } });
    expect(s.sent).toEqual([]);
  });

  it('turns a failure into a notice naming the kind of prompt', async () => {
    const s = stores({ open: true, fails: 'engine down' });
    const input = new PromptInput(s.stores);
    await input.send(REF, { click: { x: 1, y: 1, positive: true } });
    await input.send(REF, { scribble: { points: [{ x: 1, y: 1 }], positive: false } });
    expect(s.notices).toEqual(['Click failed: engine down', 'Scribble failed: engine down']);
  });
});
