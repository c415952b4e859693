/**
 * The working segmentation: one label map in the image's geometry (held by reference, never made
 * observable; `version` counts changes to it) and the segment table. Every write to the voxels goes
 * through `paint` with the locked values, and comes back as a sparse diff for the history. Which
 * slices the user annotated (apart from what a model wrote) is kept beside the voxels, as the
 * seeds of the next propagation.
 */
import { action, computed, makeObservable, observable, observableRef } from 'mobx';
import type { Vec3, VolumeGeometry } from '../../../electron/common/volume';
import {
  applyDiff,
  countValues,
  EMPTY_DIFF,
  paint,
  updateCounts,
  type AnyLabelDiff,
  type LabelArray,
  type LabelDiff,
  type PaintOptions,
} from '../segmentation/paint';
import { isPacked } from '../../../electron/common/label-diff';
import { sliceLayout, type SliceRef } from '../../../electron/common/slice';
import { sliceMask, type SegmentSliceMask } from '../segmentation/slice-mask';
import { changeOfIndexRange, combineChanges, WHOLE_MAP, type LabelChange } from '../segmentation/label-change';
import { KNEE_PRESET, nextSegmentValue, paletteColor, type Rgb, type Segment } from '../segmentation/segments';
import { forgetLabel, NO_USER_SLICES, noteUserEdit, userSlicesOfLoadedMap, type UserSlices } from '../segmentation/user-slices';

export type { LabelChange } from '../segmentation/label-change';

export class SegmentationStore {
  geometry: VolumeGeometry | undefined = undefined;
  labels: LabelArray | undefined = undefined;
  /** Bumped on every change to the voxels (and when a new map arrives). */
  version = 0;
  /**
   * Where the voxels changed since the views last took it (see takeChange), so they re-upload only
   * the slices it reached; not observable: views react to `version`.
   */
  private pendingChange: LabelChange | undefined = WHOLE_MAP;
  segments: readonly Segment[] = [];
  activeValue: number | undefined = undefined;
  /** Slices the user annotated, per segment and axis (the undo history restores it with the voxels). */
  userSlices: UserSlices = NO_USER_SLICES;
  /** Voxel count per value, kept in step with the diffs (not observable; read with `version`). */
  private counts = new Map<number, number>();

  constructor() {
    makeObservable<SegmentationStore, 'counts' | 'pendingChange'>(this, {
      counts: false,
      pendingChange: false,
      geometry: observableRef,
      labels: observableRef,
      version: observable,
      segments: observableRef,
      activeValue: observable,
      userSlices: observableRef,
      setUserSlices: action,
      writeModel: action,
      active: computed,
      lockedValues: computed,
      visibleValues: computed,
      reset: action,
      replaceLabels: action,
      addSegment: action,
      ensureActive: action,
      applyKneePreset: action,
      setActive: action,
      updateSegment: action,
      setTable: action,
      removeSegment: action,
      write: action,
      applyDiff: action,
    });
  }

  get active(): Segment | undefined {
    return this.segments.find((s) => s.value === this.activeValue);
  }

  get lockedValues(): ReadonlySet<number> {
    return new Set(this.segments.filter((s) => s.locked).map((s) => s.value));
  }

  get visibleValues(): ReadonlySet<number> {
    return new Set(this.segments.filter((s) => s.visible).map((s) => s.value));
  }

  segment(value: number): Segment | undefined {
    return this.segments.find((s) => s.value === value);
  }

  /** Voxels holding `value` (observes `version`). */
  count(value: number): number {
    const _observed = this.version; // observed, so callers re-run when it moves
    return this.counts.get(value) ?? 0;
  }

  /** A new, empty label map for a newly opened image (the segment table is kept). */
  reset(geometry: VolumeGeometry): void {
    const [x, y, z] = geometry.size;
    this.geometry = geometry;
    this.labels = new Uint8Array(x * y * z);
    this.counts = new Map([[0, this.labels.length]]);
    this.userSlices = NO_USER_SLICES;
    this.pendingChange = WHOLE_MAP;
    this.version++;
  }

  /**
   * Replaces the label map by a buffer of the same geometry (widening to uint16 if it needs it),
   * adding rows for values the table lacks. The caller records the diff (see HistoryStore). Every
   * slice holding a label counts as annotated: how a loaded map was made is unknown.
   */
  replaceLabels(next: LabelArray, names: readonly { value: number; name: string; color: Rgb }[] = []): void {
    this.labels = next instanceof Uint16Array ? next : Uint8Array.from(next);
    this.counts = countValues(this.labels);
    if (this.geometry !== undefined) this.userSlices = userSlicesOfLoadedMap(this.labels, this.geometry.size);
    const table = [...this.segments];
    for (const value of [...this.counts.keys()].filter((v) => v !== 0).sort((a, b) => a - b)) {
      if (table.some((s) => s.value === value)) continue;
      const named = names.find((n) => n.value === value);
      table.push({
        value,
        name: named?.name ?? `Segment ${value}`,
        color: named?.color ?? paletteColor(value),
        visible: true,
        locked: false,
      });
    }
    this.segments = table.sort((a, b) => a.value - b.value);
    this.activeValue ??= this.segments[0]?.value;
    this.pendingChange = WHOLE_MAP;
    this.version++;
  }

  addSegment(name?: string, color?: Rgb): Segment | undefined {
    const max = this.labels instanceof Uint16Array ? 65535 : 255;
    const value = nextSegmentValue(this.segments, max);
    if (value === undefined) return undefined;
    const segment: Segment = {
      value,
      name: name ?? `Segment ${value}`,
      color: color ?? paletteColor(value),
      visible: true,
      locked: false,
    };
    this.segments = [...this.segments, segment].sort((a, b) => a.value - b.value);
    this.activeValue = value;
    return segment;
  }

  /** The active segment's value, adding a first segment when the table is empty (what a brush or a commit paints). */
  ensureActive(): number | undefined {
    if (this.active === undefined) {
      if (this.segments.length > 0) this.setActive(this.segments[0]?.value);
      else this.addSegment();
    }
    return this.activeValue;
  }

  /**
   * The active segment's pixels on `ref` (what a click model's prompt there starts from); none for a
   * locked segment (a commit cannot change it) or a hidden one (the user cannot see what would go).
   */
  activeSliceMask(ref: SliceRef): SegmentSliceMask | undefined {
    const { labels, geometry, active } = this;
    if (labels === undefined || geometry === undefined || active === undefined || active.locked || !active.visible) return undefined;
    const value = active.value;
    const { width, height } = sliceLayout(geometry.size, ref.axis);
    return { value, mask: sliceMask(labels, geometry.size, ref, value), width, height };
  }

  /** Femur, femoral cartilage, tibia, tibial cartilage (values 1–4); existing rows keep their state. */
  applyKneePreset(): void {
    const table = this.segments.filter((s) => !KNEE_PRESET.some((p) => p.value === s.value));
    for (const preset of KNEE_PRESET) {
      const existing = this.segment(preset.value);
      table.push(existing === undefined ? preset : { ...existing, name: preset.name, color: preset.color });
    }
    this.segments = table.sort((a, b) => a.value - b.value);
    this.activeValue = KNEE_PRESET[0]?.value;
  }

  setActive(value: number | undefined): void {
    this.activeValue = value;
  }

  updateSegment(value: number, change: Partial<Omit<Segment, 'value'>>): void {
    this.segments = this.segments.map((s) => (s.value === value ? { ...s, ...change } : s));
  }

  setTable(rows: readonly Segment[]): void {
    this.segments = [...rows].sort((a, b) => a.value - b.value);
  }

  /**
   * Deletes a segment's row and clears its voxels (even if it was locked: deleting is explicit).
   * Returns the diff of the cleared voxels.
   */
  removeSegment(value: number): LabelDiff {
    const labels = this.labels;
    let diff = EMPTY_DIFF;
    if (labels !== undefined) {
      const indices: number[] = [];
      for (let n = 0; n < labels.length; n++) if (labels[n] === value) indices.push(n);
      diff = this.write(indices, 0, { kind: 'all' }, {});
    }
    this.segments = this.segments.filter((s) => s.value !== value);
    this.userSlices = forgetLabel(this.userSlices, value);
    if (this.activeValue === value) this.activeValue = this.segments[0]?.value;
    return diff;
  }

  /**
   * Paints `value` at the linear indices, never over locked segments; returns the diff. A user's
   * edit on a slice marks that slice annotated for every label it changed.
   */
  write(indices: ArrayLike<number>, value: number, where: LabelChange, options?: PaintOptions): LabelDiff {
    const diff = this.paintCounted(indices, value, where, options ?? { locked: this.lockedValues });
    if (where.kind === 'slice' && diff.indices.length > 0) {
      const changed = new Set([...diff.before, value]);
      this.userSlices = noteUserEdit(this.userSlices, changed, where.ref.axis, where.ref.slice);
    }
    return diff;
  }

  /**
   * Writes model output (voxel indices per new value, see propagation-result.ts) through `paint`,
   * never over locked segments; the slices it touches stay model-made, not user-annotated. The
   * caller records the undo step (a propagation records its whole run as one) from the diffs
   * returned, one per value written.
   */
  writeModel(writes: ReadonlyMap<number, ArrayLike<number>>, where: LabelChange): LabelDiff[] {
    const locked = this.lockedValues;
    return [...writes].map(([value, indices]) => this.paintCounted(indices, value, where, { locked }));
  }

  setUserSlices(state: UserSlices): void {
    this.userSlices = state;
  }

  private paintCounted(indices: ArrayLike<number>, value: number, where: LabelChange, options: PaintOptions): LabelDiff {
    const labels = this.labels;
    if (labels === undefined) return EMPTY_DIFF;
    const diff = paint(labels, indices, value, options);
    if (diff.indices.length > 0) {
      updateCounts(this.counts, diff, 'forward');
      this.noteChange(where);
      this.version++;
    }
    return diff;
  }

  /** Undo (backward) or redo (forward) of a diff this store made. */
  applyDiff(diff: AnyLabelDiff, direction: 'forward' | 'backward'): void {
    const labels = this.labels;
    const size = this.geometry?.size;
    if (labels === undefined || size === undefined) return;
    const [first, last] = isPacked(diff) ? [diff.first, diff.last] : [diff.indices[0] ?? -1, diff.indices[diff.indices.length - 1] ?? -1];
    if (first < 0) return;
    applyDiff(labels, diff, direction);
    updateCounts(this.counts, diff, direction);
    this.noteChange(changeOfIndexRange(size, first, last));
    this.version++;
  }

  private noteChange(change: LabelChange): void {
    this.pendingChange = combineChanges(this.pendingChange, change);
  }

  /** Where the voxels changed since the last call (everything, the first time); the views' to call. */
  takeChange(): LabelChange {
    const change = this.pendingChange ?? WHOLE_MAP;
    this.pendingChange = undefined;
    return change;
  }

  /** The value at a voxel index (observes `version`). */
  valueAt(index: Vec3): number | undefined {
    const g = this.geometry;
    const labels = this.labels;
    const _observed = this.version; // observed, so callers re-run when it moves
    if (g === undefined || labels === undefined) return undefined;
    const [i, j, k] = index;
    if (i < 0 || j < 0 || k < 0 || i >= g.size[0] || j >= g.size[1] || k >= g.size[2]) return undefined;
    return labels[i + g.size[0] * (j + g.size[1] * k)];
  }
}
