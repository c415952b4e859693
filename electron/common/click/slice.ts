/**
 * 2D slices of a volume for the click engine. A slice normal to index axis `axis` (0 = i, 1 = j,
 * 2 = k) at index `index` spans the other two index axes in increasing order: slice x runs along
 * the lower one and slice y along the higher one (axis 2 → x = i, y = j; axis 1 → x = i, y = k;
 * axis 0 → x = j, y = k). Which index axis a view (axial/coronal/sagittal) cuts follows the
 * direction matrix: see `indexAxisForView` in ../volume.ts. The renderer maps its display
 * coordinates to these slice pixels (and flips, if it shows the slice flipped).
 */
import type { Vec3, Volume } from '../volume';

export type IndexAxis = 0 | 1 | 2;

export interface SliceGeometry {
  readonly width: number;
  readonly height: number;
  /** Index axes along slice x and y. */
  readonly xAxis: IndexAxis;
  readonly yAxis: IndexAxis;
  /** Millimetres per pixel along x and y. */
  readonly pixelSpacing: readonly [number, number];
}

export function sliceGeometry(size: Vec3, spacing: Vec3, axis: IndexAxis): SliceGeometry {
  const xAxis: IndexAxis = axis === 0 ? 1 : 0;
  const yAxis: IndexAxis = axis === 2 ? 1 : 2;
  return { width: size[xAxis], height: size[yAxis], xAxis, yAxis, pixelSpacing: [spacing[xAxis], spacing[yAxis]] };
}

/** Linear voxel index of slice pixel (x, y) and the stride between neighbours along x and y. */
function strides(size: Vec3, axis: IndexAxis, index: number): { base: number; sx: number; sy: number } {
  const stride: Vec3 = [1, size[0], size[0] * size[1]];
  const g = sliceGeometry(size, [1, 1, 1], axis);
  return { base: index * stride[axis], sx: stride[g.xAxis], sy: stride[g.yAxis] };
}

export function checkSliceIndex(size: Vec3, axis: IndexAxis, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= size[axis]) {
    throw new RangeError(`Slice ${index} does not exist: the volume has ${size[axis]} slices along index axis ${'ijk'[axis] ?? '?'}.`);
  }
}

/** The slice's voxel values as float32 (width × height, x fastest). */
export function extractSlice(volume: Volume, axis: IndexAxis, index: number): { data: Float32Array; geometry: SliceGeometry } {
  const { size, spacing } = volume.geometry;
  checkSliceIndex(size, axis, index);
  const geometry = sliceGeometry(size, spacing, axis);
  const { base, sx, sy } = strides(size, axis, index);
  const data = new Float32Array(geometry.width * geometry.height);
  const voxels = volume.voxels;
  for (let y = 0; y < geometry.height; y++) {
    const row = base + y * sy;
    for (let x = 0; x < geometry.width; x++) data[y * geometry.width + x] = voxels[row + x * sx] ?? 0;
  }
  return { data, geometry };
}

/** 1 where the label map's slice equals `label`, else 0. */
export function extractLabelMask(labels: Volume, axis: IndexAxis, index: number, label: number): Uint8Array {
  const { data } = extractSlice(labels, axis, index);
  const mask = new Uint8Array(data.length);
  for (let n = 0; n < data.length; n++) mask[n] = data[n] === label ? 1 : 0;
  return mask;
}

/** Number of voxels equal to `label` in each slice along `axis`. */
export function labelCountsPerSlice(labels: Volume, axis: IndexAxis, label: number): Int32Array {
  const { size } = labels.geometry;
  const counts = new Int32Array(size[axis]);
  const voxels = labels.voxels;
  let n = 0;
  for (let k = 0; k < size[2]; k++) {
    for (let j = 0; j < size[1]; j++) {
      for (let i = 0; i < size[0]; i++, n++) {
        if (voxels[n] === label) {
          const s = axis === 0 ? i : axis === 1 ? j : k;
          counts[s] = (counts[s] ?? 0) + 1;
        }
      }
    }
  }
  return counts;
}
