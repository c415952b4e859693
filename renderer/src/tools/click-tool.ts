/**
 * The click tool: left click = positive click; Shift+left click, or a right click that does not
 * drag, = negative click. A right drag still changes window/level, as with every tool.
 */
import type { SliceRef } from '../../../electron/common/slice';
import type { Click } from '../stores/prompt-store';
import type { PromptInput } from './prompt-input';
import type { PressAnswer, SliceTool, ToolPointer } from './slice-tool';
import type { WindowTool } from './window-tool';

export class ClickTool implements SliceTool {
  constructor(
    private readonly input: Pick<PromptInput, 'send'>,
    private readonly window: WindowTool,
  ) {}

  press(p: ToolPointer): PressAnswer {
    if (p.button === 0) {
      this.clickAt(p, !p.shiftKey);
      return 'done';
    }
    if (p.button === 2) {
      this.window.begin(p, (at) => {
        this.clickAt(at, false);
      });
      return 'drag';
    }
    return 'pass';
  }

  // The only drag this tool starts is the right button's window drag.
  move(p: ToolPointer): void {
    this.window.move(p);
  }

  release(p: ToolPointer): void {
    this.window.release(p);
  }

  cancel(): void {
    this.window.cancel();
  }

  /** Adds a click to the prompt on `ref`. */
  add(ref: SliceRef, click: Click): Promise<void> {
    return this.input.send(ref, { click });
  }

  private clickAt(p: ToolPointer, positive: boolean): void {
    const point = p.point;
    if (point === undefined || !point.inside) return;
    void this.add(point.ref, { x: Math.round(point.x), y: Math.round(point.y), positive });
  }
}
