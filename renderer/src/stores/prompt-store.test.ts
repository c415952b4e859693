import { describe, expect, it } from 'vitest';
import type { MethodInput } from '../../../electron/common/contract';
import { FakeClient } from '../testing/fake-client';
import { PromptStore } from './prompt-store';

type ClickRequest = MethodInput<'segmentation.clickToMask'>;

function promptService(requests: ClickRequest[]): FakeClient {
  return new FakeClient({
    'segmentation.clickToMask': (input) => {
      requests.push(input);
      return Promise.resolve({ mask: new Uint8Array([1, 0, 0, 1]).buffer, width: 2, height: 2, axis: input.axis, slice: input.slice, modelId: 'classical-growcut', kind: 'classical' as const, elapsedMs: 1 });
    },
  });
}

describe('prompt store', () => {
  it('sends the box and the scribbles with every later request on the slice, and forgets them on another slice', async () => {
    const requests: ClickRequest[] = [];
    const prompts = new PromptStore(promptService(requests));
    const ref = { axis: 2 as const, slice: 4 };
    const box = { x0: 1, y0: 2, x1: 30, y1: 40 };
    const scribble = { points: [{ x: 3, y: 4 }, { x: 9, y: 4 }], positive: false };
    expect(prompts.summary).toBe('0 clicks');
    await prompts.add('v', ref, { box });
    expect(prompts.active).toBe(true);
    expect(prompts.summary).toBe('box');
    expect(prompts.preview?.voxels).toBe(2);
    await prompts.add('v', ref, { scribble });
    await prompts.addClick('v', ref, { x: 5, y: 6, positive: true });
    expect(prompts.summary).toBe('box, 1 click, 1 scribble');
    expect(requests.map((r) => [r.box, r.scribbles?.length ?? 0, r.clicks.length])).toEqual([
      [box, 0, 0],
      [box, 1, 0],
      [box, 1, 1],
    ]);
    expect(requests[2]?.scribbles).toEqual([scribble]);
    expect(requests[2]?.previousMask).toBeInstanceOf(ArrayBuffer);
    await prompts.add('v', { axis: 2, slice: 5 }, { scribble });
    expect(requests[3]).toMatchObject({ slice: 5, clicks: [] });
    expect(requests[3]?.box).toBeUndefined();
    prompts.cancel();
    expect(prompts.active).toBe(false);
    expect(prompts.scribbles).toEqual([]);
  });
});
