/**
 * Mouse input of one slice view:
 *   left button         — move the cursor (click or drag); the other views follow;
 *   right drag          — window (horizontal) and level (vertical);
 *   middle / shift drag — pan;  ctrl/⌘ + wheel — zoom about the pointer;
 *   wheel               — scroll slices.
 * Keyboard scrolling is handled once for the page (see view-layout.ts) and goes to the active view.
 */
import type { ViewAxis } from '../../../electron/common/volume';
import {
  displayToWorld,
  panBy,
  zoomAt,
  type ViewCamera,
  type ViewZoomPan,
  type Viewport,
} from '../geometry/camera';
import { dragWindowLevel, type WindowLevel } from '../imaging/window-level';
import type { RootStore } from '../stores/root-store';
import { WheelSteps } from './wheel-steps';

export interface ViewGeometrySource {
  camera(): ViewCamera | undefined;
  viewport(): Viewport;
}

type Drag =
  | { kind: 'cursor' }
  | { kind: 'window'; x: number; y: number; start: WindowLevel }
  | { kind: 'pan'; x: number; y: number; start: ViewZoomPan; camera: ViewCamera };

export class SliceInteraction {
  private drag: Drag | undefined;
  private readonly wheel = new WheelSteps();
  private readonly abort = new AbortController();

  constructor(
    private readonly root: RootStore,
    private readonly view: ViewAxis,
    private readonly element: HTMLElement,
    private readonly source: ViewGeometrySource,
  ) {
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

  private onPointerDown(e: PointerEvent): void {
    if (!this.root.volume.loaded) return;
    const [x, y] = this.local(e);
    const camera = this.source.camera();
    if (e.button === 0 && !e.shiftKey) {
      this.drag = { kind: 'cursor' };
      this.pick(e);
    } else if (e.button === 2) {
      this.drag = { kind: 'window', x, y, start: this.root.ui.windowLevel };
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
    const drag = this.drag;
    if (drag === undefined) return;
    const [x, y] = this.local(e);
    switch (drag.kind) {
      case 'cursor':
        this.pick(e);
        break;
      case 'window': {
        const range = this.root.volume.meta?.range ?? [0, 1];
        this.root.ui.setWindowLevel(dragWindowLevel(drag.start, x - drag.x, y - drag.y, range));
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
    if (this.drag === undefined) return;
    this.drag = undefined;
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
  }
}
