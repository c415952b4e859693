import { runInAction } from 'mobx';
import { describe, expect, it } from 'vitest';
import { brushWorkspace, type BrushWorkspace } from '../testing/brush-stores';
import { pointer, testPane } from '../testing/tool-pointer';
import { createEraserTool } from './eraser-tool';

const SLICE0 = { axis: 2, slice: 0 } as const;

/** Row 0 of slice 0 holds 1 1 1 1 2 2 2 2 (segments 1 and 2). */
function twoSegments(): BrushWorkspace {
  const ws = brushWorkspace();
  runInAction(() => {
    ws.segmentation.addSegment();
    ws.segmentation.addSegment();
    ws.segmentation.write([0, 1, 2, 3], 1, { kind: 'slice', ref: SLICE0 });
    ws.segmentation.write([4, 5, 6, 7], 2, { kind: 'slice', ref: SLICE0 });
  });
  return ws;
}

function eraseRow(ws: BrushWorkspace): void {
  const eraser = createEraserTool(ws);
  expect(eraser.press(pointer(testPane(), { at: [0, 0], ref: SLICE0 }))).toBe('drag');
  eraser.move(pointer(testPane(), { at: [7, 0], ref: SLICE0 }));
  eraser.release();
}

const row0 = (ws: BrushWorkspace): (number | undefined)[] => [0, 1, 2, 3, 4, 5, 6, 7].map((x) => ws.labelAt(x, 0));

describe('eraser', () => {
  it('clears the active segment only, as one undo step', () => {
    const ws = twoSegments();
    runInAction(() => {
      ws.segmentation.setActive(1);
    });
    eraseRow(ws);
    expect(row0(ws)).toEqual([0, 0, 0, 0, 2, 2, 2, 2]);
    expect(ws.history.labels).toEqual(['Erase Segment 1']);
    runInAction(() => ws.history.undo());
    expect(row0(ws)).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
  });

  it('with no active segment, clears every unlocked label', () => {
    const ws = twoSegments();
    runInAction(() => {
      ws.segmentation.addSegment();
      ws.segmentation.write([6, 7], 3, { kind: 'slice', ref: SLICE0 });
      ws.segmentation.setActive(undefined);
      ws.segmentation.updateSegment(2, { locked: true });
    });
    expect(row0(ws)).toEqual([1, 1, 1, 1, 2, 2, 3, 3]);
    eraseRow(ws);
    expect(row0(ws)).toEqual([0, 0, 0, 0, 2, 2, 0, 0]);
    expect(ws.history.labels).toEqual(['Erase labels']);
  });

  it('adds no segment to an empty table', () => {
    const ws = brushWorkspace();
    const eraser = createEraserTool(ws);
    expect(eraser.erase).toBe(true);
    eraser.press(pointer(testPane(), { at: [1, 1] }));
    eraser.release();
    expect(ws.segmentation.segments).toEqual([]);
  });
});
