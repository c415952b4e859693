/**
 * Agreement between a working segmentation and a reference (ground truth), per segment value (pure):
 * Dice, IoU, sensitivity, PPV from voxel counts; HD95 in millimetres from surface distances with
 * anisotropic spacing (the larger of the two directed 95th percentiles, as MedPy and MONAI do).
 */
import type { Vec3 } from '../../../electron/common/volume';
import { squaredEdt3d } from './edt3d';

export interface OverlapMetrics {
  readonly value: number;
  /** Voxels in the working labels, in the reference, and in both. */
  readonly working: number;
  readonly reference: number;
  readonly both: number;
  /** NaN where undefined (e.g. Dice of two empty masks is reported as NaN, not 1). */
  readonly dice: number;
  readonly iou: number;
  readonly sensitivity: number;
  readonly ppv: number;
  /** Millimetres; NaN when either mask is empty. */
  readonly hd95: number;
}

type Labels = ArrayLike<number>;

function ratio(a: number, b: number): number {
  return b === 0 ? Number.NaN : a / b;
}

export function overlapCounts(working: Labels, reference: Labels, value: number): { working: number; reference: number; both: number } {
  let w = 0;
  let r = 0;
  let both = 0;
  for (let n = 0; n < working.length; n++) {
    const a = working[n] === value;
    const b = reference[n] === value;
    if (a) w++;
    if (b) r++;
    if (a && b) both++;
  }
  return { working: w, reference: r, both };
}

interface Box {
  lo: [number, number, number];
  hi: [number, number, number];
}

/** Bounding box of voxels equal to `value` in either map, or undefined if there are none. */
function unionBox(a: Labels, b: Labels, value: number, size: Vec3): Box | undefined {
  const lo: [number, number, number] = [Infinity, Infinity, Infinity];
  const hi: [number, number, number] = [-1, -1, -1];
  let n = 0;
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++)
      for (let i = 0; i < size[0]; i++, n++) {
        if (a[n] !== value && b[n] !== value) continue;
        if (i < lo[0]) lo[0] = i;
        if (j < lo[1]) lo[1] = j;
        if (k < lo[2]) lo[2] = k;
        if (i > hi[0]) hi[0] = i;
        if (j > hi[1]) hi[1] = j;
        if (k > hi[2]) hi[2] = k;
      }
  return hi[0] < 0 ? undefined : { lo, hi };
}

/** Surface voxels (inside, with a 6-neighbour outside or on the volume's edge) of a cropped mask. */
function surface(mask: Uint8Array, size: Vec3): Uint8Array {
  const [nx, ny, nz] = size;
  const out = new Uint8Array(mask.length);
  let n = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, n++) {
        if (mask[n] === 0) continue;
        const edge =
          (i === 0 || mask[n - 1] === 0 || i === nx - 1 || mask[n + 1] === 0) ||
          (ny > 1 && (j === 0 || mask[n - nx] === 0 || j === ny - 1 || mask[n + nx] === 0)) ||
          (nz > 1 && (k === 0 || mask[n - nx * ny] === 0 || k === nz - 1 || mask[n + nx * ny] === 0));
        if (edge) out[n] = 1;
      }
  return out;
}

function percentile95(values: Float64Array): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  // Linear interpolation between order statistics (numpy's default).
  const pos = 0.95 * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return (sorted[lo] ?? 0) + ((sorted[hi] ?? 0) - (sorted[lo] ?? 0)) * (pos - lo);
}

/** 95th-percentile Hausdorff distance (mm) between the `value` regions of two maps. */
export function hd95(working: Labels, reference: Labels, value: number, size: Vec3, spacing: Vec3): number {
  const box = unionBox(working, reference, value, size);
  if (box === undefined) return Number.NaN;
  // Pad by one voxel so surfaces at the box's edge are still surfaces of the crop (when inside the volume).
  const lo = box.lo.map((v) => Math.max(0, v - 1)) as [number, number, number];
  const hi = box.hi.map((v, a) => Math.min(size[a as 0 | 1 | 2] - 1, v + 1)) as [number, number, number];
  const crop: Vec3 = [hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1];
  const a = new Uint8Array(crop[0] * crop[1] * crop[2]);
  const b = new Uint8Array(a.length);
  let countA = 0;
  let countB = 0;
  let m = 0;
  for (let k = lo[2]; k <= hi[2]; k++)
    for (let j = lo[1]; j <= hi[1]; j++)
      for (let i = lo[0]; i <= hi[0]; i++, m++) {
        const n = i + size[0] * (j + size[1] * k);
        if (working[n] === value) {
          a[m] = 1;
          countA++;
        }
        if (reference[n] === value) {
          b[m] = 1;
          countB++;
        }
      }
  if (countA === 0 || countB === 0) return Number.NaN;
  const sa = surface(a, crop);
  const sb = surface(b, crop);
  const da = squaredEdt3d(sa, crop, spacing);
  const db = squaredEdt3d(sb, crop, spacing);
  const ab: number[] = [];
  const ba: number[] = [];
  for (let n = 0; n < sa.length; n++) {
    if (sa[n] === 1) ab.push(Math.sqrt(db[n] ?? 0));
    if (sb[n] === 1) ba.push(Math.sqrt(da[n] ?? 0));
  }
  return Math.max(percentile95(Float64Array.from(ab)), percentile95(Float64Array.from(ba)));
}

export function overlapMetrics(
  working: Labels,
  reference: Labels,
  value: number,
  size: Vec3,
  spacing: Vec3,
  withHd95 = true,
): OverlapMetrics {
  const c = overlapCounts(working, reference, value);
  return {
    value,
    ...c,
    dice: ratio(2 * c.both, c.working + c.reference),
    iou: ratio(c.both, c.working + c.reference - c.both),
    sensitivity: ratio(c.both, c.reference),
    ppv: ratio(c.both, c.working),
    hd95: withHd95 ? hd95(working, reference, value, size, spacing) : Number.NaN,
  };
}

/** Per slice along one axis: voxels that disagree, and the counts behind a Dice over the values. */
export interface SliceErrors {
  /** Voxels where the maps hold different values, one of them in the values. */
  readonly falseVoxels: Int32Array;
  /** Voxels in the values in the working map, in the reference, and where both hold the same one. */
  readonly working: Int32Array;
  readonly reference: Int32Array;
  readonly agree: Int32Array;
}

/**
 * Disagreement per slice along index axis `axis`, over the segment values `values` (every non-zero
 * value when absent): false voxels and the counts of a multi-label Dice, 2·agree / (working + reference).
 */
export function errorsPerSlice(working: Labels, reference: Labels, size: Vec3, axis: 0 | 1 | 2, values?: ReadonlySet<number>): SliceErrors {
  const out = { falseVoxels: new Int32Array(size[axis]), working: new Int32Array(size[axis]), reference: new Int32Array(size[axis]), agree: new Int32Array(size[axis]) };
  const counted = (v: number): boolean => v !== 0 && (values === undefined || values.has(v));
  let n = 0;
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++)
      for (let i = 0; i < size[0]; i++, n++) {
        const a = working[n] ?? 0;
        const b = reference[n] ?? 0;
        const inA = counted(a);
        const inB = counted(b);
        if (!inA && !inB) continue;
        const s = axis === 0 ? i : axis === 1 ? j : k;
        if (inA) out.working[s] = (out.working[s] ?? 0) + 1;
        if (inB) out.reference[s] = (out.reference[s] ?? 0) + 1;
        if (a === b) out.agree[s] = (out.agree[s] ?? 0) + 1;
        else out.falseVoxels[s] = (out.falseVoxels[s] ?? 0) + 1;
      }
  return out;
}

export interface RankedSliceError {
  readonly slice: number;
  /** False voxels on the slice. */
  readonly voxels: number;
  /** Dice of the slice over the values (0 when one map is empty there). */
  readonly dice: number;
}

/**
 * Slices by error, worst first: lowest Dice, then most false voxels; slices with fewer than
 * `minVoxels` false voxels are left out (a stray voxel at an object's end is not worth a visit).
 * At most `limit`.
 */
export function rankSlices(errors: SliceErrors, limit = 20, minVoxels = 3): RankedSliceError[] {
  const out: RankedSliceError[] = [];
  errors.falseVoxels.forEach((voxels, slice) => {
    if (voxels < minVoxels) return;
    const total = (errors.working[slice] ?? 0) + (errors.reference[slice] ?? 0);
    out.push({ slice, voxels, dice: total === 0 ? 1 : (2 * (errors.agree[slice] ?? 0)) / total });
  });
  out.sort((a, b) => a.dice - b.dice || b.voxels - a.voxels || a.slice - b.slice);
  return out.slice(0, limit);
}
