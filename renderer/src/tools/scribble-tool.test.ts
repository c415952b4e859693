import { describe, expect, it } from 'vitest';
import type { SliceRef } from '../../../electron/common/slice';
import type { VolumeGeometry } from '../../../electron/common/volume';
import type { PromptPart } from '../stores/prompt-store';
import { pointer, testPane } from '../testing/tool-pointer';
import { ScribbleTool } from './scribble-tool';

/** Axial slices (index axis 2) are 20 × 10 pixels. */
const GEOMETRY: VolumeGeometry = { size: [20, 10, 5], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const REF = { axis: 2, slice: 1 } as const;

function setup(): { tool: ScribbleTool; sent: { ref: SliceRef; part: PromptPart }[] } {
  const sent: { ref: SliceRef; part: PromptPart }[] = [];
  const input = {
    send: (ref: SliceRef, part: PromptPart): Promise<void> => {
      sent.push({ ref, part });
      return Promise.resolve();
    },
  };
  return { tool: new ScribbleTool({ geometry: GEOMETRY }, input), sent };
}

describe('ScribbleTool', () => {
  it('sends a positive stroke through the pixels it crossed, skipping sub-pixel moves', () => {
    const { tool, sent } = setup();
    const pane = testPane();
    expect(tool.press(pointer(pane, { css: [1, 1], at: [2, 2], ref: REF }))).toBe('drag');
    tool.move(pointer(pane, { css: [2, 1], at: [2.3, 2.2], ref: REF }));
    tool.move(pointer(pane, { css: [3, 1], at: [4, 2], ref: REF }));
    tool.release(pointer(pane, { css: [4, 4], at: [4.1, 5], ref: REF }));
    expect(sent).toEqual([{ ref: REF, part: { scribble: { points: [{ x: 2, y: 2 }, { x: 4, y: 2 }, { x: 4, y: 5 }], positive: true } } }]);
    expect(pane.shape.calls.filter((c) => c.kind === 'stroke').at(-1)).toEqual({
      kind: 'stroke',
      points: [
        { x: 1, y: 1 },
        { x: 3, y: 1 },
        { x: 4, y: 4 },
      ],
      positive: true,
    });
    expect(pane.shape.calls.at(-1)).toEqual({ kind: 'clear' });
  });

  it('Shift+drag is a negative stroke; one leaving the image follows its edge', () => {
    const { tool, sent } = setup();
    tool.press(pointer(testPane(), { at: [18, 8], ref: REF, shiftKey: true }));
    tool.move(pointer(testPane(), { at: [25, 14], ref: REF, inside: false }));
    tool.release(pointer(testPane(), { at: [25, 14], ref: REF, inside: false }));
    expect(sent).toEqual([{ ref: REF, part: { scribble: { points: [{ x: 18, y: 8 }, { x: 19, y: 9 }], positive: false } } }]);
  });

  it('ignores a stroke started outside the image, and a cancelled stroke sends nothing', () => {
    const { tool, sent } = setup();
    expect(tool.press(pointer(testPane(), { at: [-3, 2], inside: false }))).toBe('ignore');
    expect(tool.press(pointer(testPane(), { at: [3, 2], button: 2 }))).toBe('pass');
    tool.press(pointer(testPane(), { at: [3, 2], ref: REF }));
    tool.move(pointer(testPane(), { at: [6, 2], ref: REF }));
    tool.cancel();
    tool.release(pointer(testPane(), { at: [8, 2], ref: REF }));
    expect(sent).toEqual([]);
  });
});
