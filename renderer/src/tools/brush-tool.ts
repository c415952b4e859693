/**
 * The brush (and, with `erase`, the eraser): a left drag paints disks of the brush radius (mm)
 * along the pointer's path on the slice the stroke started on. The whole stroke is one undo step:
 * its dabs are recorded in one history group, begun at the press and ended at the release.
 * Shift+left is left to navigation (pan).
 */
import { slicePixelToIndex, type SliceRef } from '../../../electron/common/slice';
import { runInAction } from 'mobx';
import { diskPixels, strokePixels } from '../segmentation/slice-mask';
import type { HistoryStore } from '../stores/history-store';
import type { SegmentationStore } from '../stores/segmentation-store';
import type { PressAnswer, SliceTool, ToolPointer } from './slice-tool';

/** The stores a stroke reads and writes. */
export interface BrushStores {
  readonly segmentation: Pick<SegmentationStore, 'geometry' | 'activeValue' | 'lockedValues' | 'segment' | 'ensureActive' | 'write'>;
  readonly history: Pick<HistoryStore, 'beginGroup' | 'endGroup' | 'record'>;
  /** A running propagation owns the labels until its one step is recorded. */
  readonly propagation: { readonly running: boolean };
  /** ToolStore: the radius in millimetres. */
  readonly settings: { readonly brushRadiusMm: number };
}

/** A stroke in progress: what it writes, and the history group its dabs go to. */
interface Stroke {
  readonly value: number;
  readonly name: string;
}

/** The pointer side of a stroke: the slice it paints on and the last dab's centre (slice pixels). */
interface StrokeDrag {
  readonly ref: SliceRef;
  last: readonly [number, number];
}

export class BrushTool implements SliceTool {
  private stroke: Stroke | undefined;
  private drag: StrokeDrag | undefined;

  constructor(
    private readonly stores: BrushStores,
    readonly erase: boolean,
  ) {}

  /** A stroke is in progress (undo and redo wait for it). */
  get stroking(): boolean {
    return this.stroke !== undefined;
  }

  press(p: ToolPointer): PressAnswer {
    if (p.button !== 0 || p.shiftKey) return 'pass';
    const point = p.point;
    if (point === undefined || !this.beginStroke()) return 'ignore';
    const at = [point.x, point.y] as const;
    this.drag = { ref: point.ref, last: at };
    this.dab(point.ref, at, at);
    return 'drag';
  }

  move(p: ToolPointer): void {
    const drag = this.drag;
    const point = p.point;
    if (drag === undefined || point === undefined) return;
    const at = [point.x, point.y] as const;
    this.dab(drag.ref, drag.last, at);
    drag.last = at;
  }

  release(): void {
    this.cancel();
  }

  /** A cancelled stroke keeps what it painted, as one step. */
  cancel(): void {
    this.drag = undefined;
    this.endStroke();
  }

  /** Starts a stroke (one undo step); false while a propagation runs or no segment can be painted. */
  beginStroke(): boolean {
    const { segmentation, history, propagation } = this.stores;
    if (propagation.running) return false;
    return runInAction(() => {
      const value = this.erase ? segmentation.activeValue ?? 0 : segmentation.ensureActive();
      if (value === undefined) return false;
      const name = `${this.erase ? 'Erase' : 'Brush'} ${segmentation.segment(value)?.name ?? 'labels'}`;
      this.stroke = { value, name };
      history.beginGroup(name);
      return true;
    });
  }

  /** Paints (or erases) slice pixels of `ref` as part of the current stroke. */
  paintPixels(ref: SliceRef, pixels: readonly number[]): void {
    const stroke = this.stroke;
    const { segmentation, history } = this.stores;
    const g = segmentation.geometry;
    if (stroke === undefined || g === undefined) return;
    const indices = pixels.map(slicePixelToIndex(g.size, ref));
    runInAction(() => {
      const locked = segmentation.lockedValues;
      // The eraser clears the active segment only (so it cannot wipe a neighbour by accident);
      // with no active segment it clears any unlocked label.
      const options = this.erase ? { locked, ...(stroke.value === 0 ? {} : { onlyOver: new Set([stroke.value]) }) } : { locked };
      const diff = segmentation.write(indices, this.erase ? 0 : stroke.value, { kind: 'slice', ref }, options);
      history.record(stroke.name, diff);
    });
  }

  /** Ends the stroke: its dabs become one undo step. */
  endStroke(): void {
    const stroke = this.stroke;
    this.stroke = undefined;
    if (stroke === undefined) return;
    runInAction(() => {
      this.stores.history.endGroup();
    });
  }

  /** Forgets a stroke in progress without ending its group (a new image clears the history anyway). */
  reset(): void {
    this.stroke = undefined;
    this.drag = undefined;
  }

  /** One disk, or the swept disks from `from` to `to`, of the brush radius. */
  private dab(ref: SliceRef, from: readonly [number, number], to: readonly [number, number]): void {
    const g = this.stores.segmentation.geometry;
    if (g === undefined) return;
    const radius = this.stores.settings.brushRadiusMm;
    const pixels =
      from[0] === to[0] && from[1] === to[1]
        ? diskPixels(g.size, g.spacing, ref.axis, to[0], to[1], radius)
        : strokePixels(g.size, g.spacing, ref.axis, from, to, radius);
    this.paintPixels(ref, pixels);
  }
}
