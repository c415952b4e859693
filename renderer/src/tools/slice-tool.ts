/**
 * What every slice-view tool is: one object with its own gesture state, fed plain pointer records
 * (no DOM events, so each tool is unit-tested without a browser). SliceInteraction turns the DOM
 * events of a view into these records and offers each press to the active tool, then to the
 * gestures every tool shares (window, navigate); the first that takes it gets the drag.
 */
import type { SliceRef } from '../../../electron/common/slice';
import type { ViewAxis, VolumeGeometry } from '../../../electron/common/volume';
import type { ViewCamera, Viewport } from '../geometry/camera';

/** Where a pointer falls on the view's current slice. */
export interface SlicePoint {
  readonly ref: SliceRef;
  /** Continuous slice-pixel coordinates (click engine convention). */
  readonly x: number;
  readonly y: number;
  /** Within the slice's pixels. */
  readonly inside: boolean;
}

/** The open image's geometry (VolumeStore), for tools that keep points on the slice. */
export interface GeometrySource {
  readonly geometry: VolumeGeometry | undefined;
}

/** The shape a prompt tool draws while dragging (renderer/src/tools/rubber-band.ts), in CSS pixels. */
export interface PromptShape {
  rect(a: { x: number; y: number }, b: { x: number; y: number }): void;
  stroke(points: readonly { x: number; y: number }[], positive: boolean): void;
  clear(): void;
}

/** The slice view a pointer is over, as far as tools need it. */
export interface SlicePane {
  readonly view: ViewAxis;
  /** Undefined until the view has been sized and has a volume. */
  camera(): ViewCamera | undefined;
  viewport(): Viewport;
  readonly shape: PromptShape;
}

/** One pointer press, move or release over a slice view. */
export interface ToolPointer {
  readonly pane: SlicePane;
  /** As in PointerEvent.button: 0 left, 1 middle, 2 right. */
  readonly button: number;
  readonly shiftKey: boolean;
  /** Position in the view's CSS pixels. */
  readonly cssX: number;
  readonly cssY: number;
  /** On the view's current slice; undefined before the view has a camera and a volume. */
  readonly point: SlicePoint | undefined;
}

/**
 * What a tool does with a press: `pass` leaves it to the next tool; `ignore` takes it and does
 * nothing (a box started outside the image); `done` handles it at once (a click); `drag` starts a
 * drag whose moves and release come to this tool.
 */
export type PressAnswer = 'pass' | 'ignore' | 'done' | 'drag';

export interface SliceTool {
  press(pointer: ToolPointer): PressAnswer;
  move(pointer: ToolPointer): void;
  release(pointer: ToolPointer): void;
  /** The drag was cancelled (pointercancel): keep what is done, start nothing new. */
  cancel(): void;
}

/** Where a slice point falls once kept inside a width × height slice. */
export function clampToSlice(x: number, y: number, width: number, height: number): { x: number; y: number } {
  return { x: Math.min(width - 1, Math.max(0, Math.round(x))), y: Math.min(height - 1, Math.max(0, Math.round(y))) };
}
