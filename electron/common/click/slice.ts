/**
 * Slices of a volume for the click engine, as float32 images and label masks (the slice layout
 * itself is ../slice.ts).
 */
import { checkSliceIndex, readSlice, sliceGeometry, sliceLayout, type IndexAxis, type SliceGeometry } from '../slice';
import type { Volume } from '../volume';

/** The slice's voxel values as float32 (width × height, x fastest). */
export function extractSlice(volume: Volume, axis: IndexAxis, index: number): { data: Float32Array; geometry: SliceGeometry } {
  const { size, spacing } = volume.geometry;
  checkSliceIndex(size, axis, index);
  const geometry = sliceGeometry(size, spacing, axis);
  const data = readSlice(volume.voxels, sliceLayout(size, axis), index, new Float32Array(geometry.width * geometry.height));
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
