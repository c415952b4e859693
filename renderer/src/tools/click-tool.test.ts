import { describe, expect, it } from 'vitest';
import type { SliceRef } from '../../../electron/common/slice';
import type { WindowLevel } from '../../../electron/common/window-level';
import type { PromptPart } from '../stores/prompt-store';
import { pointer, testPane } from '../testing/tool-pointer';
import { ClickTool } from './click-tool';
import { TAP_SLOP, WindowTool } from './window-tool';

interface Sent {
  readonly ref: SliceRef;
  readonly part: PromptPart;
}

function setup(): { tool: ClickTool; sent: Sent[]; ui: { windowLevel: WindowLevel; setWindowLevel(wl: WindowLevel): void } } {
  const sent: Sent[] = [];
  const ui = {
    windowLevel: { window: 100, level: 50 },
    setWindowLevel(wl: WindowLevel): void {
      this.windowLevel = wl;
    },
  };
  const input = {
    send: (ref: SliceRef, part: PromptPart): Promise<void> => {
      sent.push({ ref, part });
      return Promise.resolve();
    },
  };
  return { tool: new ClickTool(input, new WindowTool(ui, { meta: { range: [0, 600] } })), sent, ui };
}

const REF = { axis: 1, slice: 7 } as const;

describe('ClickTool', () => {
  it('left click is a positive click at the nearest pixel; Shift+left a negative one', () => {
    const { tool, sent } = setup();
    expect(tool.press(pointer(testPane(), { at: [2.4, 3.6], ref: REF }))).toBe('done');
    expect(tool.press(pointer(testPane(), { at: [5, 1], ref: REF, shiftKey: true }))).toBe('done');
    expect(sent).toEqual([
      { ref: REF, part: { click: { x: 2, y: 4, positive: true } } },
      { ref: REF, part: { click: { x: 5, y: 1, positive: false } } },
    ]);
  });

  it('a click outside the image, or before the view can place it, sends nothing', () => {
    const { tool, sent } = setup();
    expect(tool.press(pointer(testPane(), { at: [-3, 1], inside: false }))).toBe('done');
    expect(tool.press(pointer(testPane()))).toBe('done');
    expect(sent).toEqual([]);
  });

  it('a right click that does not drag is a negative click where it is released', () => {
    const { tool, sent, ui } = setup();
    const pane = testPane();
    expect(tool.press(pointer(pane, { button: 2, css: [20, 20], at: [1, 1], ref: REF }))).toBe('drag');
    tool.move(pointer(pane, { button: 2, css: [21, 20], at: [1.1, 1], ref: REF }));
    tool.release(pointer(pane, { button: 2, css: [21, 20], at: [1.1, 1], ref: REF }));
    expect(sent).toEqual([{ ref: REF, part: { click: { x: 1, y: 1, positive: false } } }]);
    expect(ui.windowLevel).toEqual({ window: 100, level: 50 });
  });

  it('a right drag changes window/level and clicks nothing', () => {
    const { tool, sent, ui } = setup();
    const pane = testPane();
    tool.press(pointer(pane, { button: 2, css: [20, 20], at: [1, 1] }));
    tool.move(pointer(pane, { button: 2, css: [20 + TAP_SLOP + 6, 20], at: [9, 1] }));
    tool.release(pointer(pane, { button: 2, css: [20 + TAP_SLOP + 6, 20], at: [9, 1] }));
    expect(ui.windowLevel.window).toBe(100 + TAP_SLOP + 6);
    expect(sent).toEqual([]);
  });

  it('a cancelled right click clicks nothing, and the middle button is left to panning', () => {
    const { tool, sent } = setup();
    tool.press(pointer(testPane(), { button: 2, at: [1, 1] }));
    tool.cancel();
    expect(tool.press(pointer(testPane(), { button: 1, at: [1, 1] }))).toBe('pass');
    expect(sent).toEqual([]);
  });
});
