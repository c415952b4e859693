/**
 * The box tool: drag a rectangle around an object; the engine answers with its first mask (the
 * box bounds it). Clicks and scribbles added afterwards on the same slice correct it. A drag that
 * starts outside the image, or with Shift, does nothing.
 */
import { sliceGeometry } from '../../../electron/common/slice';
import type { PromptInput } from './prompt-input';
import { clampToSlice, type GeometrySource, type PressAnswer, type PromptShape, type SlicePoint, type SliceTool, type ToolPointer } from './slice-tool';

/** A box narrower than this (slice pixels) is taken for a slip of the hand, not a prompt. */
const MIN_BOX_PIXELS = 3;

interface BoxDrag {
  readonly start: SlicePoint;
  readonly cssX: number;
  readonly cssY: number;
  readonly shape: PromptShape;
}

export class BoxTool implements SliceTool {
  private drag: BoxDrag | undefined;

  constructor(
    private readonly volume: GeometrySource,
    private readonly input: Pick<PromptInput, 'send'>,
  ) {}

  press(p: ToolPointer): PressAnswer {
    if (p.button !== 0) return 'pass';
    if (p.point === undefined || !p.point.inside || p.shiftKey) return 'ignore';
    this.drag = { start: p.point, cssX: p.cssX, cssY: p.cssY, shape: p.pane.shape };
    return 'drag';
  }

  move(p: ToolPointer): void {
    const drag = this.drag;
    if (drag !== undefined && p.point !== undefined) drag.shape.rect({ x: drag.cssX, y: drag.cssY }, { x: p.cssX, y: p.cssY });
  }

  release(p: ToolPointer): void {
    const drag = this.end();
    const g = this.volume.geometry;
    const point = p.point;
    if (drag === undefined || point === undefined || g === undefined) return;
    const { start } = drag;
    const { width, height } = sliceGeometry(g.size, g.spacing, start.ref.axis);
    const a = clampToSlice(Math.min(start.x, point.x), Math.min(start.y, point.y), width, height);
    const b = clampToSlice(Math.max(start.x, point.x), Math.max(start.y, point.y), width, height);
    if (b.x - a.x + 1 < MIN_BOX_PIXELS || b.y - a.y + 1 < MIN_BOX_PIXELS) return;
    void this.input.send(start.ref, { box: { x0: a.x, y0: a.y, x1: b.x, y1: b.y } });
  }

  cancel(): void {
    this.end();
  }

  private end(): BoxDrag | undefined {
    const drag = this.drag;
    this.drag = undefined;
    drag?.shape.clear();
    return drag;
  }
}
