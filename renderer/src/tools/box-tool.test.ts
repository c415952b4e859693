import { describe, expect, it } from 'vitest';
import type { SliceRef } from '../../../electron/common/slice';
import type { VolumeGeometry } from '../../../electron/common/volume';
import type { PromptPart } from '../stores/prompt-store';
import { pointer, testPane } from '../testing/tool-pointer';
import { BoxTool } from './box-tool';

/** Axial slices (index axis 2) are 20 × 10 pixels. */
const GEOMETRY: VolumeGeometry = { size: [20, 10, 5], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const REF = { axis: 2, slice: 3 } as const;

function setup(): { tool: BoxTool; sent: { ref: SliceRef; part: PromptPart }[] } {
  const sent: { ref: SliceRef; part: PromptPart }[] = [];
  const input = {
    send: (ref: SliceRef, part: PromptPart): Promise<void> => {
      sent.push({ ref, part });
      return Promise.resolve();
    },
  };
  return { tool: new BoxTool({ geometry: GEOMETRY }, input), sent };
}

describe('BoxTool', () => {
  it('draws the rubber band while dragging and sends the box, corners ordered and kept on the slice', () => {
    const { tool, sent } = setup();
    const pane = testPane();
    expect(tool.press(pointer(pane, { css: [30, 40], at: [12.4, 8], ref: REF }))).toBe('drag');
    tool.move(pointer(pane, { css: [10, 20], at: [5, 3], ref: REF }));
    tool.release(pointer(pane, { css: [0, 0], at: [-4, -2], ref: REF, inside: false }));
    expect(pane.shape.calls).toEqual([{ kind: 'rect', a: { x: 30, y: 40 }, b: { x: 10, y: 20 } }, { kind: 'clear' }]);
    expect(sent).toEqual([{ ref: REF, part: { box: { x0: 0, y0: 0, x1: 12, y1: 8 } } }]);
  });

  it('takes a box under 3 pixels across for a slip and sends nothing', () => {
    const { tool, sent } = setup();
    tool.press(pointer(testPane(), { at: [5, 5], ref: REF }));
    tool.release(pointer(testPane(), { at: [6, 9], ref: REF }));
    expect(sent).toEqual([]);
  });

  it('ignores a drag with Shift or from outside the image, and leaves other buttons to navigation', () => {
    const { tool, sent } = setup();
    expect(tool.press(pointer(testPane(), { at: [5, 5], shiftKey: true }))).toBe('ignore');
    expect(tool.press(pointer(testPane(), { at: [-5, 5], inside: false }))).toBe('ignore');
    expect(tool.press(pointer(testPane()))).toBe('ignore');
    expect(tool.press(pointer(testPane(), { at: [5, 5], button: 1 }))).toBe('pass');
    expect(tool.press(pointer(testPane(), { at: [5, 5], button: 2 }))).toBe('pass');
    tool.release(pointer(testPane(), { at: [15, 9] }));
    expect(sent).toEqual([]);
  });

  it('a cancelled drag clears the band and sends nothing', () => {
    const { tool, sent } = setup();
    const pane = testPane();
    tool.press(pointer(pane, { at: [1, 1], ref: REF }));
    tool.move(pointer(pane, { at: [9, 9], ref: REF }));
    tool.cancel();
    tool.release(pointer(pane, { at: [9, 9], ref: REF }));
    expect(pane.shape.calls.at(-1)).toEqual({ kind: 'clear' });
    expect(sent).toEqual([]);
  });
});
