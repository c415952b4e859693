import { runInAction } from 'mobx';
import { describe, expect, it } from 'vitest';
import { brushWorkspace } from '../testing/brush-stores';
import { pointer, testPane } from '../testing/tool-pointer';
import { BrushTool } from './brush-tool';

const SLICE0 = { axis: 2, slice: 0 } as const;

describe('BrushTool', () => {
  it('paints along the drag on the slice it started on, as one undo step', () => {
    const ws = brushWorkspace();
    const brush = new BrushTool(ws, false);
    const pane = testPane();
    expect(brush.press(pointer(pane, { at: [1, 2], ref: SLICE0 }))).toBe('drag');
    expect(brush.stroking).toBe(true);
    brush.move(pointer(pane, { at: [4, 2], ref: SLICE0 }));
    // The view scrolled mid-stroke: the stroke stays on its slice.
    brush.move(pointer(pane, { at: [4, 4], ref: { axis: 2, slice: 1 } }));
    brush.release();
    expect(brush.stroking).toBe(false);
    // With no segment yet, the brush adds one and paints it.
    expect(ws.segmentation.segments.map((s) => s.name)).toEqual(['Segment 1']);
    expect([1, 2, 3, 4].map((x) => ws.labelAt(x, 2))).toEqual([1, 1, 1, 1]);
    expect([2, 3, 4].map((y) => ws.labelAt(4, y))).toEqual([1, 1, 1]);
    expect(ws.labelAt(4, 3, 1)).toBe(0);
    expect(ws.segmentation.count(1)).toBe(6);
    expect(ws.history.labels).toEqual(['Brush Segment 1']);
    runInAction(() => ws.history.undo());
    expect(ws.segmentation.count(1)).toBe(0);
  });

  it('paints disks of the brush radius in millimetres', () => {
    const ws = brushWorkspace();
    ws.settings.brushRadiusMm = 1.5;
    const brush = new BrushTool(ws, false);
    brush.press(pointer(testPane(), { at: [2, 2] }));
    brush.release();
    // Within 1.5 mm of (2, 2) at 1 mm pixels: the 3 × 3 square around it.
    expect(ws.segmentation.count(1)).toBe(9);
    expect(ws.labelAt(1, 1)).toBe(1);
    expect(ws.labelAt(0, 2)).toBe(0);
  });

  it('leaves Shift+left and the other buttons to other tools, and ignores a press it cannot place', () => {
    const ws = brushWorkspace();
    const brush = new BrushTool(ws, false);
    expect(brush.press(pointer(testPane(), { at: [1, 1], shiftKey: true }))).toBe('pass');
    expect(brush.press(pointer(testPane(), { at: [1, 1], button: 2 }))).toBe('pass');
    expect(brush.press(pointer(testPane()))).toBe('ignore');
    expect(brush.stroking).toBe(false);
    expect(ws.history.labels).toEqual([]);
  });

  it('does not paint while a propagation runs', () => {
    const ws = brushWorkspace();
    ws.propagation.running = true;
    const brush = new BrushTool(ws, false);
    expect(brush.press(pointer(testPane(), { at: [1, 1] }))).toBe('ignore');
    brush.move(pointer(testPane(), { at: [3, 1] }));
    expect(ws.segmentation.count(0)).toBe(8 * 6 * 2);
    expect(brush.stroking).toBe(false);
  });

  it('keeps locked segments and records a cancelled stroke as one step', () => {
    const ws = brushWorkspace();
    runInAction(() => {
      ws.segmentation.addSegment();
      ws.segmentation.addSegment();
      ws.segmentation.write([2 + 8 * 1], 2, { kind: 'slice', ref: SLICE0 });
      ws.segmentation.updateSegment(2, { locked: true });
      ws.segmentation.setActive(1);
    });
    const brush = new BrushTool(ws, false);
    brush.press(pointer(testPane(), { at: [0, 1] }));
    brush.move(pointer(testPane(), { at: [4, 1] }));
    brush.cancel();
    expect([0, 1, 2, 3, 4].map((x) => ws.labelAt(x, 1))).toEqual([1, 1, 2, 1, 1]);
    expect(ws.history.labels).toEqual(['Brush Segment 1']);
    expect(brush.stroking).toBe(false);
  });

  it('paints pixel lists between beginStroke and endStroke as one step, nothing outside a stroke', () => {
    const ws = brushWorkspace();
    const brush = new BrushTool(ws, false);
    brush.paintPixels(SLICE0, [0]);
    expect(brush.beginStroke()).toBe(true);
    brush.paintPixels(SLICE0, [1, 2]);
    brush.paintPixels({ axis: 2, slice: 1 }, [3]);
    brush.endStroke();
    expect(ws.labelAt(0, 0)).toBe(0);
    expect([1, 2].map((x) => ws.labelAt(x, 0))).toEqual([1, 1]);
    expect(ws.labelAt(3, 0, 1)).toBe(1);
    expect(ws.history.labels).toEqual(['Brush Segment 1']);
  });
});
