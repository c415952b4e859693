/**
 * Every slice-view tool, one object each, made once for the page (RootStore composes it). A press
 * goes to the active tool first, then to the gestures every tool shares: window/level (right drag)
 * and navigation (left drag to move the cursor where the tool leaves it, middle or Shift drag to pan).
 */
import type { Tool } from '../stores/tool-store';
import { BrushTool, type BrushStores } from './brush-tool';
import { BoxTool } from './box-tool';
import { ClickTool } from './click-tool';
import { createEraserTool } from './eraser-tool';
import { NavigateTool, type NavigationTarget } from './navigate-tool';
import { PromptInput, type PromptStores } from './prompt-input';
import { ScribbleTool } from './scribble-tool';
import type { GeometrySource, SliceTool, ToolPointer } from './slice-tool';
import { WindowTool, type IntensitySource, type WindowLevelTarget } from './window-tool';

/** What the tools read and write, as the root store's members. */
export interface ToolboxStores extends PromptStores, Omit<BrushStores, 'settings'> {
  readonly ui: NavigationTarget & WindowLevelTarget;
  readonly volume: PromptStores['volume'] & IntensitySource & GeometrySource;
  readonly tools: BrushStores['settings'] & { readonly tool: Tool };
}

export class Toolbox {
  readonly navigate: NavigateTool;
  readonly window: WindowTool;
  readonly click: ClickTool;
  readonly brush: BrushTool;
  readonly eraser: BrushTool;
  readonly box: BoxTool;
  readonly scribble: ScribbleTool;
  private readonly byTool: Readonly<Record<Tool, SliceTool>>;

  constructor(private readonly stores: ToolboxStores) {
    const input = new PromptInput(stores);
    const brushStores: BrushStores = { segmentation: stores.segmentation, history: stores.history, propagation: stores.propagation, settings: stores.tools };
    this.navigate = new NavigateTool(stores.ui);
    this.window = new WindowTool(stores.ui, stores.volume);
    this.click = new ClickTool(input, this.window);
    this.brush = new BrushTool(brushStores, false);
    this.eraser = createEraserTool(brushStores);
    this.box = new BoxTool(stores.volume, input);
    this.scribble = new ScribbleTool(stores.volume, input);
    this.byTool = {
      navigate: this.navigate,
      click: this.click,
      brush: this.brush,
      eraser: this.eraser,
      box: this.box,
      scribble: this.scribble,
    };
  }

  /** The tools a press is offered to, in order: the active one, then the shared gestures. */
  get pressOrder(): readonly SliceTool[] {
    const active = this.byTool[this.stores.tools.tool];
    return active === this.navigate ? [active, this.window] : [active, this.window, this.navigate];
  }

  /**
   * Offers a press to the tools in order; returns the one that handled it (`done`) or started a
   * drag (`drag`), or undefined when none took it or the taker ignores it.
   */
  press(pointer: ToolPointer): { readonly tool: SliceTool; readonly answer: 'done' | 'drag' } | undefined {
    for (const tool of this.pressOrder) {
      const answer = tool.press(pointer);
      if (answer === 'pass') continue;
      return answer === 'ignore' ? undefined : { tool, answer };
    }
    return undefined;
  }

  /** A brush or eraser stroke is in progress (undo and redo wait for it). */
  get stroking(): boolean {
    return this.brush.stroking || this.eraser.stroking;
  }

  /** A new image: strokes in progress are forgotten. */
  reset(): void {
    this.brush.reset();
    this.eraser.reset();
  }
}
