/**
 * The one vtkImageData all views share, kept in step with the VolumeStore. The voxel buffer is
 * wrapped, not copied: vtk reads the store's typed array directly.
 */
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import type { IndexAxis } from '../../../electron/common/slice';
import type { Vec3, VolumeGeometry, VoxelArray } from '../../../electron/common/volume';
import { toVtkDirection } from '../geometry/vtk-direction';

type Range = readonly [number, number];

/** The whole range of an integer label buffer: always true, however the labels are edited. */
function labelTypeRange(voxels: VoxelArray): Range | undefined {
  if (voxels instanceof Uint8Array) return [0, 0xff];
  if (voxels instanceof Uint16Array) return [0, 0xffff];
  return undefined;
}

export class VolumeImage {
  readonly data = vtkImageData.newInstance();
  private voxels: VoxelArray | undefined;
  private scalars: ReturnType<typeof vtkDataArray.newInstance> | undefined;

  get hasData(): boolean {
    return this.voxels !== undefined;
  }

  /**
   * Points the image at a volume; a buffer seen before is only marked modified. `range` (the
   * volume's [min, max], known from main) spares vtk a full scan of the buffer on the first render,
   * half a second for a 384×384×160 image; label buffers use their type's range for the same reason.
   */
  update(geometry: VolumeGeometry, voxels: VoxelArray, range?: Range): void {
    if (voxels !== this.voxels || this.scalars === undefined) {
      this.data.setDimensions([geometry.size[0], geometry.size[1], geometry.size[2]]);
      this.data.setSpacing([geometry.spacing[0], geometry.spacing[1], geometry.spacing[2]]);
      this.data.setOrigin([geometry.origin[0], geometry.origin[1], geometry.origin[2]]);
      this.data.setDirection(toVtkDirection(geometry.direction));
      this.scalars = vtkDataArray.newInstance({ name: 'voxels', numberOfComponents: 1, values: voxels });
      const known = range ?? labelTypeRange(voxels);
      if (known) this.scalars.setRange({ min: known[0], max: known[1] }, 0);
      this.data.getPointData().setScalars(this.scalars);
      this.voxels = voxels;
    } else {
      this.scalars.modified();
    }
    this.data.modified();
  }

  /** The scalar range vtk renders with (for tests). */
  scalarRange(): Range | undefined {
    const r = this.scalars?.getRange(0);
    return r ? [r[0], r[1]] : undefined;
  }

  /** Forgets the buffer (e.g. the reference labels were closed). */
  clear(): void {
    this.voxels = undefined;
    this.scalars = undefined;
  }

  /**
   * Forgets the buffer and lets vtk's image go of it too, so it can be freed: the previous image's
   * voxels are not held while the next one's arrive. Only for an image no visible actor draws.
   */
  release(): void {
    this.clear();
    this.data.getPointData().removeAllArrays();
    this.data.modified();
  }

  dispose(): void {
    this.data.delete();
  }
}

/**
 * One slice of a volume as a vtkImageData of its own: the volume's grid cut to that slice's extent,
 * so an image mapper slicing along `axis` at `center[axis]` draws it where the whole volume's slice
 * would be (the preview of an image still being opened).
 */
export function sliceImage(geometry: VolumeGeometry, axis: IndexAxis, center: Vec3, plane: VoxelArray, range: Range): vtkImageData {
  const data = vtkImageData.newInstance();
  const extent: [number, number, number, number, number, number] = [0, geometry.size[0] - 1, 0, geometry.size[1] - 1, 0, geometry.size[2] - 1];
  extent[2 * axis] = center[axis];
  extent[2 * axis + 1] = center[axis];
  data.setExtent(extent);
  data.setSpacing([geometry.spacing[0], geometry.spacing[1], geometry.spacing[2]]);
  data.setOrigin([geometry.origin[0], geometry.origin[1], geometry.origin[2]]);
  data.setDirection(toVtkDirection(geometry.direction));
  const scalars = vtkDataArray.newInstance({ name: 'voxels', numberOfComponents: 1, values: plane });
  scalars.setRange({ min: range[0], max: range[1] }, 0);
  data.getPointData().setScalars(scalars);
  return data;
}
