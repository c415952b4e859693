import { describe, expect, it } from 'vitest';
import { IDENTITY_DIRECTION, indexToWorld, type VolumeGeometry } from '../../../electron/common/volume';
import { displayToWorld, fitCamera, mmPerPixel, panBy, worldToDisplay, zoomAt } from './camera';
import { viewFrame } from './view-frame';

const knee: VolumeGeometry = {
  size: [384, 384, 160],
  spacing: [0.365, 0.365, 0.7],
  origin: [-70, -70, -56],
  direction: IDENTITY_DIRECTION,
};

describe('fitCamera', () => {
  it('keeps the physical aspect of anisotropic voxels', () => {
    const frame = viewFrame(knee.direction, 'coronal');
    const viewport = { width: 400, height: 400 };
    const camera = fitCamera(knee, frame, viewport);
    // Coronal shows i across (140.16 mm) and k up (112 mm): the width decides the scale.
    expect(camera.parallelScale).toBeCloseTo((140.16 / 2) * 1.04);
    const mm = mmPerPixel(camera, viewport);
    const left = worldToDisplay(camera, viewport, indexToWorld(knee, [-0.5, 0, 79.5]));
    const right = worldToDisplay(camera, viewport, indexToWorld(knee, [383.5, 0, 79.5]));
    expect(right[0] - left[0]).toBeCloseTo(140.16 / mm);
    const bottom = worldToDisplay(camera, viewport, indexToWorld(knee, [191.5, 0, -0.5]));
    const top = worldToDisplay(camera, viewport, indexToWorld(knee, [191.5, 0, 159.5]));
    expect(bottom[1] - top[1]).toBeCloseTo(112 / mm);
  });

  it('looks along the view direction through the volume centre', () => {
    const frame = viewFrame(knee.direction, 'axial');
    const camera = fitCamera(knee, frame, { width: 300, height: 200 });
    const centre = indexToWorld(knee, [191.5, 191.5, 79.5]);
    for (const n of [0, 1, 2] as const) expect(camera.focalPoint[n]).toBeCloseTo(centre[n]);
    expect(camera.position[2]).toBeLessThan(camera.focalPoint[2]);
    expect(camera.clippingRange[1]).toBeGreaterThan(Math.hypot(140.16, 140.16, 112) + 10);
  });

  it('maps CSS pixels to world points and back', () => {
    const frame = viewFrame(knee.direction, 'sagittal');
    const viewport = { width: 320, height: 240 };
    const camera = fitCamera(knee, frame, viewport, { zoom: 2, panRight: 5, panUp: -3 });
    const world = displayToWorld(camera, viewport, 17, 203);
    const [x, y] = worldToDisplay(camera, viewport, world);
    expect(x).toBeCloseTo(17);
    expect(y).toBeCloseTo(203);
    // Screen right is posterior (+y) in the sagittal view, screen up is superior (+z).
    const centre = displayToWorld(camera, viewport, 160, 120);
    const rightward = displayToWorld(camera, viewport, 170, 120);
    const upward = displayToWorld(camera, viewport, 160, 110);
    expect(rightward[1] - centre[1]).toBeGreaterThan(0);
    expect(upward[2] - centre[2]).toBeGreaterThan(0);
  });
});

describe('zoom and pan', () => {
  it('keeps the point under the pointer still while zooming', () => {
    const frame = viewFrame(knee.direction, 'axial');
    const viewport = { width: 500, height: 300 };
    const start = { zoom: 1, panRight: 0, panUp: 0 };
    const before = fitCamera(knee, frame, viewport, start);
    const anchor = displayToWorld(before, viewport, 120, 80);
    const zoomed = zoomAt(start, before, viewport, 2, 120, 80);
    expect(zoomed.zoom).toBe(2);
    const after = fitCamera(knee, frame, viewport, zoomed);
    const [x, y] = worldToDisplay(after, viewport, anchor);
    expect(x).toBeCloseTo(120);
    expect(y).toBeCloseTo(80);
  });

  it('moves the image with the drag', () => {
    const frame = viewFrame(knee.direction, 'coronal');
    const viewport = { width: 400, height: 400 };
    const start = { zoom: 1.5, panRight: 0, panUp: 0 };
    const before = fitCamera(knee, frame, viewport, start);
    const point = indexToWorld(knee, [100, 0, 40]);
    const [x0, y0] = worldToDisplay(before, viewport, point);
    const after = fitCamera(knee, frame, viewport, panBy(start, before, viewport, 30, -12));
    const [x1, y1] = worldToDisplay(after, viewport, point);
    expect(x1 - x0).toBeCloseTo(30);
    expect(y1 - y0).toBeCloseTo(-12);
  });
});
