/**
 * Display state shared by the views: the cursor (one point, in index and world space), the slice
 * each view shows through it, window/level, layout, and each view's zoom and pan. Nothing here
 * touches the segmentation data.
 */
import { action, computed, makeObservable, observable, observableRef } from 'mobx';
import {
  indexToWorld,
  VIEW_AXES,
  type Vec3,
  type ViewAxis,
  type VolumeGeometry,
} from '../../../electron/common/volume';
import { FIT, type ViewZoomPan } from '../geometry/camera';
import { centreIndex, pickIndex, roundIndex, sliceOf, stepSlice, withSlice } from '../geometry/slice';
import { viewFrame, type ViewFrame } from '../geometry/view-frame';
import {
  histogram,
  imageModality,
  presetValue,
  type Histogram,
  type Modality,
  type PresetId,
  type WindowLevel,
} from '../../../electron/common/window-level';
import type { VolumeStore } from './volume-store';

/** 'three-3d': the three slice views and the 3D view; '3d': the 3D view alone. */
export type Layout = 'three-up' | ViewAxis | 'three-3d' | '3d';
export const LAYOUTS: readonly Layout[] = ['three-up', 'axial', 'sagittal', 'coronal', 'three-3d', '3d'];

/** Whether a layout shows the 3D view. */
export function shows3d(layout: Layout): boolean {
  return layout === 'three-3d' || layout === '3d';
}

type PerView<T> = Readonly<Record<ViewAxis, T>>;

function perView<T>(make: (view: ViewAxis) => T): PerView<T> {
  return { axial: make('axial'), sagittal: make('sagittal'), coronal: make('coronal') };
}

const UNIT_WINDOW: WindowLevel = { window: 1, level: 0.5 };

export class UiStore {
  /** The cursor in continuous index coordinates; its slice coordinates are always whole numbers. */
  cursorIndex: Vec3 = [0, 0, 0];
  /** The voxel under the mouse pointer, or undefined when the pointer is off the image. */
  pointerIndex: Vec3 | undefined = undefined;
  windowLevel: WindowLevel = UNIT_WINDOW;
  /** The volume's robust (1st–99th percentile) setting, for the "auto" preset. */
  autoWindowLevel: WindowLevel = UNIT_WINDOW;
  preset: PresetId | 'custom' = 'auto';
  layout: Layout = 'three-up';
  /** The view keyboard scrolling goes to: the one under the pointer, or the last one used. */
  activeView: ViewAxis = 'axial';
  zoomPan: PerView<ViewZoomPan> = perView(() => FIT);
  private histogramFor: { readonly version: number; readonly histogram: Histogram } | undefined;
  /** The help overlay (every gesture and shortcut) is shown. */
  helpOpen = false;

  constructor(private readonly volume: VolumeStore) {
    makeObservable<UiStore, 'volume' | 'histogramFor'>(this, {
      volume: false,
      histogramFor: false,
      cursorIndex: observableRef,
      pointerIndex: observableRef,
      setPointerIndex: action,
      windowLevel: observableRef,
      autoWindowLevel: observableRef,
      preset: observable,
      layout: observable,
      activeView: observable,
      zoomPan: observableRef,
      helpOpen: observable,
      setHelpOpen: action,
      frames: computed,
      cursorVoxel: computed,
      cursorWorld: computed,
      slices: computed,
      visibleViews: computed,
      modality: computed,
      resetForVolume: action,
      resetView: action,
      setCursorIndex: action,
      pickAt: action,
      scroll: action,
      setSlice: action,
      setWindowLevel: action,
      applyPreset: action,
      setLayout: action,
      setActiveView: action,
      setZoomPan: action,
      resetZoomPan: action,
    });
  }

  private get geometry(): VolumeGeometry | undefined {
    return this.volume.geometry;
  }

  /** How each view sits on screen, from the volume's direction matrix. */
  get frames(): PerView<ViewFrame> | undefined {
    const g = this.geometry;
    if (g === undefined) return undefined;
    return perView((view) => viewFrame(g.direction, view));
  }

  /** The voxel the cursor is in. */
  get cursorVoxel(): Vec3 {
    const g = this.geometry;
    return g === undefined ? [0, 0, 0] : roundIndex(g, this.cursorIndex);
  }

  get cursorWorld(): Vec3 {
    const g = this.geometry;
    return g === undefined ? [0, 0, 0] : indexToWorld(g, this.cursorIndex);
  }

  /** The slice each view shows: the one through the cursor. */
  get slices(): PerView<number> {
    const g = this.geometry;
    const frames = this.frames;
    return perView((view) =>
      g === undefined || frames === undefined ? 0 : sliceOf(g, this.cursorIndex, frames[view].normalAxis),
    );
  }

  sliceCount(view: ViewAxis): number {
    const g = this.geometry;
    const frame = this.frames?.[view];
    return g === undefined || frame === undefined ? 0 : g.size[frame.normalAxis];
  }

  /** The slice views the layout shows. */
  get visibleViews(): readonly ViewAxis[] {
    if (this.layout === 'three-up' || this.layout === 'three-3d') return VIEW_AXES;
    if (this.layout === '3d') return [];
    return [this.layout];
  }

  /** A new volume: cursor to its centre voxel, window/level to its automatic setting, views fitted. */
  resetForVolume(g: VolumeGeometry, auto: WindowLevel): void {
    this.cursorIndex = centreIndex(g);
    this.autoWindowLevel = auto;
    this.windowLevel = auto;
    this.preset = 'auto';
    this.zoomPan = perView(() => FIT);
  }

  /** "Reset view": every view fitted again, cursor to the centre, automatic window/level. */
  resetView(g: VolumeGeometry): void {
    this.cursorIndex = centreIndex(g);
    this.zoomPan = perView(() => FIT);
    this.windowLevel = this.autoWindowLevel;
    this.preset = 'auto';
  }

  setPointerIndex(index: Vec3 | undefined): void {
    const same = index !== undefined && this.pointerIndex !== undefined && index.every((v, n) => v === this.pointerIndex?.[n]);
    if (!same) this.pointerIndex = index;
  }

  setCursorIndex(index: Vec3): void {
    this.cursorIndex = index;
  }

  /** A click at `world` in `view`: moves the cursor in that view's plane; the slice stays. */
  pickAt(view: ViewAxis, world: Vec3): void {
    const g = this.geometry;
    const frame = this.frames?.[view];
    if (g === undefined || frame === undefined) return;
    this.cursorIndex = pickIndex(g, this.cursorIndex, world, frame.normalAxis);
    this.activeView = view;
  }

  /** Scrolls `view` by `steps` slices; positive steps go "forward" (superior, anterior, left). */
  scroll(view: ViewAxis, steps: number): void {
    const g = this.geometry;
    const frame = this.frames?.[view];
    if (g === undefined || frame === undefined || steps === 0) return;
    this.cursorIndex = stepSlice(g, this.cursorIndex, frame.normalAxis, steps * frame.forwardSign);
  }

  setSlice(view: ViewAxis, slice: number): void {
    const g = this.geometry;
    const frame = this.frames?.[view];
    if (g === undefined || frame === undefined) return;
    this.cursorIndex = withSlice(g, this.cursorIndex, frame.normalAxis, slice);
  }

  setWindowLevel(wl: WindowLevel, preset: PresetId | 'custom' = 'custom'): void {
    this.windowLevel = wl;
    this.preset = preset;
  }

  /** Which window/level presets the image gets (see imageModality). */
  get modality(): Modality {
    const meta = this.volume.meta;
    return imageModality(meta?.modality, meta?.range ?? [0, 1]);
  }

  applyPreset(id: PresetId): void {
    const range = this.volume.meta?.range ?? [0, 1];
    this.setWindowLevel(presetValue(id, this.autoWindowLevel, range, this.histogram()), id);
  }

  /** The voxels' histogram for percentile presets, made once per volume version. */
  private histogram(): Histogram | undefined {
    const { voxels, meta, version } = this.volume;
    if (voxels === undefined || meta === undefined) return undefined;
    if (this.histogramFor?.version !== version) this.histogramFor = { version, histogram: histogram(voxels, meta.range) };
    return this.histogramFor.histogram;
  }

  setLayout(layout: Layout): void {
    this.layout = layout;
  }

  setActiveView(view: ViewAxis): void {
    this.activeView = view;
  }

  setZoomPan(view: ViewAxis, zp: ViewZoomPan): void {
    this.zoomPan = { ...this.zoomPan, [view]: zp };
  }

  setHelpOpen(open: boolean): void {
    this.helpOpen = open;
  }

  resetZoomPan(view: ViewAxis): void {
    this.setZoomPan(view, FIT);
  }
}
