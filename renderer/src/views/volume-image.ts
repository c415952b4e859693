/**
 * The one vtkImageData all views share, kept in step with the VolumeStore. The voxel buffer is
 * wrapped, not copied: vtk reads the store's typed array directly.
 */
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import type { VolumeGeometry, VoxelArray } from '../../../electron/common/volume';
import { toVtkDirection } from '../geometry/vtk-direction';

export class VolumeImage {
  readonly data = vtkImageData.newInstance();
  private voxels: VoxelArray | undefined;
  private scalars: ReturnType<typeof vtkDataArray.newInstance> | undefined;

  get hasData(): boolean {
    return this.voxels !== undefined;
  }

  /** Points the image at a volume; a buffer seen before is only marked modified. */
  update(geometry: VolumeGeometry, voxels: VoxelArray): void {
    if (voxels !== this.voxels || this.scalars === undefined) {
      this.data.setDimensions([geometry.size[0], geometry.size[1], geometry.size[2]]);
      this.data.setSpacing([geometry.spacing[0], geometry.spacing[1], geometry.spacing[2]]);
      this.data.setOrigin([geometry.origin[0], geometry.origin[1], geometry.origin[2]]);
      this.data.setDirection(toVtkDirection(geometry.direction));
      this.scalars = vtkDataArray.newInstance({ name: 'voxels', numberOfComponents: 1, values: voxels });
      this.data.getPointData().setScalars(this.scalars);
      this.voxels = voxels;
    } else {
      this.scalars.modified();
    }
    this.data.modified();
  }

  /** Forgets the buffer (e.g. the reference labels were closed). */
  clear(): void {
    this.voxels = undefined;
    this.scalars = undefined;
  }

  dispose(): void {
    this.data.delete();
  }
}
