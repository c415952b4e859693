import { describe, expect, it } from 'vitest';
import { IDENTITY_DIRECTION, type VolumeGeometry } from '../../../electron/common/volume';
import { fitCamera } from './camera';
import { crosshair } from './crosshair';
import { viewFrame } from './view-frame';

const g: VolumeGeometry = {
  size: [100, 100, 50],
  spacing: [1, 1, 2],
  origin: [0, 0, 0],
  direction: IDENTITY_DIRECTION,
};
const frames = {
  axial: viewFrame(g.direction, 'axial'),
  sagittal: viewFrame(g.direction, 'sagittal'),
  coronal: viewFrame(g.direction, 'coronal'),
};

describe('crosshair', () => {
  it('draws the sagittal plane vertically and the coronal plane horizontally in the axial view', () => {
    const viewport = { width: 200, height: 200 };
    const camera = fitCamera(g, frames.axial, viewport);
    const centre = crosshair(frames.axial, frames, camera, viewport, [49.5, 49.5, 20]);
    expect(centre.x).toBeCloseTo(100);
    expect(centre.y).toBeCloseTo(100);
    expect(centre.verticalView).toBe('sagittal');
    expect(centre.horizontalView).toBe('coronal');
    // Towards patient left (+x) is screen right; towards posterior (+y) is screen down.
    const moved = crosshair(frames.axial, frames, camera, viewport, [59.5, 59.5, 20]);
    expect(moved.x).toBeGreaterThan(centre.x);
    expect(moved.y).toBeGreaterThan(centre.y);
  });

  it('draws the axial plane horizontally in the coronal and sagittal views', () => {
    const viewport = { width: 200, height: 200 };
    expect(
      crosshair(frames.coronal, frames, fitCamera(g, frames.coronal, viewport), viewport, [0, 0, 0])
        .horizontalView,
    ).toBe('axial');
    expect(
      crosshair(frames.sagittal, frames, fitCamera(g, frames.sagittal, viewport), viewport, [0, 0, 0]),
    ).toMatchObject({
      verticalView: 'coronal',
      horizontalView: 'axial',
    });
  });
});
