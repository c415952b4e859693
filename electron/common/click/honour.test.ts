import { describe, expect, it } from 'vitest';
import { countViolations, honourMask, honourProbabilities, labelComponents } from './honour';

const W = 40;
const H = 30;

/** A mask with the filled rectangles given as [x0, y0, x1, y1] (inclusive). */
function rects(...boxes: [number, number, number, number][]): Uint8Array {
  const mask = new Uint8Array(W * H);
  for (const [x0, y0, x1, y1] of boxes) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) mask[y * W + x] = 1;
  return mask;
}

const count = (mask: Uint8Array): number => mask.reduce((a, v) => a + (v !== 0 ? 1 : 0), 0);
const at = (mask: Uint8Array, x: number, y: number): number => mask[y * W + x] ?? -1;

describe('connected components', () => {
  it('joins diagonal neighbours (8-connectivity) and keeps separate blobs apart', () => {
    const mask = rects([1, 1, 3, 3], [4, 4, 5, 5], [20, 20, 22, 22]);
    const { labels, count: n } = labelComponents(mask, W, H);
    expect(n).toBe(2);
    expect(labels[1 * W + 1]).toBe(labels[5 * W + 5]);
    expect(labels[20 * W + 20]).not.toBe(labels[1 * W + 1]);
    expect(labels[0]).toBe(0);
  });
});

describe('the click guarantee', () => {
  it('gives a positive click the engine missed a disk, and leaves a mask that honours it alone', () => {
    const engine = rects([25, 5, 35, 15]);
    const out = honourMask(engine, W, H, { clicks: [{ x: 8, y: 20, positive: true }], keepStray: true }, 3);
    expect(at(out, 8, 20)).toBe(1);
    expect(at(out, 11, 20)).toBe(1); // radius 3
    expect(at(out, 12, 20)).toBe(0);
    expect(count(out)).toBe(count(engine) + 29); // the 29 pixels of a radius-3 disk
    expect(honourMask(engine, W, H, { clicks: [{ x: 30, y: 10, positive: true }] })).toEqual(engine);
  });

  it("removes a false blob under a negative click, but only carves the positive click's component", () => {
    const engine = rects([2, 2, 12, 12], [25, 5, 35, 15]);
    const clicks = [
      { x: 7, y: 7, positive: true },
      { x: 30, y: 10, positive: false }, // on the blob without a positive click
      { x: 11, y: 11, positive: false }, // on the clicked component
    ];
    const out = honourMask(engine, W, H, { clicks }, 2);
    expect(count(out.subarray(0, W * H))).toBeGreaterThan(100);
    for (let y = 5; y <= 15; y++) for (let x = 25; x <= 35; x++) expect(at(out, x, y)).toBe(0);
    expect(at(out, 7, 7)).toBe(1);
    expect(at(out, 11, 11)).toBe(0);
    expect(at(out, 11, 13)).toBe(0); // the carved disk (radius 2)
    expect(at(out, 2, 2)).toBe(1); // the rest of the clicked component stays
    expect(countViolations(out, W, clicks)).toBe(0);
    expect(countViolations(engine, W, clicks)).toBe(2);
  });

  it('keeps nothing outside a box, and lets a later click on a pixel overrule an earlier one', () => {
    const engine = rects([0, 0, 39, 29]);
    const box = { x0: 10, y0: 10, x1: 19, y1: 19 };
    const out = honourMask(engine, W, H, { clicks: [], box });
    expect(count(out)).toBe(100);
    expect(at(out, 9, 10)).toBe(0);
    const clicks = [
      { x: 15, y: 15, positive: true },
      { x: 15, y: 15, positive: false },
    ];
    const overruled = honourMask(engine, W, H, { clicks, box });
    expect(at(overruled, 15, 15)).toBe(0);
    expect(countViolations(overruled, W, clicks)).toBe(0);
  });

  it('changes only the probabilities of the pixels it forces', () => {
    const probabilities = new Float32Array(W * H).fill(0.2);
    probabilities[5] = 0.7;
    probabilities[W * 20 + 20] = 0.45;
    const out = honourProbabilities(probabilities, W, H, { clicks: [{ x: 30, y: 25, positive: true }], keepStray: true }, 0.4, 1);
    expect(out[5]).toBeCloseTo(0.7);
    expect(out[W * 20 + 20]).toBeCloseTo(0.45);
    expect(out[W * 25 + 30]).toBe(1);
    expect(out[W * 25 + 31]).toBe(1);
    expect(out[W * 25 + 32]).toBeCloseTo(0.2);
    expect(probabilities[W * 25 + 30]).toBeCloseTo(0.2); // the input is not modified
  });

  it('drops a blob no positive click holds, and keeps what the request started from', () => {
    const engine = rects([2, 2, 12, 12], [25, 5, 35, 15], [20, 22, 24, 26]);
    const clicks = [{ x: 7, y: 7, positive: true }];
    const out = honourMask(engine, W, H, { clicks });
    expect(count(out)).toBe(121); // the clicked square alone
    expect(at(out, 30, 10)).toBe(0);
    expect(at(out, 22, 24)).toBe(0);
    // A component that overlaps the previous mask stays (a seeded prompt's other pieces).
    const previous = rects([33, 13, 34, 14]);
    const seeded = honourMask(engine, W, H, { clicks, previous });
    expect(count(seeded)).toBe(121 + 121);
    expect(at(seeded, 22, 24)).toBe(0);
    // The missed click's disk is the object the user named: the engine's blob elsewhere goes.
    const missed = honourMask(rects([25, 5, 35, 15]), W, H, { clicks: [{ x: 8, y: 20, positive: true }] }, 3);
    expect(count(missed)).toBe(29);
  });

  it('drops nothing under a box, without an anchor, or when asked to keep strays', () => {
    const engine = rects([2, 2, 12, 12], [25, 5, 35, 15]);
    const box = { x0: 0, y0: 0, x1: 39, y1: 29 };
    expect(honourMask(engine, W, H, { clicks: [{ x: 7, y: 7, positive: true }], box })).toEqual(engine);
    const negativeOnly = honourMask(engine, W, H, { clicks: [{ x: 20, y: 25, positive: false }] });
    expect(negativeOnly).toEqual(engine);
    expect(honourMask(engine, W, H, { clicks: [{ x: 7, y: 7, positive: true }], keepStray: true })).toEqual(engine);
  });

  it('zeroes the probabilities of a dropped blob and keeps the others', () => {
    const probabilities = new Float32Array(W * H).fill(0.1);
    for (const n of [W * 5 + 5, W * 5 + 6]) probabilities[n] = 0.9;
    probabilities[W * 20 + 30] = 0.8;
    const out = honourProbabilities(probabilities, W, H, { clicks: [{ x: 5, y: 5, positive: true }] }, 0.4, 1);
    expect(out[W * 5 + 6]).toBeCloseTo(0.9);
    expect(out[W * 20 + 30]).toBe(0);
    expect(out[W * 21 + 30]).toBeCloseTo(0.1);
  });
});
