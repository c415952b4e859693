import { describe, expect, it } from 'vitest';
import type { Vec3, ViewAxis } from '../../../electron/common/volume';
import { FIT, type ViewZoomPan } from '../geometry/camera';
import { pointer, testPane } from '../testing/tool-pointer';
import { NavigateTool, type NavigationTarget } from './navigate-tool';

/** A UiStore stand-in that records what navigation asks of it. */
class FakeUi implements NavigationTarget {
  zoomPan: Record<ViewAxis, ViewZoomPan> = { axial: FIT, sagittal: FIT, coronal: FIT };
  readonly picks: { view: ViewAxis; world: Vec3 }[] = [];
  readonly scrolls: { view: ViewAxis; steps: number }[] = [];
  pickAt(view: ViewAxis, world: Vec3): void {
    this.picks.push({ view, world });
  }
  setZoomPan(view: ViewAxis, zoomPan: ViewZoomPan): void {
    this.zoomPan = { ...this.zoomPan, [view]: zoomPan };
  }
  scroll(view: ViewAxis, steps: number): void {
    this.scrolls.push({ view, steps });
  }
}

describe('NavigateTool', () => {
  it('moves the cursor where the left button presses and drags, until the release', () => {
    const ui = new FakeUi();
    const tool = new NavigateTool(ui);
    const pane = testPane('coronal');
    expect(tool.press(pointer(pane, { css: [60, 40] }))).toBe('drag');
    tool.move(pointer(pane, { css: [30, 70] }));
    tool.release();
    tool.move(pointer(pane, { css: [0, 0] }));
    // 1 mm per CSS pixel about the view's centre, y up.
    expect(ui.picks).toEqual([
      { view: 'coronal', world: [10, 10, 0] },
      { view: 'coronal', world: [-20, -20, 0] },
    ]);
  });

  it('pans with the middle button or Shift+left, the image following the pointer', () => {
    const ui = new FakeUi();
    const tool = new NavigateTool(ui);
    const pane = testPane('axial');
    expect(tool.press(pointer(pane, { button: 1, css: [50, 50] }))).toBe('drag');
    tool.move(pointer(pane, { button: 1, css: [60, 45] }));
    expect(ui.zoomPan.axial).toEqual({ zoom: 1, panRight: 10, panUp: 5 });
    tool.cancel();
    expect(tool.press(pointer(pane, { shiftKey: true, css: [50, 50] }))).toBe('drag');
    tool.move(pointer(pane, { shiftKey: true, css: [40, 50] }));
    expect(ui.zoomPan.axial).toEqual({ zoom: 1, panRight: 0, panUp: 5 });
    expect(ui.picks).toEqual([]);
  });

  it('leaves the right button, and a pan before the view has a camera, to others', () => {
    const tool = new NavigateTool(new FakeUi());
    expect(tool.press(pointer(testPane(), { button: 2 }))).toBe('pass');
    expect(tool.press(pointer(testPane('axial', { sized: false }), { button: 1 }))).toBe('pass');
  });

  it('scrolls one slice per notch and adds up touchpad deltas per view', () => {
    const ui = new FakeUi();
    const tool = new NavigateTool(ui);
    const axial = testPane('axial');
    const sagittal = testPane('sagittal');
    const wheel = (pane: typeof axial, deltaY: number): void => {
      tool.wheel({ pane, deltaY, deltaMode: 0, zoom: false, cssX: 50, cssY: 50 });
    };
    wheel(axial, -100);
    wheel(axial, 30);
    wheel(sagittal, 30);
    wheel(axial, 30);
    expect(ui.scrolls).toEqual([
      { view: 'axial', steps: 1 },
      { view: 'axial', steps: 0 },
      { view: 'sagittal', steps: 0 },
      { view: 'axial', steps: -1 },
    ]);
  });

  it('zooms about the pointer with Ctrl/⌘+wheel', () => {
    const ui = new FakeUi();
    const tool = new NavigateTool(ui);
    tool.wheel({ pane: testPane('axial'), deltaY: -100, deltaMode: 0, zoom: true, cssX: 50, cssY: 50 });
    expect(ui.zoomPan.axial.zoom).toBeCloseTo(Math.exp(0.2));
    expect(ui.zoomPan.axial.panRight).toBeCloseTo(0);
    tool.wheel({ pane: testPane('sagittal'), deltaY: -1, deltaMode: 1, zoom: true, cssX: 100, cssY: 50 });
    // Off-centre: the point under the pointer stays put, so the view pans towards it.
    expect(ui.zoomPan.sagittal.zoom).toBeCloseTo(Math.exp(0.1));
    expect(ui.zoomPan.sagittal.panRight).toBeLessThan(0);
    expect(ui.scrolls).toEqual([]);
  });
});
