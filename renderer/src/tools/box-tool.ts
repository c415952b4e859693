/**
 * The box tool: drag a rectangle around an object; the engine answers with its first mask (the
 * box bounds it). Clicks and scribbles added afterwards on the same slice correct it.
 */
import { sliceGeometry } from '../../../electron/common/slice';
import type { RootStore } from '../stores/root-store';
import { clampToSlice, type DragPoint, type DragTool } from './drag-tool';
import type { RubberBand } from './rubber-band';

/** A box narrower than this (slice pixels) is taken for a slip of the hand, not a prompt. */
const MIN_BOX_PIXELS = 3;

export class BoxTool implements DragTool {
  private start: DragPoint | undefined;
  constructor(
    private readonly root: RootStore,
    private readonly band: RubberBand,
  ) {}

  begin(point: DragPoint, negative: boolean): boolean {
    if (negative) return false;
    this.start = point;
    return true;
  }

  move(point: DragPoint): void {
    if (this.start !== undefined) this.band.rect({ x: this.start.cssX, y: this.start.cssY }, { x: point.cssX, y: point.cssY });
  }

  end(point: DragPoint | undefined): void {
    const start = this.start;
    this.start = undefined;
    this.band.clear();
    const g = this.root.volume.geometry;
    if (start === undefined || point === undefined || g === undefined) return;
    const { width, height } = sliceGeometry(g.size, g.spacing, start.ref.axis);
    const a = clampToSlice(Math.min(start.x, point.x), Math.min(start.y, point.y), width, height);
    const b = clampToSlice(Math.max(start.x, point.x), Math.max(start.y, point.y), width, height);
    if (b.x - a.x + 1 < MIN_BOX_PIXELS || b.y - a.y + 1 < MIN_BOX_PIXELS) return;
    void this.root.addPrompt(start.ref, { box: { x0: a.x, y0: a.y, x1: b.x, y1: b.y } });
  }
}
