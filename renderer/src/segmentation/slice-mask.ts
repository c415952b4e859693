/**
 * Slices of the label map for the page's tools: masks, the disks and strokes a brush paints, a
 * slice's values (the slice layout and pixel ↔ voxel maps are electron/common/slice.ts).
 */
import { readSlice, sliceGeometry, sliceLayout, type IndexAxis, type SliceGeometry, type SliceRef } from '../../../electron/common/slice';
import type { Vec3 } from '../../../electron/common/volume';
import type { LabelArray } from './paint';

/** One segment's pixels on one slice (width × height, x fastest; 1 inside). */
export interface SegmentSliceMask {
  readonly value: number;
  readonly mask: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** 1 where the slice holds `value`, else 0 (width × height, x fastest). */
export function sliceMask(labels: LabelArray, size: Vec3, ref: SliceRef, value: number): Uint8Array {
  const layout = sliceLayout(size, ref.axis);
  const out = readSlice(labels, layout, ref.slice, new Uint8Array(layout.width * layout.height));
  for (let n = 0; n < out.length; n++) out[n] = out[n] === value ? 1 : 0;
  return out;
}

/**
 * Slice pixels within `radiusMm` of the pixel centre (cx, cy) (continuous slice coordinates),
 * respecting anisotropic pixel spacing; at least the pixel under the centre.
 */
export function diskPixels(
  size: Vec3,
  spacing: Vec3,
  axis: IndexAxis,
  cx: number,
  cy: number,
  radiusMm: number,
): number[] {
  const g = sliceGeometry(size, spacing, axis);
  const [sx, sy] = g.pixelSpacing;
  const rx = Math.ceil(radiusMm / sx);
  const ry = Math.ceil(radiusMm / sy);
  const x0 = Math.round(cx);
  const y0 = Math.round(cy);
  const out: number[] = [];
  for (let y = y0 - ry; y <= y0 + ry; y++) {
    if (y < 0 || y >= g.height) continue;
    for (let x = x0 - rx; x <= x0 + rx; x++) {
      if (x < 0 || x >= g.width) continue;
      const dx = (x - cx) * sx;
      const dy = (y - cy) * sy;
      if (dx * dx + dy * dy <= radiusMm * radiusMm || (x === x0 && y === y0)) out.push(y * g.width + x);
    }
  }
  return out;
}

/** Pixels of a disk swept from (ax, ay) to (bx, by), so a fast drag leaves no gaps. */
export function strokePixels(
  size: Vec3,
  spacing: Vec3,
  axis: IndexAxis,
  from: readonly [number, number],
  to: readonly [number, number],
  radiusMm: number,
): number[] {
  const g = sliceGeometry(size, spacing, axis);
  const stepMm = Math.max(1e-3, Math.min(g.pixelSpacing[0], g.pixelSpacing[1], radiusMm) / 2);
  const lengthMm = Math.hypot((to[0] - from[0]) * g.pixelSpacing[0], (to[1] - from[1]) * g.pixelSpacing[1]);
  const steps = Math.max(1, Math.ceil(lengthMm / stepMm));
  const seen = new Set<number>();
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    for (const n of diskPixels(size, spacing, axis, from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t, radiusMm))
      seen.add(n);
  }
  return [...seen];
}

/** The label values of one slice (width × height, x fastest) and its geometry in millimetres. */
export function sliceValues(labels: LabelArray, size: Vec3, spacing: Vec3, ref: SliceRef): { values: Uint16Array; geometry: SliceGeometry } {
  const geometry = sliceGeometry(size, spacing, ref.axis);
  const values = readSlice(labels, sliceLayout(size, ref.axis), ref.slice, new Uint16Array(geometry.width * geometry.height));
  return { values, geometry };
}
