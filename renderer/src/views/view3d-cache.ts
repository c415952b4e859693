/**
 * The surface worker's state: the label map it last meshed. A map of another geometry starts over
 * (every present segment is rebuilt).
 */
import { compareGeometry } from '../../../electron/common/geometry-compare';
import type { VolumeGeometry } from '../../../electron/common/volume';
import type { LabelArray } from '../segmentation/paint';
import type { SegmentMesh } from './view3d-protocol';
import { changedValues, rebuildSurfaces, type SmoothingOptions } from './view3d-surfaces';

export interface SurfaceChanges {
  readonly meshes: SegmentMesh[];
  readonly removed: number[];
  readonly workerMs: number;
}

export class SurfaceCache {
  private previous: { geometry: VolumeGeometry; labels: LabelArray } | undefined;

  constructor(private readonly smoothing?: SmoothingOptions) {}

  update(geometry: VolumeGeometry, labels: LabelArray): SurfaceChanges {
    const started = performance.now();
    const same = this.previous !== undefined && compareGeometry(this.previous.geometry, geometry).length === 0;
    const changed = changedValues(same ? this.previous?.labels : undefined, labels);
    if (!same && this.previous !== undefined) {
      // A new image: everything meshed before goes, whatever its value.
      for (const value of changedValues(undefined, this.previous.labels)) changed.add(value);
    }
    const { meshes, removed } = rebuildSurfaces(labels, geometry, changed, this.smoothing);
    this.previous = { geometry, labels };
    return {
      meshes: [...meshes].map(([value, mesh]) => ({ value, ...mesh })),
      removed: [...removed],
      workerMs: performance.now() - started,
    };
  }
}
