/** Where the crosshair of a view goes, and which other view each of its lines stands for. */
import type { Vec3, ViewAxis } from '../../../electron/common/volume';
import { worldToDisplay, type ViewCamera, type Viewport } from './camera';
import type { ViewFrame } from './view-frame';

export interface Crosshair {
  /** CSS pixels of the cursor in the view. */
  readonly x: number;
  readonly y: number;
  /** The view whose slice plane shows as the vertical line (constant x), and the horizontal one. */
  readonly verticalView: ViewAxis | undefined;
  readonly horizontalView: ViewAxis | undefined;
}

export function crosshair(
  frame: ViewFrame,
  frames: Readonly<Record<ViewAxis, ViewFrame>>,
  camera: ViewCamera,
  viewport: Viewport,
  cursorWorld: Vec3,
): Crosshair {
  const [x, y] = worldToDisplay(camera, viewport, cursorWorld);
  const others = Object.values(frames).filter((f) => f.view !== frame.view);
  return {
    x,
    y,
    verticalView: others.find((f) => f.normalAxis === frame.rightAxis)?.view,
    horizontalView: others.find((f) => f.normalAxis === frame.upAxis)?.view,
  };
}
