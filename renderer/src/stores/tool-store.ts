/** Annotation display and tool state (UI only): the active tool, brush size, overlay look. */
import { action, makeObservable, observable } from 'mobx';

export type Tool = 'navigate' | 'click' | 'brush' | 'eraser' | 'box' | 'scribble';
export const TOOLS: readonly Tool[] = ['navigate', 'click', 'brush', 'eraser', 'box', 'scribble'];
export type OverlayMode = 'fill' | 'outline';

export const MIN_BRUSH_MM = 0.25;
export const MAX_BRUSH_MM = 50;

export class ToolStore {
  tool: Tool = 'navigate';
  /** Brush and eraser radius in millimetres. */
  brushRadiusMm = 3;
  overlayMode: OverlayMode = 'fill';
  /** Opacity of the working labels' fill (0–1). */
  opacity = 0.5;
  showLabels = true;
  showReference = true;

  constructor() {
    makeObservable(this, {
      tool: observable,
      brushRadiusMm: observable,
      overlayMode: observable,
      opacity: observable,
      showLabels: observable,
      showReference: observable,
      setTool: action,
      setBrushRadius: action,
      setOverlayMode: action,
      setOpacity: action,
      setShowLabels: action,
      setShowReference: action,
    });
  }

  setTool(tool: Tool): void {
    this.tool = tool;
  }

  setBrushRadius(mm: number): void {
    if (!Number.isFinite(mm)) return;
    this.brushRadiusMm = Math.min(MAX_BRUSH_MM, Math.max(MIN_BRUSH_MM, mm));
  }

  setOverlayMode(mode: OverlayMode): void {
    this.overlayMode = mode;
  }

  setOpacity(opacity: number): void {
    if (!Number.isFinite(opacity)) return;
    this.opacity = Math.min(1, Math.max(0, opacity));
  }

  setShowLabels(show: boolean): void {
    this.showLabels = show;
  }

  setShowReference(show: boolean): void {
    this.showReference = show;
  }
}
