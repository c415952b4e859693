/**
 * Mouse input of one slice view: turns the view's DOM pointer and wheel events into slice
 * coordinates and hands them to the tools (renderer/src/tools/, one object each). A press is offered
 * to the active tool, then to the gestures every tool shares (right drag: window/level; middle or
 * Shift drag: pan; left drag with the navigate tool: the cursor); the one that takes it gets the
 * drag's moves and release, with the pointer captured. The wheel scrolls slices (Ctrl/⌘: zooms).
 * The view also keeps the status bar's voxel under the pointer and the brush outline's position.
 * Keyboard scrolling is handled once for the page (see view-layout.ts) and goes to the active view.
 */
import { sliceGeometry } from '../../../electron/common/slice';
import { worldToIndex, type ViewAxis } from '../../../electron/common/volume';
import { displayToWorld, type ViewCamera, type Viewport } from '../geometry/camera';
import type { RootStore } from '../stores/root-store';
import { RubberBand } from '../tools/rubber-band';
import { releaseKeyboardFocus } from './focus';
import type { SlicePane, SlicePoint, SliceTool, ToolPointer } from '../tools/slice-tool';

export interface ViewGeometrySource {
  camera(): ViewCamera | undefined;
  viewport(): Viewport;
  /** The pointer moved over the view (CSS pixels), or left it. */
  hover(point: { x: number; y: number } | undefined): void;
}

export class SliceInteraction {
  /** The tool that took the press under way, until its release. */
  private dragging: SliceTool | undefined;
  private readonly abort = new AbortController();
  private readonly band: RubberBand;
  private readonly pane: SlicePane;

  constructor(
    private readonly root: RootStore,
    private readonly view: ViewAxis,
    private readonly element: HTMLElement,
    private readonly source: ViewGeometrySource,
  ) {
    this.band = new RubberBand(element);
    this.pane = {
      view,
      camera: () => source.camera(),
      viewport: () => source.viewport(),
      shape: this.band,
    };
    const on = <K extends keyof HTMLElementEventMap>(
      type: K,
      listener: (e: HTMLElementEventMap[K]) => void,
      options: AddEventListenerOptions = {},
    ): void => {
      element.addEventListener(type, listener, { ...options, signal: this.abort.signal });
    };
    on('pointerdown', (e) => {
      this.onPointerDown(e);
    });
    on('pointermove', (e) => {
      this.onPointerMove(e);
    });
    on('pointerup', (e) => {
      this.onPointerEnd(e);
    });
    on('pointercancel', (e) => {
      this.onPointerEnd(e);
    });
    on('pointerleave', () => {
      this.source.hover(undefined);
      this.root.ui.setPointerIndex(undefined);
    });
    on('pointerenter', () => {
      this.root.ui.setActiveView(this.view);
    });
    on(
      'wheel',
      (e) => {
        this.onWheel(e);
      },
      { passive: false },
    );
    on('contextmenu', (e) => {
      e.preventDefault();
    });
  }

  private local(e: MouseEvent): [number, number] {
    const rect = this.element.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  }

  /** Where an event falls on the view's current slice, in slice pixels. */
  private slicePoint(x: number, y: number): SlicePoint | undefined {
    const camera = this.source.camera();
    const g = this.root.volume.geometry;
    const frame = this.root.ui.frames?.[this.view];
    if (camera === undefined || g === undefined || frame === undefined) return undefined;
    const index = worldToIndex(g, displayToWorld(camera, this.source.viewport(), x, y));
    const sg = sliceGeometry(g.size, g.spacing, frame.normalAxis);
    const px = index[sg.xAxis];
    const py = index[sg.yAxis];
    const inside = px > -0.5 && py > -0.5 && px < sg.width - 0.5 && py < sg.height - 0.5;
    return { ref: { axis: frame.normalAxis, slice: this.root.ui.slices[this.view] }, x: px, y: py, inside };
  }

  private pointer(e: PointerEvent): ToolPointer {
    const [cssX, cssY] = this.local(e);
    return { pane: this.pane, button: e.button, shiftKey: e.shiftKey, cssX, cssY, point: this.slicePoint(cssX, cssY) };
  }

  /** Keeps the status bar's "under the pointer" voxel current. */
  private trackPointer(point: SlicePoint | undefined): void {
    const g = this.root.volume.geometry;
    if (point === undefined || !point.inside || g === undefined) {
      this.root.ui.setPointerIndex(undefined);
      return;
    }
    const sg = sliceGeometry(g.size, g.spacing, point.ref.axis);
    const index: [number, number, number] = [0, 0, 0];
    index[point.ref.axis] = point.ref.slice;
    index[sg.xAxis] = Math.round(point.x);
    index[sg.yAxis] = Math.round(point.y);
    this.root.ui.setPointerIndex(index);
  }

  private onPointerDown(e: PointerEvent): void {
    if (!this.root.volume.loaded) return;
    const taken = this.root.toolbox.press(this.pointer(e));
    if (taken === undefined) return;
    e.preventDefault();
    releaseKeyboardFocus(this.element.ownerDocument.activeElement as HTMLElement | null);
    this.root.ui.setActiveView(this.view);
    if (taken.answer === 'drag') {
      this.dragging = taken.tool;
      this.element.setPointerCapture(e.pointerId);
    }
  }

  private onPointerMove(e: PointerEvent): void {
    const pointer = this.pointer(e);
    this.source.hover({ x: pointer.cssX, y: pointer.cssY });
    this.trackPointer(pointer.point);
    this.dragging?.move(pointer);
  }

  private onPointerEnd(e: PointerEvent): void {
    const tool = this.dragging;
    if (tool === undefined) return;
    this.dragging = undefined;
    if (e.type === 'pointerup') tool.release(this.pointer(e));
    else tool.cancel();
    if (this.element.hasPointerCapture(e.pointerId)) this.element.releasePointerCapture(e.pointerId);
  }

  private onWheel(e: WheelEvent): void {
    if (!this.root.volume.loaded) return;
    e.preventDefault();
    this.root.ui.setActiveView(this.view);
    const [cssX, cssY] = this.local(e);
    this.root.toolbox.navigate.wheel({ pane: this.pane, deltaY: e.deltaY, deltaMode: e.deltaMode, zoom: e.ctrlKey || e.metaKey, cssX, cssY });
  }

  dispose(): void {
    this.abort.abort();
    this.band.dispose();
  }
}
