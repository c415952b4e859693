import { describe, expect, it } from 'vitest';
import type { VolumeGeometry } from '../../../electron/common/volume';
import { VolumeImage } from './volume-image';

const geometry: VolumeGeometry = {
  size: [2, 2, 1],
  spacing: [1, 1, 1],
  origin: [0, 0, 0],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
};

describe('VolumeImage', () => {
  it('renders with the range main reported instead of scanning the voxels', () => {
    const image = new VolumeImage();
    image.update(geometry, new Int16Array([0, 5, 9, 3]), [-100, 400]);
    expect(image.scalarRange()).toEqual([-100, 400]);
  });

  it('gives label buffers their whole type range, which stays true as labels are painted', () => {
    const image = new VolumeImage();
    const labels = new Uint8Array(4);
    image.update(geometry, labels);
    labels[2] = 200;
    image.update(geometry, labels);
    expect(image.scalarRange()).toEqual([0, 255]);
    image.update(geometry, new Uint16Array([0, 1, 2, 3]));
    expect(image.scalarRange()).toEqual([0, 65535]);
  });

  it('lets vtk compute the range of a float buffer given without one', () => {
    const image = new VolumeImage();
    image.update(geometry, new Float32Array([0.5, -2, 3, 1]));
    expect(image.scalarRange()).toEqual([-2, 3]);
  });

  it('lets go of its buffer on release (vtk keeps no reference), and takes the same one back', () => {
    const image = new VolumeImage();
    const voxels = new Float32Array([0.5, -2, 3, 1]);
    image.update(geometry, voxels, [-2, 3]);
    image.release();
    expect(image.hasData).toBe(false);
    expect(image.data.getPointData().getScalars()).toBeFalsy();
    image.update(geometry, voxels, [-2, 3]);
    expect(image.hasData).toBe(true);
    expect(image.data.getPointData().getScalars().getData()).toBe(voxels);
  });
});

