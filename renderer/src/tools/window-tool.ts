/**
 * Window/level, shared by every tool: right drag changes the window (horizontal) and the level
 * (vertical). The click tool starts the same drag with a tap action, so a right click that barely
 * moves is a negative click instead.
 */
import { dragWindowLevel, type WindowLevel } from '../../../electron/common/window-level';
import type { PressAnswer, SliceTool, ToolPointer } from './slice-tool';

/** A drag that moves less than this (CSS pixels) is a tap, where the drag was started with a tap action. */
export const TAP_SLOP = 4;

/** Where the window/level lives (UiStore). */
export interface WindowLevelTarget {
  readonly windowLevel: WindowLevel;
  setWindowLevel(wl: WindowLevel): void;
}

/** The image whose intensity range scales the drag (VolumeStore). */
export interface IntensitySource {
  readonly meta: { readonly range: readonly [number, number] } | undefined;
}

interface WindowDrag {
  readonly x: number;
  readonly y: number;
  readonly start: WindowLevel;
  readonly onTap: ((at: ToolPointer) => void) | undefined;
  moved: boolean;
}

export class WindowTool implements SliceTool {
  private drag: WindowDrag | undefined;

  constructor(
    private readonly ui: WindowLevelTarget,
    private readonly volume: IntensitySource,
  ) {}

  press(p: ToolPointer): PressAnswer {
    if (p.button !== 2) return 'pass';
    this.begin(p);
    return 'drag';
  }

  /** Starts a window drag at `p`; with `onTap`, a release within TAP_SLOP of the start calls it instead. */
  begin(p: ToolPointer, onTap?: (at: ToolPointer) => void): void {
    this.drag = { x: p.cssX, y: p.cssY, start: this.ui.windowLevel, onTap, moved: false };
  }

  move(p: ToolPointer): void {
    const drag = this.drag;
    if (drag === undefined) return;
    const dx = p.cssX - drag.x;
    const dy = p.cssY - drag.y;
    if (drag.onTap !== undefined && !drag.moved && Math.hypot(dx, dy) < TAP_SLOP) return;
    drag.moved = true;
    this.ui.setWindowLevel(dragWindowLevel(drag.start, dx, dy, this.volume.meta?.range ?? [0, 1]));
  }

  release(p: ToolPointer): void {
    const drag = this.drag;
    this.drag = undefined;
    if (drag?.onTap !== undefined && !drag.moved) drag.onTap(p);
  }

  cancel(): void {
    this.drag = undefined;
  }
}
