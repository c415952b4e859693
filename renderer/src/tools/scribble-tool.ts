/**
 * The scribble tool: a drag draws a positive stroke (Shift+drag a negative one) on the object; the
 * engine takes it as clicks along the stroke. A stroke that leaves the image follows its edge; one
 * that starts outside it does nothing.
 */
import { sliceGeometry, type SliceRef } from '../../../electron/common/slice';
import type { PromptInput } from './prompt-input';
import { clampToSlice, type GeometrySource, type PressAnswer, type PromptShape, type SliceTool, type ToolPointer } from './slice-tool';

/** Pointer moves closer than this to the last kept point (slice pixels) add nothing to the stroke. */
const MIN_STEP = 1;

interface Scribble {
  readonly ref: SliceRef;
  readonly positive: boolean;
  readonly shape: PromptShape;
  /** Slice pixels, sent to the engine. */
  readonly points: { x: number; y: number }[];
  /** The same points in CSS pixels, drawn. */
  readonly css: { x: number; y: number }[];
}

export class ScribbleTool implements SliceTool {
  private scribble: Scribble | undefined;

  constructor(
    private readonly volume: GeometrySource,
    private readonly input: Pick<PromptInput, 'send'>,
  ) {}

  press(p: ToolPointer): PressAnswer {
    if (p.button !== 0) return 'pass';
    if (p.point === undefined || !p.point.inside) return 'ignore';
    this.scribble = { ref: p.point.ref, positive: !p.shiftKey, shape: p.pane.shape, points: [], css: [] };
    this.move(p);
    return 'drag';
  }

  move(p: ToolPointer): void {
    const scribble = this.scribble;
    const g = this.volume.geometry;
    if (scribble === undefined || p.point === undefined || g === undefined) return;
    const { width, height } = sliceGeometry(g.size, g.spacing, scribble.ref.axis);
    const at = clampToSlice(p.point.x, p.point.y, width, height);
    const last = scribble.points[scribble.points.length - 1];
    if (last !== undefined && Math.hypot(at.x - last.x, at.y - last.y) < MIN_STEP) return;
    scribble.points.push(at);
    scribble.css.push({ x: p.cssX, y: p.cssY });
    scribble.shape.stroke(scribble.css, scribble.positive);
  }

  release(p: ToolPointer): void {
    const scribble = this.scribble;
    if (scribble === undefined) return;
    if (p.point !== undefined) this.move(p);
    this.cancel();
    if (p.point === undefined || scribble.points.length === 0) return;
    void this.input.send(scribble.ref, { scribble: { points: scribble.points, positive: scribble.positive } });
  }

  cancel(): void {
    this.scribble?.shape.clear();
    this.scribble = undefined;
  }
}
