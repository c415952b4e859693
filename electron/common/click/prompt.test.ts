import { describe, expect, it } from 'vitest';
import { zoomInRoi } from './roi';
import { checkPrompt, promptClicks, scribbleClicks } from './prompt';

describe('scribbles', () => {
  it('become clicks every 2 pixels along the stroke, ends included, with the stroke polarity', () => {
    const clicks = scribbleClicks({ points: [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 3 }], positive: false });
    expect(clicks.map((c) => [c.x, c.y])).toEqual([
      [0, 0], [2, 0], [4, 0], [6, 0], [8, 0], [10, 0], [10, 2], [10, 3],
    ]);
    expect(clicks.every((c) => !c.positive)).toBe(true);
    expect(scribbleClicks({ points: [{ x: 3.4, y: 4.6 }], positive: true })).toEqual([{ x: 3, y: 5, positive: true }]);
  });
});

describe('prompt clicks', () => {
  it("adds a positive hint at a box's centre for the engine, never for the guarantee", () => {
    const box = { x0: 10, y0: 20, x1: 30, y1: 40 };
    expect(promptClicks({ clicks: [], box })).toEqual({ engine: [{ x: 20, y: 30, positive: true }], user: [] });
    // A positive click inside the box is the user's own hint: no centre click.
    const inside = { x: 12, y: 22, positive: true };
    expect(promptClicks({ clicks: [inside], box }).engine).toEqual([inside]);
    const scribble = { points: [{ x: 1, y: 1 }, { x: 3, y: 1 }], positive: true };
    expect(promptClicks({ clicks: [], scribbles: [scribble] }).user).toEqual([
      { x: 1, y: 1, positive: true },
      { x: 3, y: 1, positive: true },
    ]);
  });

  it('rejects empty, inverted, outside and endless prompts with a sentence', () => {
    expect(() => checkPrompt({ clicks: [] }, 50, 40)).toThrow(/needs a click, a box or a scribble/);
    expect(() => checkPrompt({ clicks: [], box: { x0: 9, y0: 1, x1: 2, y1: 5 } }, 50, 40)).toThrow(/inverted/);
    expect(() => checkPrompt({ clicks: [], box: { x0: 0, y0: 1, x1: 50, y1: 5 } }, 50, 40)).toThrow(/outside the 50×40 slice/);
    expect(() => checkPrompt({ clicks: [], scribbles: [{ points: [{ x: 1, y: 1 }, { x: 1, y: 45 }], positive: true }] }, 50, 40)).toThrow(/leaves the 50×40 slice/);
    const zigzag = Array.from({ length: 400 }, (_, n) => ({ x: n % 2 === 0 ? 0 : 49, y: 1 }));
    expect(() => checkPrompt({ clicks: [], scribbles: [{ points: zigzag, positive: true }] }, 50, 40)).toThrow(/too long/);
    expect(() => checkPrompt({ clicks: [], box: { x0: 0, y0: 0, x1: 49, y1: 39 } }, 50, 40)).not.toThrow();
  });
});

describe("the model's crop for a box", () => {
  it('is the whole slice at the first click, then the box expanded as RITM expands the object box', () => {
    const zoom = { skipClicks: 1, expansion: 1.4, minCropSize: 10, threshold: 0.4, refineFirst: false };
    const box = { x0: 100, y0: 100, x1: 149, y1: 149 };
    const first = [{ x: 125, y: 125, positive: true }];
    expect(zoomInRoi(undefined, 400, 300, first, zoom, [1, 1], box)).toEqual(zoomInRoi(undefined, 400, 300, first, zoom));
    // The previous mask is a small blob inside the box: the crop still covers the whole box.
    const previous = new Uint8Array(400 * 300);
    previous[125 * 400 + 125] = 1;
    const roi = zoomInRoi(previous, 400, 300, [...first, { x: 110, y: 110, positive: false }], zoom, [1, 1], box);
    expect(roi.x1 - roi.x0 + 1).toBe(70);
    expect(roi.y1 - roi.y0 + 1).toBe(70);
    expect(roi.x0).toBeLessThanOrEqual(100);
    expect(roi.x1).toBeGreaterThanOrEqual(149);
  });
});
