/**
 * The eraser: the brush's gestures and radius, writing background. It clears the active segment
 * only (so it cannot wipe a neighbour by accident); with no active segment, any unlocked label.
 */
import { BrushTool, type BrushStores } from './brush-tool';

export function createEraserTool(stores: BrushStores): BrushTool {
  return new BrushTool(stores, true);
}
