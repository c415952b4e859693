/**
 * The navigate tool, and the navigation every tool shares: left click / drag moves the cursor (the
 * other views follow); middle drag, or Shift+left drag where the active tool leaves it, pans; the
 * wheel scrolls slices and Ctrl/⌘+wheel zooms about the pointer.
 */
import type { Vec3, ViewAxis } from '../../../electron/common/volume';
import { displayToWorld, panBy, zoomAt, type ViewCamera, type ViewZoomPan } from '../geometry/camera';
import { WheelSteps } from './wheel-steps';
import type { PressAnswer, SlicePane, SliceTool, ToolPointer } from './slice-tool';

/** The view state navigation moves (UiStore). */
export interface NavigationTarget {
  readonly zoomPan: Readonly<Record<ViewAxis, ViewZoomPan>>;
  pickAt(view: ViewAxis, world: Vec3): void;
  setZoomPan(view: ViewAxis, zoomPan: ViewZoomPan): void;
  scroll(view: ViewAxis, steps: number): void;
}

/** One wheel event over a view. */
export interface ToolWheel {
  readonly pane: SlicePane;
  readonly deltaY: number;
  /** As in WheelEvent.deltaMode: 0 pixels, 1 lines, 2 pages. */
  readonly deltaMode: number;
  /** Ctrl or ⌘ held: zoom instead of scrolling. */
  readonly zoom: boolean;
  readonly cssX: number;
  readonly cssY: number;
}

type NavigateDrag =
  | { readonly kind: 'cursor' }
  | { readonly kind: 'pan'; readonly x: number; readonly y: number; readonly start: ViewZoomPan; readonly camera: ViewCamera };

export class NavigateTool implements SliceTool {
  private drag: NavigateDrag | undefined;
  /** Touchpad deltas add up per view, as each view scrolls its own slices. */
  private readonly wheels = new Map<ViewAxis, WheelSteps>();

  constructor(private readonly ui: NavigationTarget) {}

  press(p: ToolPointer): PressAnswer {
    const camera = p.pane.camera();
    if (p.button === 0 && !p.shiftKey) {
      this.drag = { kind: 'cursor' };
      this.pick(p);
      return 'drag';
    }
    if ((p.button === 1 || (p.button === 0 && p.shiftKey)) && camera !== undefined) {
      this.drag = { kind: 'pan', x: p.cssX, y: p.cssY, start: this.ui.zoomPan[p.pane.view], camera };
      return 'drag';
    }
    return 'pass';
  }

  move(p: ToolPointer): void {
    const drag = this.drag;
    if (drag?.kind === 'cursor') this.pick(p);
    if (drag?.kind === 'pan')
      this.ui.setZoomPan(p.pane.view, panBy(drag.start, drag.camera, p.pane.viewport(), p.cssX - drag.x, p.cssY - drag.y));
  }

  release(): void {
    this.drag = undefined;
  }

  cancel(): void {
    this.drag = undefined;
  }

  wheel(w: ToolWheel): void {
    const view = w.pane.view;
    if (w.zoom) {
      const camera = w.pane.camera();
      if (camera === undefined) return;
      const factor = Math.exp(-w.deltaY * (w.deltaMode === 0 ? 0.002 : 0.1));
      this.ui.setZoomPan(view, zoomAt(this.ui.zoomPan[view], camera, w.pane.viewport(), factor, w.cssX, w.cssY));
      return;
    }
    let steps = this.wheels.get(view);
    if (steps === undefined) {
      steps = new WheelSteps();
      this.wheels.set(view, steps);
    }
    this.ui.scroll(view, steps.steps(w.deltaY, w.deltaMode));
  }

  private pick(p: ToolPointer): void {
    const camera = p.pane.camera();
    if (camera === undefined) return;
    this.ui.pickAt(p.pane.view, displayToWorld(camera, p.pane.viewport(), p.cssX, p.cssY));
  }
}
