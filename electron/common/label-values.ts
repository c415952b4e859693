/**
 * Label maps are stored as the narrowest unsigned type that holds their largest value. Files from
 * other tools often use int16 or even float32 for a 0/1 mask (the spine cord mask in the shared
 * data is float32), so any buffer is accepted as long as every value is an integer in 0–65535.
 */
import type { VoxelArray } from './volume';

export const MAX_LABEL_VALUE = 65535;

export type LabelVoxels =
  | { readonly componentType: 'uint8'; readonly voxels: Uint8Array }
  | { readonly componentType: 'uint16'; readonly voxels: Uint16Array };

/** The labels in uint8 or uint16, or a phrase saying which value makes that impossible. */
export function narrowLabelVoxels(voxels: VoxelArray): LabelVoxels | { readonly problem: string } {
  if (voxels instanceof Uint8Array) return { componentType: 'uint8', voxels };
  let max = 0;
  for (let n = 0; n < voxels.length; n++) {
    const v = voxels[n] ?? 0;
    if (!Number.isInteger(v)) return { problem: `it holds the non-integer value ${v}` };
    if (v < 0) return { problem: `it holds the negative value ${v}` };
    if (v > max) max = v;
  }
  if (max > MAX_LABEL_VALUE)
    return { problem: `it holds the value ${max}, above the largest label ${MAX_LABEL_VALUE}` };
  if (max <= 255) return { componentType: 'uint8', voxels: Uint8Array.from(voxels) };
  return {
    componentType: 'uint16',
    voxels: voxels instanceof Uint16Array ? voxels : Uint16Array.from(voxels),
  };
}
