/** Pointer records and a slice pane for tool tests: no DOM, a fixed camera, a recorded prompt shape. */
import type { SliceRef } from '../../../electron/common/slice';
import type { ViewAxis } from '../../../electron/common/volume';
import type { ViewCamera, Viewport } from '../geometry/camera';
import type { PromptShape, SlicePane, ToolPointer } from '../tools/slice-tool';

/** A 100 × 100 CSS-pixel view at 1 mm per pixel: CSS (50, 50) is world (0, 0, 0), x right, y up. */
export const TEST_VIEWPORT: Viewport = { width: 100, height: 100 };
export const TEST_CAMERA: ViewCamera = {
  focalPoint: [0, 0, 0],
  position: [0, 0, -100],
  viewUp: [0, 1, 0],
  right: [1, 0, 0],
  viewDirection: [0, 0, 1],
  parallelScale: 50,
  clippingRange: [1, 200],
};

/** What a tool drew, newest last. */
export type ShapeCall =
  | { readonly kind: 'rect'; readonly a: { x: number; y: number }; readonly b: { x: number; y: number } }
  | { readonly kind: 'stroke'; readonly points: readonly { x: number; y: number }[]; readonly positive: boolean }
  | { readonly kind: 'clear' };

export class RecordedShape implements PromptShape {
  readonly calls: ShapeCall[] = [];
  rect(a: { x: number; y: number }, b: { x: number; y: number }): void {
    this.calls.push({ kind: 'rect', a, b });
  }
  stroke(points: readonly { x: number; y: number }[], positive: boolean): void {
    this.calls.push({ kind: 'stroke', points: [...points], positive });
  }
  clear(): void {
    this.calls.push({ kind: 'clear' });
  }
}

/** A pane showing `view` with TEST_CAMERA, or with no camera yet (`sized: false`). */
export function testPane(view: ViewAxis = 'axial', { sized = true }: { sized?: boolean } = {}): SlicePane & { shape: RecordedShape } {
  return { view, camera: () => (sized ? TEST_CAMERA : undefined), viewport: () => TEST_VIEWPORT, shape: new RecordedShape() };
}

export interface PointerOptions {
  readonly button?: number;
  readonly shiftKey?: boolean;
  readonly css?: readonly [number, number];
  /** Slice pixels on `ref`; inside the slice unless `inside` says otherwise. Omitted: no slice point. */
  readonly at?: readonly [number, number];
  readonly ref?: SliceRef;
  readonly inside?: boolean;
}

/** A left-button pointer record over `pane`. */
export function pointer(pane: SlicePane, options: PointerOptions = {}): ToolPointer {
  const [cssX, cssY] = options.css ?? [50, 50];
  const at = options.at;
  return {
    pane,
    button: options.button ?? 0,
    shiftKey: options.shiftKey ?? false,
    cssX,
    cssY,
    point: at === undefined ? undefined : { ref: options.ref ?? { axis: 2, slice: 0 }, x: at[0], y: at[1], inside: options.inside ?? true },
  };
}
