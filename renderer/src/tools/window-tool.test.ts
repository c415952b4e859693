import { describe, expect, it } from 'vitest';
import type { WindowLevel } from '../../../electron/common/window-level';
import { pointer, testPane } from '../testing/tool-pointer';
import { TAP_SLOP, WindowTool } from './window-tool';

/** Window/level on a 0–600 image: one CSS pixel of drag is one intensity unit. */
function setup(): { tool: WindowTool; ui: { windowLevel: WindowLevel; setWindowLevel(wl: WindowLevel): void } } {
  const ui = {
    windowLevel: { window: 100, level: 50 },
    setWindowLevel(wl: WindowLevel): void {
      this.windowLevel = wl;
    },
  };
  return { tool: new WindowTool(ui, { meta: { range: [0, 600] } }), ui };
}

describe('WindowTool', () => {
  it('takes the right button only', () => {
    const { tool } = setup();
    expect(tool.press(pointer(testPane(), { button: 0 }))).toBe('pass');
    expect(tool.press(pointer(testPane(), { button: 1 }))).toBe('pass');
    expect(tool.press(pointer(testPane(), { button: 2 }))).toBe('drag');
  });

  it('widens the window dragging right and raises the level dragging down, from the press', () => {
    const { tool, ui } = setup();
    const pane = testPane();
    tool.press(pointer(pane, { button: 2, css: [10, 10] }));
    tool.move(pointer(pane, { button: 2, css: [12, 11] }));
    expect(ui.windowLevel).toEqual({ window: 102, level: 51 });
    tool.move(pointer(pane, { button: 2, css: [40, 30] }));
    expect(ui.windowLevel).toEqual({ window: 130, level: 70 });
    tool.release(pointer(pane, { button: 2, css: [40, 30] }));
    tool.move(pointer(pane, { button: 2, css: [90, 90] }));
    expect(ui.windowLevel).toEqual({ window: 130, level: 70 });
  });

  it('with a tap action, a release that barely moved taps instead of changing window/level', () => {
    const { tool, ui } = setup();
    const pane = testPane();
    const taps: number[] = [];
    tool.begin(pointer(pane, { button: 2, css: [10, 10] }), (at) => taps.push(at.cssX));
    tool.move(pointer(pane, { button: 2, css: [10 + TAP_SLOP - 1, 10] }));
    tool.release(pointer(pane, { button: 2, css: [10 + TAP_SLOP - 1, 10] }));
    expect(taps).toEqual([10 + TAP_SLOP - 1]);
    expect(ui.windowLevel).toEqual({ window: 100, level: 50 });
  });

  it('with a tap action, a real drag changes window/level and does not tap, even back at the start', () => {
    const { tool, ui } = setup();
    const pane = testPane();
    const taps: number[] = [];
    tool.begin(pointer(pane, { button: 2, css: [10, 10] }), (at) => taps.push(at.cssX));
    tool.move(pointer(pane, { button: 2, css: [30, 10] }));
    tool.move(pointer(pane, { button: 2, css: [11, 10] }));
    tool.release(pointer(pane, { button: 2, css: [11, 10] }));
    expect(ui.windowLevel).toEqual({ window: 101, level: 50 });
    expect(taps).toEqual([]);
  });

  it('a cancelled drag does not tap', () => {
    const { tool } = setup();
    const taps: number[] = [];
    tool.begin(pointer(testPane(), { button: 2 }), (at) => taps.push(at.cssX));
    tool.cancel();
    tool.release(pointer(testPane(), { button: 2 }));
    expect(taps).toEqual([]);
  });
});
