/**
 * The loaded image. The voxel buffer is held by reference (never made observable); `version` counts
 * changes to its contents so views re-upload only when it moves.
 */
import { action, computed, makeObservable, observable, observableRef } from 'mobx';
import type { VolumeMeta } from '../../../electron/common/contract';
import {
  linearIndex,
  type Vec3,
  type VolumeGeometry,
  type VoxelArray,
} from '../../../electron/common/volume';
import type { LoadedVolume, OpeningPreview } from '../imaging/volume-message';

/** Whether two metas describe the same opened image: its id, grid, voxel type and range. */
export function sameImage(a: VolumeMeta, b: VolumeMeta): boolean {
  return (
    a.id === b.id &&
    a.componentType === b.componentType &&
    a.range[0] === b.range[0] &&
    a.range[1] === b.range[1] &&
    JSON.stringify(a.geometry) === JSON.stringify(b.geometry)
  );
}

export class VolumeStore {
  meta: VolumeMeta | undefined = undefined;
  voxels: VoxelArray | undefined = undefined;
  /** Set while an image's voxels are on their way: `meta` is its meta already, `voxels` undefined. */
  preview: OpeningPreview | undefined = undefined;
  /** Bumped whenever a new volume arrives or its voxels are changed in place. */
  version = 0;

  constructor() {
    makeObservable(this, {
      meta: observableRef,
      voxels: observableRef,
      preview: observableRef,
      version: observable,
      geometry: computed,
      loaded: computed,
      setVolume: action,
      showPreview: action,
      dropPreview: action,
      rebind: action,
      markModified: action,
    });
  }

  get geometry(): VolumeGeometry | undefined {
    return this.meta?.geometry;
  }

  get loaded(): boolean {
    return this.meta !== undefined && this.voxels !== undefined;
  }

  setVolume(volume: LoadedVolume): void {
    // The image a preview announced keeps the same meta object, so nothing that observes it starts over.
    if (this.preview === undefined || this.meta === undefined || !sameImage(this.meta, volume.meta)) this.meta = volume.meta;
    this.voxels = volume.voxels;
    this.preview = undefined;
    this.version++;
  }

  /** The image being opened, shown by its centre slices; tools wait for `setVolume` (`loaded`). */
  showPreview(preview: OpeningPreview): void {
    this.meta = preview.meta;
    this.voxels = undefined;
    this.preview = preview;
    this.version++;
  }

  /** The open that showed the preview of image `id` failed: no image is left open. */
  dropPreview(id: string): void {
    if (this.preview?.meta.id !== id) return;
    this.meta = undefined;
    this.preview = undefined;
    this.version++;
  }

  /**
   * The same image opened again by a restarted main (after a reconnect): only its id changes, and
   * only when its geometry is the one on screen. Returns whether it was taken.
   */
  rebind(meta: VolumeMeta): boolean {
    const current = this.meta;
    if (current === undefined || JSON.stringify(current.geometry) !== JSON.stringify(meta.geometry)) return false;
    this.meta = { ...current, id: meta.id };
    return true;
  }

  /** Call after writing into `voxels` in place. */
  markModified(): void {
    this.version++;
  }

  /** The voxel value at an integer index, or undefined outside the volume (observes `version`). */
  valueAt(index: Vec3): number | undefined {
    const g = this.geometry;
    const voxels = this.voxels;
    const _version = this.version; // observed, so callers re-run when voxels change in place
    if (g === undefined || voxels === undefined) return undefined;
    const [i, j, k] = index;
    if (i < 0 || j < 0 || k < 0 || i >= g.size[0] || j >= g.size[1] || k >= g.size[2]) return undefined;
    return voxels[linearIndex(g.size, i, j, k)];
  }
}
