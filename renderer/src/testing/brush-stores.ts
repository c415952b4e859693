/** Real segmentation and history stores over an empty 8 × 6 × 2 label map, for brush and eraser tests. */
import { runInAction } from 'mobx';
import type { VolumeGeometry } from '../../../electron/common/volume';
import { HistoryStore } from '../stores/history-store';
import { SegmentationStore } from '../stores/segmentation-store';
import type { BrushStores } from '../tools/brush-tool';

export const BRUSH_GEOMETRY: VolumeGeometry = { size: [8, 6, 2], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };

export interface BrushWorkspace extends BrushStores {
  readonly segmentation: SegmentationStore;
  readonly history: HistoryStore;
  readonly propagation: { running: boolean };
  readonly settings: { brushRadiusMm: number };
  /** The label at slice pixel (x, y) of axial slice `slice` (index axis 2). */
  labelAt(x: number, y: number, slice?: number): number | undefined;
}

export function brushWorkspace(): BrushWorkspace {
  const segmentation = new SegmentationStore();
  runInAction(() => {
    segmentation.reset(BRUSH_GEOMETRY);
  });
  const [w, h] = BRUSH_GEOMETRY.size;
  return {
    segmentation,
    history: new HistoryStore(segmentation),
    propagation: { running: false },
    // Under half a pixel: each dab is the one pixel under the pointer.
    settings: { brushRadiusMm: 0.4 },
    labelAt: (x, y, slice = 0) => segmentation.labels?.[x + w * (y + h * slice)],
  };
}
