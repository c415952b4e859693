/**
 * Tools that draw a prompt with one drag on a slice view (box, scribble). SliceInteraction hands
 * them the drag; each tool is one object that keeps its own drag state and draws into the view's
 * one rubber band.
 */
import type { SliceRef } from '../../../electron/common/slice';

/** A pointer position on the view's current slice. */
export interface DragPoint {
  readonly ref: SliceRef;
  /** Continuous slice-pixel coordinates (click engine convention). */
  readonly x: number;
  readonly y: number;
  /** The same point in the view's CSS pixels, for drawing. */
  readonly cssX: number;
  readonly cssY: number;
}

export interface DragTool {
  /** A drag starts; `negative` for Shift+drag. Returns false when the tool does not take it. */
  begin(point: DragPoint, negative: boolean): boolean;
  move(point: DragPoint): void;
  /** The drag ends (at `point`, or undefined when it was cancelled). */
  end(point: DragPoint | undefined): void;
}

/** Where a slice point falls once kept inside a width × height slice. */
export function clampToSlice(x: number, y: number, width: number, height: number): { x: number; y: number } {
  return { x: Math.min(width - 1, Math.max(0, Math.round(x))), y: Math.min(height - 1, Math.max(0, Math.round(y))) };
}
