/**
 * Mouse input of one slice view. With the navigate tool:
 *   left button         — move the cursor (click or drag); the other views follow;
 *   right drag          — window (horizontal) and level (vertical);
 *   middle / shift drag — pan;  ctrl/⌘ + wheel — zoom about the pointer;
 *   wheel               — scroll slices.
 * With the click tool, left = positive click, shift+left or a right click (without dragging) =
 * negative click. With the brush or eraser, left drag paints on the view's current slice (one undo
 * step per stroke). With the box or scribble tool (renderer/src/tools/), left drag draws a box or a
 * positive stroke, Shift+left drag a negative stroke. Right drag, middle drag and the wheel keep
 * their navigate meaning.
 * Keyboard scrolling is handled once for the page (see view-layout.ts) and goes to the active view.
 */
import { sliceGeometry } from '../../../electron/common/slice';
import { worldToIndex, type ViewAxis } from '../../../electron/common/volume';
import {
  displayToWorld,
  panBy,
  zoomAt,
  type ViewCamera,
  type ViewZoomPan,
  type Viewport,
} from '../geometry/camera';
import { dragWindowLevel, type WindowLevel } from '../imaging/window-level';
import { diskPixels, strokePixels } from '../segmentation/slice-mask';
import type { SliceRef } from '../../../electron/common/slice';
import type { RootStore } from '../stores/root-store';
import type { Tool } from '../stores/tool-store';
import { BoxTool } from '../tools/box-tool';
import type { DragPoint, DragTool } from '../tools/drag-tool';
import { RubberBand } from '../tools/rubber-band';
import { ScribbleTool } from '../tools/scribble-tool';
import { WheelSteps } from './wheel-steps';

export interface ViewGeometrySource {
  camera(): ViewCamera | undefined;
  viewport(): Viewport;
  /** The pointer moved over the view (CSS pixels), or left it. */
  hover(point: { x: number; y: number } | undefined): void;
}

/** A right click that moves less than this (CSS pixels) is a negative click, not a window drag. */
const CLICK_SLOP = 4;

interface SlicePoint {
  readonly ref: SliceRef;
  /** Continuous slice-pixel coordinates (click engine convention). */
  readonly x: number;
  readonly y: number;
  readonly inside: boolean;
}

type Drag =
  | { kind: 'cursor' }
  | { kind: 'window'; x: number; y: number; start: WindowLevel; negativeClick: boolean; moved: boolean }
  | { kind: 'paint'; ref: SliceRef; last: readonly [number, number] }
  | { kind: 'pan'; x: number; y: number; start: ViewZoomPan; camera: ViewCamera }
  | { kind: 'tool'; tool: DragTool };

export class SliceInteraction {
  private drag: Drag | undefined;
  private readonly wheel = new WheelSteps();
  private readonly abort = new AbortController();
  private readonly dragTools: Partial<Record<Tool, DragTool>>;
  private readonly band: RubberBand;

  constructor(
    private readonly root: RootStore,
    private readonly view: ViewAxis,
    private readonly element: HTMLElement,
    private readonly source: ViewGeometrySource,
  ) {
    this.band = new RubberBand(element);
    this.dragTools = { box: new BoxTool(root, this.band), scribble: new ScribbleTool(root, this.band) };
    const options = { signal: this.abort.signal };
    element.addEventListener(
      'pointerdown',
      (e) => {
        this.onPointerDown(e);
      },
      options,
    );
    element.addEventListener(
      'pointermove',
      (e) => {
        this.onPointerMove(e);
      },
      options,
    );
    element.addEventListener(
      'pointerup',
      (e) => {
        this.onPointerUp(e);
      },
      options,
    );
    element.addEventListener(
      'pointercancel',
      (e) => {
        this.onPointerUp(e);
      },
      options,
    );
    element.addEventListener(
      'pointerleave',
      () => {
        this.source.hover(undefined);
        this.root.ui.setPointerIndex(undefined);
      },
      options,
    );
    element.addEventListener(
      'pointerenter',
      () => {
        this.root.ui.setActiveView(this.view);
      },
      options,
    );
    element.addEventListener(
      'wheel',
      (e) => {
        this.onWheel(e);
      },
      { ...options, passive: false },
    );
    element.addEventListener(
      'contextmenu',
      (e) => {
        e.preventDefault();
      },
      options,
    );
  }

  private local(e: MouseEvent): [number, number] {
    const rect = this.element.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  }

  private pick(e: MouseEvent): void {
    const camera = this.source.camera();
    if (camera === undefined) return;
    const [x, y] = this.local(e);
    this.root.ui.pickAt(this.view, displayToWorld(camera, this.source.viewport(), x, y));
  }

  /** Keeps the status bar's "under the pointer" voxel current. */
  private trackPointer(e: MouseEvent): void {
    const point = this.slicePoint(e);
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

  /** Where an event falls on the view's current slice, in slice pixels. */
  private slicePoint(e: MouseEvent): SlicePoint | undefined {
    const camera = this.source.camera();
    const g = this.root.volume.geometry;
    const frame = this.root.ui.frames?.[this.view];
    if (camera === undefined || g === undefined || frame === undefined) return undefined;
    const [x, y] = this.local(e);
    const index = worldToIndex(g, displayToWorld(camera, this.source.viewport(), x, y));
    const sg = sliceGeometry(g.size, g.spacing, frame.normalAxis);
    const px = index[sg.xAxis];
    const py = index[sg.yAxis];
    const inside = px > -0.5 && py > -0.5 && px < sg.width - 0.5 && py < sg.height - 0.5;
    return { ref: { axis: frame.normalAxis, slice: this.root.ui.slices[this.view] }, x: px, y: py, inside };
  }

  /** A slice point with its CSS position, for the drag tools. */
  private dragPoint(e: MouseEvent): (DragPoint & { inside: boolean }) | undefined {
    const point = this.slicePoint(e);
    if (point === undefined) return undefined;
    const [cssX, cssY] = this.local(e);
    return { ...point, cssX, cssY };
  }

  private click(e: MouseEvent, positive: boolean): void {
    const point = this.slicePoint(e);
    if (point === undefined || !point.inside) return;
    void this.root.addClick(point.ref, { x: Math.round(point.x), y: Math.round(point.y), positive });
  }

  private paintAt(ref: SliceRef, from: readonly [number, number], to: readonly [number, number]): void {
    const g = this.root.volume.geometry;
    if (g === undefined) return;
    const radius = this.root.tools.brushRadiusMm;
    const pixels =
      from[0] === to[0] && from[1] === to[1]
        ? diskPixels(g.size, g.spacing, ref.axis, to[0], to[1], radius)
        : strokePixels(g.size, g.spacing, ref.axis, from, to, radius);
    this.root.strokePixels(ref, pixels);
  }

  private onPointerDown(e: PointerEvent): void {
    if (!this.root.volume.loaded) return;
    const [x, y] = this.local(e);
    const camera = this.source.camera();
    const tool = this.root.tools.tool;
    if (e.button === 0 && tool === 'click') {
      this.click(e, !e.shiftKey);
      e.preventDefault();
      this.root.ui.setActiveView(this.view);
      return;
    }
    const dragTool = e.button === 0 ? this.dragTools[tool] : undefined;
    if (dragTool !== undefined) {
      const point = this.dragPoint(e);
      if (point === undefined || !point.inside || !dragTool.begin(point, e.shiftKey)) return;
      this.drag = { kind: 'tool', tool: dragTool };
    } else if (e.button === 0 && !e.shiftKey && (tool === 'brush' || tool === 'eraser')) {
      const point = this.slicePoint(e);
      if (point === undefined || !this.root.beginStroke(tool === 'eraser')) return;
      const at = [point.x, point.y] as const;
      this.drag = { kind: 'paint', ref: point.ref, last: at };
      this.paintAt(point.ref, at, at);
    } else if (e.button === 0 && !e.shiftKey) {
      this.drag = { kind: 'cursor' };
      this.pick(e);
    } else if (e.button === 2) {
      this.drag = {
        kind: 'window',
        x,
        y,
        start: this.root.ui.windowLevel,
        negativeClick: tool === 'click',
        moved: false,
      };
    } else if ((e.button === 1 || (e.button === 0 && e.shiftKey)) && camera !== undefined) {
      this.drag = { kind: 'pan', x, y, start: this.root.ui.zoomPan[this.view], camera };
    } else {
      return;
    }
    e.preventDefault();
    this.root.ui.setActiveView(this.view);
    this.element.setPointerCapture(e.pointerId);
  }

  private onPointerMove(e: PointerEvent): void {
    const [x, y] = this.local(e);
    this.source.hover({ x, y });
    this.trackPointer(e);
    const drag = this.drag;
    if (drag === undefined) return;
    switch (drag.kind) {
      case 'cursor':
        this.pick(e);
        break;
      case 'paint': {
        const point = this.slicePoint(e);
        if (point === undefined) break;
        const at = [point.x, point.y] as const;
        this.paintAt(drag.ref, drag.last, at);
        this.drag = { ...drag, last: at };
        break;
      }
      case 'window': {
        if (drag.negativeClick && !drag.moved && Math.hypot(x - drag.x, y - drag.y) < CLICK_SLOP) break;
        drag.moved = true;
        const range = this.root.volume.meta?.range ?? [0, 1];
        this.root.ui.setWindowLevel(dragWindowLevel(drag.start, x - drag.x, y - drag.y, range));
        break;
      }
      case 'tool': {
        const point = this.dragPoint(e);
        if (point !== undefined) drag.tool.move(point);
        break;
      }
      case 'pan':
        this.root.ui.setZoomPan(
          this.view,
          panBy(drag.start, drag.camera, this.source.viewport(), x - drag.x, y - drag.y),
        );
        break;
    }
  }

  private onPointerUp(e: PointerEvent): void {
    const drag = this.drag;
    if (drag === undefined) return;
    this.drag = undefined;
    if (drag.kind === 'paint') this.root.endStroke();
    if (drag.kind === 'tool') drag.tool.end(e.type === 'pointerup' ? this.dragPoint(e) : undefined);
    if (drag.kind === 'window' && drag.negativeClick && !drag.moved && e.type === 'pointerup') this.click(e, false);
    if (this.element.hasPointerCapture(e.pointerId)) this.element.releasePointerCapture(e.pointerId);
  }

  private onWheel(e: WheelEvent): void {
    if (!this.root.volume.loaded) return;
    e.preventDefault();
    this.root.ui.setActiveView(this.view);
    if (e.ctrlKey || e.metaKey) {
      const camera = this.source.camera();
      if (camera === undefined) return;
      const [x, y] = this.local(e);
      const factor = Math.exp(-e.deltaY * (e.deltaMode === 0 ? 0.002 : 0.1));
      this.root.ui.setZoomPan(
        this.view,
        zoomAt(this.root.ui.zoomPan[this.view], camera, this.source.viewport(), factor, x, y),
      );
      return;
    }
    this.root.ui.scroll(this.view, this.wheel.steps(e.deltaY, e.deltaMode));
  }

  dispose(): void {
    this.abort.abort();
    this.band.dispose();
  }
}
