import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import { describe, expect, it, vi } from 'vitest';
import { IDENTITY_DIRECTION, type VolumeGeometry } from '../../../electron/common/volume';
import { WHOLE_MAP } from '../segmentation/label-change';
import { LabelLayers } from './label-layers';
import { VolumeImage } from './volume-image';

const geometry: VolumeGeometry = { size: [4, 3, 5], spacing: [1, 1, 1], origin: [0, 0, 0], direction: IDENTITY_DIRECTION };

/** One view's label layers. */
function view(): { layers: LabelLayers } {
  return { layers: new LabelLayers(vtkRenderer.newInstance(), { reference: new VolumeImage() }) };
}

describe('LabelLayers', () => {
  it('re-uploads the working labels only when a change reaches the slice it shows', () => {
    const labels = new Uint8Array(60);
    const axial = view();
    const sagittal = view();
    expect(axial.layers.attach(2, 3, { geometry, labels, change: WHOLE_MAP })).toBe(true);
    expect(sagittal.layers.attach(0, 1, { geometry, labels, change: WHOLE_MAP })).toBe(true);
    // What marks the vtk image changed, so the view's mapper re-uploads its slice texture.
    const update = vi.spyOn(VolumeImage.prototype, 'update');

    const onSlice1 = { kind: 'slice', ref: { axis: 2, slice: 1 } } as const;
    expect(axial.layers.attach(2, 3, { geometry, labels, change: onSlice1 })).toBe(false);
    expect(update).not.toHaveBeenCalled();
    // The sagittal view's plane crosses every axial slice.
    expect(sagittal.layers.attach(0, 1, { geometry, labels, change: onSlice1 })).toBe(true);
    expect(update).toHaveBeenCalledTimes(1);

    const undoRange = { kind: 'slices', axis: 2, first: 2, last: 4 } as const;
    expect(axial.layers.attach(2, 3, { geometry, labels, change: undoRange })).toBe(true);
    expect(update).toHaveBeenCalledTimes(2);
    update.mockRestore();
  });

  it('wraps a new label buffer whatever the change says', () => {
    const axial = view();
    axial.layers.attach(2, 0, { geometry, labels: new Uint8Array(60), change: WHOLE_MAP });
    const far = { kind: 'slice', ref: { axis: 2, slice: 4 } } as const;
    expect(axial.layers.attach(2, 0, { geometry, labels: new Uint16Array(60), change: far })).toBe(true);
  });

  it('leaves an empty map out of the frame, unread, and wraps it once something is labelled', () => {
    const renderer = vtkRenderer.newInstance();
    const layers = new LabelLayers(renderer, { reference: new VolumeImage() });
    const labels = new Uint8Array(60);
    const update = vi.spyOn(VolumeImage.prototype, 'update');
    expect(layers.attach(0, 1, { geometry, labels, change: WHOLE_MAP, empty: true })).toBe(false);
    expect(update).not.toHaveBeenCalled();
    expect(renderer.getViewProps()).toHaveLength(0);
    // The first label, far from this view's slice: the buffer is wrapped anyway.
    labels[59] = 1;
    const far = { kind: 'slice', ref: { axis: 0, slice: 3 } } as const;
    expect(layers.attach(0, 1, { geometry, labels, change: far, empty: false })).toBe(true);
    expect(update).toHaveBeenCalledTimes(1);
    expect(renderer.getViewProps()).toHaveLength(1);
    // Undone back to nothing: out of the frame again.
    labels[59] = 0;
    expect(layers.attach(0, 1, { geometry, labels, change: far, empty: true })).toBe(false);
    expect(renderer.getViewProps()).toHaveLength(0);
    update.mockRestore();
  });
});

