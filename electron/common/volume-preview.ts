/**
 * The first look at an opened image: its three centre slices (one normal to each index axis) and
 * the automatic window/level of the whole volume, sent to the page ahead of the voxels so that the
 * three views draw while the volume is still on its way (serve mode moves a 90 MiB knee in about
 * 0.6 s after the read). The views open on the centre slices, so these are exactly what they show.
 */
import type { IndexAxis } from './slice';
import { readSlice, sliceLayout } from './slice';
import { bytesPerVoxel, centreIndex, typedArrayFor, type ComponentType, type Vec3, type VolumeGeometry, type VoxelArray } from './volume';
import { histogram, robustWindowLevel, type WindowLevel } from './window-level';

/** Below this many voxel bytes the whole volume arrives about as soon as a preview would. */
export const PREVIEW_MIN_BYTES = 4 << 20;

const INDEX_AXES: readonly IndexAxis[] = [0, 1, 2];

/** Bytes of the slice normal to `axis` in the volume's component type. */
function planeBytes(size: Vec3, axis: IndexAxis, componentType: ComponentType): number {
  const { width, height } = sliceLayout(size, axis);
  return width * height * bytesPerVoxel(componentType);
}

/**
 * Voxels the automatic window/level samples (at an odd stride). Its percentiles need far fewer than
 * the histogram panel's 4 Mi: 256 Ki put a percentile within ±0.0003 of its rank, and at a stride of
 * 16 voxels or more most cache lines are skipped, so on the way to the first draw this costs about a
 * tenth of a full pass (46–63 ms for the 90 MiB knee in the server).
 */
export const AUTO_WINDOW_SAMPLES = 1 << 18;

/** The automatic window/level of a volume: the one the page sets when it opens it. */
export function autoWindowLevel(voxels: VoxelArray, range: readonly [number, number]): WindowLevel {
  return robustWindowLevel(histogram(voxels, range, { maxSamples: AUTO_WINDOW_SAMPLES }), range);
}

export interface PreviewPlanes {
  readonly center: Vec3;
  /** The slices through `center` normal to i, j and k, in the layout of common/slice.ts. */
  readonly planes: readonly [ArrayBuffer, ArrayBuffer, ArrayBuffer];
}

/** Copies the three centre slices out of a volume (a few hundred kB for a 384×384×160 image). */
export function previewPlanes(voxels: VoxelArray, componentType: ComponentType, size: Vec3): PreviewPlanes {
  const center = centreIndex({ size });
  const plane = (axis: IndexAxis): ArrayBuffer => {
    const out = typedArrayFor(componentType, new ArrayBuffer(planeBytes(size, axis, componentType)));
    readSlice(voxels, sliceLayout(size, axis), center[axis], out);
    return out.buffer as ArrayBuffer;
  };
  return { center, planes: [plane(0), plane(1), plane(2)] };
}

/** Why a preview does not fit its own geometry (one sentence), or undefined when it does. */
export function previewProblem(geometry: VolumeGeometry, componentType: ComponentType, preview: PreviewPlanes): string | undefined {
  const centre = centreIndex(geometry);
  if (preview.center.some((c, axis) => c !== centre[axis])) return 'The preview is not of the centre slices.';
  for (const axis of INDEX_AXES) {
    const bytes = planeBytes(geometry.size, axis, componentType);
    if (preview.planes[axis].byteLength !== bytes) return `The preview's slice normal to ${'ijk'[axis] ?? '?'} has ${preview.planes[axis].byteLength} bytes; it needs ${bytes}.`;
  }
  return undefined;
}
