/**
 * Parallel-projection camera maths for a slice view, and the mapping between CSS pixels in the view
 * and world points. The vtk camera is set from these numbers, so a click maps back exactly.
 */
import { indexToWorld, type VolumeGeometry, type Vec3 } from '../../../electron/common/volume';
import { add, dot, scale, sub } from './vec3';
import type { ViewFrame } from './view-frame';

export interface Viewport {
  /** CSS pixels. */
  readonly width: number;
  readonly height: number;
}

export interface ViewCamera {
  readonly focalPoint: Vec3;
  readonly position: Vec3;
  readonly viewUp: Vec3;
  readonly right: Vec3;
  readonly viewDirection: Vec3;
  /** Half the viewport's height in millimetres. */
  readonly parallelScale: number;
  readonly clippingRange: readonly [number, number];
}

/** Per-view display state: zoom (1 = fit) and pan in screen-aligned millimetres. */
export interface ViewZoomPan {
  readonly zoom: number;
  readonly panRight: number;
  readonly panUp: number;
}

export const FIT: ViewZoomPan = { zoom: 1, panRight: 0, panUp: 0 };

/** Margin around the fitted slice, as a fraction of its size. */
const FIT_MARGIN = 1.04;

/** World centre of the volume (the middle of the voxel centres). */
export function volumeCentre(g: VolumeGeometry): Vec3 {
  return indexToWorld(g, [(g.size[0] - 1) / 2, (g.size[1] - 1) / 2, (g.size[2] - 1) / 2]);
}

/** Physical extent of the volume along an index axis (voxel edges to voxel edges). */
export function axisExtent(g: VolumeGeometry, axis: 0 | 1 | 2): number {
  return g.size[axis] * g.spacing[axis];
}

/**
 * A camera that fits the view's slice into the viewport with its true physical aspect (anisotropic
 * voxels stay anisotropic), looking along the view's normal through the volume's centre. The camera
 * does not move when the slice changes: clipping covers the whole volume.
 */
export function fitCamera(
  g: VolumeGeometry,
  frame: ViewFrame,
  viewport: Viewport,
  zoomPan: ViewZoomPan = FIT,
): ViewCamera {
  const width = Math.max(1, viewport.width);
  const height = Math.max(1, viewport.height);
  const halfWidth = axisExtent(g, frame.rightAxis) / 2;
  const halfHeight = axisExtent(g, frame.upAxis) / 2;
  const fitScale = Math.max(halfHeight, (halfWidth * height) / width) * FIT_MARGIN;
  const parallelScale = fitScale / Math.max(1e-6, zoomPan.zoom);
  const centre = volumeCentre(g);
  const focalPoint = add(centre, add(scale(frame.right, -zoomPan.panRight), scale(frame.up, -zoomPan.panUp)));
  const diagonal = Math.hypot(axisExtent(g, 0), axisExtent(g, 1), axisExtent(g, 2));
  const distance = diagonal + 10;
  const position = sub(focalPoint, scale(frame.viewDirection, distance));
  return {
    focalPoint,
    position,
    viewUp: frame.up,
    right: frame.right,
    viewDirection: frame.viewDirection,
    parallelScale,
    clippingRange: [1, distance + diagonal + 10],
  };
}

/** Millimetres per CSS pixel. */
export function mmPerPixel(camera: ViewCamera, viewport: Viewport): number {
  return (2 * camera.parallelScale) / Math.max(1, viewport.height);
}

/**
 * World point under a CSS pixel (x right, y down from the view's top-left corner), on the plane
 * through the focal point; add a multiple of the view direction to move it onto a slice.
 */
export function displayToWorld(camera: ViewCamera, viewport: Viewport, x: number, y: number): Vec3 {
  const mm = mmPerPixel(camera, viewport);
  const dx = (x - viewport.width / 2) * mm;
  const dy = (viewport.height / 2 - y) * mm;
  return add(camera.focalPoint, add(scale(camera.right, dx), scale(camera.viewUp, dy)));
}

/** CSS pixel of a world point (its depth along the view direction is ignored). */
export function worldToDisplay(camera: ViewCamera, viewport: Viewport, world: Vec3): [number, number] {
  const mm = mmPerPixel(camera, viewport);
  const d = sub(world, camera.focalPoint);
  return [viewport.width / 2 + dot(d, camera.right) / mm, viewport.height / 2 - dot(d, camera.viewUp) / mm];
}

/**
 * Zooms by `factor` keeping the world point under CSS pixel (x, y) where it is on screen.
 * `camera` is the current camera (made with `current`).
 */
export function zoomAt(
  current: ViewZoomPan,
  camera: ViewCamera,
  viewport: Viewport,
  factor: number,
  x: number,
  y: number,
): ViewZoomPan {
  const zoom = Math.min(64, Math.max(0.25, current.zoom * factor));
  const applied = zoom / current.zoom;
  const mm = mmPerPixel(camera, viewport);
  const shrink = mm - mm / applied;
  const dx = x - viewport.width / 2;
  const dy = viewport.height / 2 - y;
  return { zoom, panRight: current.panRight - dx * shrink, panUp: current.panUp - dy * shrink };
}

/** Pans so that the image follows a drag of (dx, dy) CSS pixels. */
export function panBy(
  current: ViewZoomPan,
  camera: ViewCamera,
  viewport: Viewport,
  dx: number,
  dy: number,
): ViewZoomPan {
  const mm = mmPerPixel(camera, viewport);
  return { zoom: current.zoom, panRight: current.panRight + dx * mm, panUp: current.panUp - dy * mm };
}
