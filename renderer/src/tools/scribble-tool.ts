/**
 * The scribble tool: a drag draws a positive stroke (Shift+drag a negative one) on the object; the
 * engine takes it as clicks along the stroke. A stroke that leaves the image follows its edge.
 */
import { sliceGeometry } from '../../../electron/common/slice';
import type { RootStore } from '../stores/root-store';
import { clampToSlice, type DragPoint, type DragTool } from './drag-tool';
import type { RubberBand } from './rubber-band';

/** Pointer moves closer than this to the last kept point (slice pixels) add nothing to the stroke. */
const MIN_STEP = 1;

export class ScribbleTool implements DragTool {
  private stroke: { ref: DragPoint['ref']; positive: boolean; points: { x: number; y: number }[]; css: { x: number; y: number }[] } | undefined;
  constructor(
    private readonly root: RootStore,
    private readonly band: RubberBand,
  ) {}

  begin(point: DragPoint, negative: boolean): boolean {
    this.stroke = { ref: point.ref, positive: !negative, points: [], css: [] };
    this.move(point);
    return true;
  }

  move(point: DragPoint): void {
    const stroke = this.stroke;
    const g = this.root.volume.geometry;
    if (stroke === undefined || g === undefined) return;
    const { width, height } = sliceGeometry(g.size, g.spacing, stroke.ref.axis);
    const at = clampToSlice(point.x, point.y, width, height);
    const last = stroke.points[stroke.points.length - 1];
    if (last !== undefined && Math.hypot(at.x - last.x, at.y - last.y) < MIN_STEP) return;
    stroke.points.push(at);
    stroke.css.push({ x: point.cssX, y: point.cssY });
    this.band.stroke(stroke.css, stroke.positive);
  }

  end(point: DragPoint | undefined): void {
    const stroke = this.stroke;
    if (stroke !== undefined && point !== undefined) this.move(point);
    this.stroke = undefined;
    this.band.clear();
    if (stroke === undefined || point === undefined || stroke.points.length === 0) return;
    void this.root.addPrompt(stroke.ref, { scribble: { points: stroke.points, positive: stroke.positive } });
  }
}
