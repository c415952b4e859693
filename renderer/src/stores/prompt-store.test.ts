import { describe, expect, it } from 'vitest';
import type { MethodInput } from '../../../electron/common/contract';
import { FakeClient } from '../testing/fake-client';
import { PromptStore } from './prompt-store';

type ClickRequest = MethodInput<'segmentation.clickToMask'>;

function promptService(requests: ClickRequest[], kind: () => 'onnx' | 'classical' = () => 'classical'): FakeClient {
  return new FakeClient({
    'segmentation.clickToMask': (input) => {
      requests.push(input);
      return Promise.resolve({ mask: new Uint8Array([1, 0, 0, 1]).buffer, width: 2, height: 2, axis: input.axis, slice: input.slice, modelId: 'm', kind: kind(), elapsedMs: 1 });
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

  it("starts a click model's prompt from the active segment's pixels on the slice, and sends them as the previous mask", async () => {
    const requests: ClickRequest[] = [];
    let answerKind: 'onnx' | 'classical' = 'onnx';
    const start = Uint8Array.from([0, 1, 1, 0]);
    const masks: { ref: { axis: number; slice: number } }[] = [];
    const prompts = new PromptStore(promptService(requests, () => answerKind), (ref) => {
      masks.push({ ref });
      return ref.slice === 4 ? { value: 3, mask: start, width: 2, height: 2 } : { value: 3, mask: new Uint8Array(4), width: 2, height: 2 };
    });
    const ref = { axis: 2 as const, slice: 4 };
    // GrowCut ignores a previous mask: its prompts start empty and add to the labels.
    prompts.setEngine({ clickModel: 'classical-growcut', kind: 'classical', state: 'ready', label: 'classical', preference: 'auto', messages: [] });
    await prompts.addClick('v', ref, { x: 0, y: 0, positive: true });
    expect(requests[0]?.previousMask).toBeUndefined();
    expect(prompts.preview?.startedFrom).toBeUndefined();
    prompts.cancel();

    prompts.setEngine({ clickModel: 'm', kind: 'onnx', state: 'ready', ep: 'cpu', label: 'CPU', preference: 'auto', messages: [] });
    await prompts.addClick('v', ref, { x: 0, y: 0, positive: true });
    expect(Array.from(new Uint8Array(requests[1]?.previousMask ?? new ArrayBuffer(0)))).toEqual([0, 1, 1, 0]);
    // The answer replaces the mask; where it started from travels with it to the commit.
    expect(Array.from(prompts.preview?.mask ?? [])).toEqual([1, 0, 0, 1]);
    expect(prompts.preview?.startedFrom).toEqual({ value: 3, mask: start, width: 2, height: 2 });
    await prompts.addClick('v', ref, { x: 1, y: 1, positive: false });
    expect(Array.from(new Uint8Array(requests[2]?.previousMask ?? new ArrayBuffer(0)))).toEqual([1, 0, 0, 1]);
    expect(prompts.preview?.startedFrom?.mask).toBe(start);

    // An answer GrowCut gave instead (the worker down) ignored the mask: it adds, as GrowCut does.
    answerKind = 'classical';
    await prompts.addClick('v', ref, { x: 1, y: 0, positive: true });
    expect(prompts.preview?.startedFrom).toBeUndefined();
    answerKind = 'onnx';

    // An empty slice, or a box (a new object), starts from nothing.
    await prompts.addClick('v', { axis: 2, slice: 5 }, { x: 0, y: 0, positive: true });
    expect(requests[4]?.previousMask).toBeUndefined();
    await prompts.add('v', { axis: 2, slice: 4 }, { box: { x0: 0, y0: 0, x1: 1, y1: 1 } });
    expect(requests[5]?.previousMask).toBeUndefined();
    expect(prompts.preview?.startedFrom).toBeUndefined();
    expect(masks.length).toBe(2);
  });
});
