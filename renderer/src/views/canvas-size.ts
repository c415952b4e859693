/** Sizing a view's vtk.js canvas to its container, in device pixels. */
import type vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import type { Viewport } from '../geometry/camera';

/**
 * The container's size in CSS pixels, with the canvas resized to match; undefined when it has
 * not changed since `current`.
 */
export function fitCanvas(host: HTMLElement, glWindow: vtkOpenGLRenderWindow, current: Viewport): Viewport | undefined {
  const rect = host.getBoundingClientRect();
  const width = Math.round(rect.width);
  const height = Math.round(rect.height);
  if (width === current.width && height === current.height) return undefined;
  const dpr = window.devicePixelRatio || 1;
  glWindow.setSize(Math.max(1, Math.floor(width * dpr)), Math.max(1, Math.floor(height * dpr)));
  return { width, height };
}
