import { describe, expect, it } from 'vitest';
import { defaultZoomIn, fullSliceRoi, objectBox, zoomInRoi } from './roi';

const zoom = defaultZoomIn([224, 224], 0.49); // min crop 112

describe('zoom-in crop', () => {
  it('uses the whole slice (padded square) for the first click and when the previous mask is empty', () => {
    expect(zoomInRoi(undefined, 300, 200, [{ x: 10, y: 10, positive: true }], zoom)).toEqual({ x0: 0, y0: -50, x1: 299, y1: 249 });
    const empty = new Float32Array(300 * 200);
    const clicks = [{ x: 10, y: 10, positive: true }, { x: 20, y: 20, positive: true }];
    expect(zoomInRoi(empty, 300, 200, clicks, zoom)).toEqual(fullSliceRoi(300, 200));
  });

  it('crops a first click that refines a previous mask like a later click, unless a box bounds the prompt', () => {
    const w = 400;
    const mask = new Uint8Array(w * w);
    for (let y = 100; y < 200; y++) for (let x = 150; x < 250; x++) mask[y * w + x] = 1;
    const first = [{ x: 200, y: 150, positive: true }];
    const roi = zoomInRoi(mask, w, w, first, zoom);
    expect(roi.x1 - roi.x0 + 1).toBe(140);
    expect(zoomInRoi(mask, w, w, first, zoom, [1, 1], { x0: 150, y0: 100, x1: 249, y1: 199 })).toEqual(fullSliceRoi(w, w));
  });

  it('expands the box of prediction and positive clicks by 1.4 about its centre', () => {
    const w = 400;
    const mask = new Uint8Array(w * w);
    for (let y = 100; y < 200; y++) for (let x = 150; x < 250; x++) mask[y * w + x] = 1; // 100 × 100
    const clicks = [{ x: 200, y: 150, positive: true }, { x: 10, y: 10, positive: false }];
    const roi = zoomInRoi(mask, w, w, clicks, zoom);
    expect(roi.x1 - roi.x0 + 1).toBe(140);
    expect(roi.y1 - roi.y0 + 1).toBe(140);
    expect((roi.x0 + roi.x1) / 2).toBeCloseTo(199.5, 0);
    expect(objectBox(mask, w, w, [...clicks, { x: 300, y: 120, positive: true }], 0.49)).toEqual({ x0: 150, y0: 100, x1: 300, y1: 199 });
  });

  it('enforces the minimum crop size and keeps the crop inside the slice where it fits', () => {
    const w = 400;
    const mask = new Float32Array(w * w);
    mask[5 * w + 5] = 0.9; // a one-pixel object in the corner
    const roi = zoomInRoi(mask, w, w, [{ x: 5, y: 5, positive: true }, { x: 6, y: 6, positive: true }], zoom);
    expect(roi).toEqual({ x0: 0, y0: 0, x1: 111, y1: 111 });
  });

  it('is square in millimetres on anisotropic pixels', () => {
    const roi = fullSliceRoi(100, 100, [1, 2]); // 100 mm × 200 mm
    expect(roi.x1 - roi.x0 + 1).toBe(200);
    expect(roi.y1 - roi.y0 + 1).toBe(100);
  });
});
