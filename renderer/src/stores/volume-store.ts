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
import type { LoadedVolume } from '../imaging/volume-message';

export class VolumeStore {
  meta: VolumeMeta | undefined = undefined;
  voxels: VoxelArray | undefined = undefined;
  /** Bumped whenever a new volume arrives or its voxels are changed in place. */
  version = 0;

  constructor() {
    makeObservable(this, {
      meta: observableRef,
      voxels: observableRef,
      version: observable,
      geometry: computed,
      loaded: computed,
      setVolume: action,
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
    this.meta = volume.meta;
    this.voxels = volume.voxels;
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
