/**
 * The label overlays of one slice view, each a vtkImageSlice over a label image drawn through a
 * colour/opacity table: the working labels (filled or outlined, per-segment colour and
 * visibility), the reference labels (always outlined, so they read differently), and the click
 * engine's preview (a one-slice image on the prompt's slice, in the active segment's colour).
 * The working labels get an image of their own per view (wrapping the store's buffer, not a copy),
 * so a change that cannot reach this view's slice leaves its texture as it is.
 */
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkPiecewiseFunction from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkImageMapper from '@kitware/vtk.js/Rendering/Core/ImageMapper';
import { SlicingMode } from '@kitware/vtk.js/Rendering/Core/ImageMapper/Constants';
import vtkImageSlice from '@kitware/vtk.js/Rendering/Core/ImageSlice';
import type vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import { indexToWorld, type VolumeGeometry } from '../../../electron/common/volume';
import type { LabelArray } from '../segmentation/paint';
import { toVtkDirection } from '../geometry/vtk-direction';
import { labelLut, outlineOpacities } from '../segmentation/lut';
import type { Segment } from '../segmentation/segments';
import type { IndexAxis } from '../../../electron/common/slice';
import { changeTouchesSlice, type LabelChange } from '../segmentation/label-change';
import type { Preview } from '../stores/prompt-store';
import { VolumeImage } from './volume-image';

/** The working label map and where it changed since the view last drew it. */
export interface WorkingLabels {
  readonly geometry: VolumeGeometry;
  readonly labels: LabelArray;
  readonly change: LabelChange;
  /**
   * Nothing is labelled: the layer stays out of the frame with its texture unbuilt (reading the
   * sagittal slice of a fresh map faults in every page of it, ~30 ms of a new image's first draw).
   */
  readonly empty?: boolean;
}

const SLICING_MODES = [SlicingMode.I, SlicingMode.J, SlicingMode.K] as const;

class LabelLayer {
  readonly mapper = vtkImageMapper.newInstance();
  readonly actor = vtkImageSlice.newInstance();
  private readonly ctf = vtkColorTransferFunction.newInstance();
  private readonly pwf = vtkPiecewiseFunction.newInstance();

  constructor(offset: number) {
    this.actor.setMapper(this.mapper);
    const p = this.actor.getProperty();
    p.setInterpolationTypeToNearest();
    p.setRGBTransferFunction(0, this.ctf);
    p.setPiecewiseFunction(0, this.pwf);
    p.setUseLookupTableScalarRange(true);
    this.actor.setForceTranslucent(true);
    // Draw in front of the image (and of the layers below) on the same plane.
    this.mapper.setResolveCoincidentTopologyToPolygonOffset();
    this.mapper.setRelativeCoincidentTopologyPolygonOffsetParameters(offset, offset);
  }

  /** Colours and opacities; `outline` draws only the edges of each region. */
  setLook(segments: readonly Segment[], opacity: number, outline: boolean, outlineOpacity = 1): void {
    const lut = labelLut(segments, outline ? 0 : 1);
    this.ctf.removeAllPoints();
    for (const [x, r, g, b] of lut.colors) this.ctf.addRGBPoint(x, r, g, b);
    this.pwf.removeAllPoints();
    for (const [x, a] of lut.opacities) this.pwf.addPoint(x, a);
    const p = this.actor.getProperty();
    p.setOpacity(outline ? 0 : opacity);
    p.setUseLabelOutline(outline);
    if (outline) {
      p.setLabelOutlineThickness(new Array<number>(Math.min(lut.max, 1024)).fill(1));
      p.setLabelOutlineOpacity(outlineOpacities(segments, lut.max, outlineOpacity));
    }
  }

  setVisible(visible: boolean): void {
    this.actor.setVisibility(visible);
  }

  dispose(): void {
    this.actor.delete();
    this.mapper.delete();
  }
}

export class LabelLayers {
  private readonly working = new LabelLayer(-2);
  private readonly reference = new LabelLayer(-4);
  private readonly preview = new LabelLayer(-6);
  private readonly previewImage = vtkImageData.newInstance();
  private readonly workingImage = new VolumeImage();
  private normalAxis: IndexAxis = 2;
  private slice = 0;
  private workingLabels: LabelArray | undefined;
  private workingEmpty = false;

  constructor(
    private readonly renderer: vtkRenderer,
    private readonly images: { readonly reference: VolumeImage },
  ) {
    this.preview.setVisible(false);
    this.reference.setVisible(false);
  }

  /**
   * After a new image, new label voxels or a new reference: inputs, slicing mode, the slice. With
   * `working`, the working labels' image is marked changed only when the change can reach the
   * slice this view shows (another slice is read from the buffer when the view moves to it); a new
   * buffer is wrapped afresh. Returns whether the working labels were marked changed.
   */
  attach(normalAxis: IndexAxis, slice: number, working?: WorkingLabels): boolean {
    this.normalAxis = normalAxis;
    this.slice = slice;
    const uploaded = working !== undefined && this.updateWorking(working);
    const pairs: [LabelLayer, VolumeImage][] = [
      [this.working, this.workingImage],
      [this.reference, this.images.reference],
    ];
    for (const [layer, image] of pairs) {
      if (layer === this.working && this.workingEmpty) {
        this.renderer.removeViewProp(layer.actor);
        continue;
      }
      if (!image.hasData) continue;
      if (layer.mapper.getInputData() !== image.data) layer.mapper.setInputData(image.data);
      layer.mapper.setSlicingMode(SLICING_MODES[normalAxis]);
      layer.mapper.setSlice(slice);
      if (!this.renderer.getViewProps().includes(layer.actor)) this.renderer.addViewProp(layer.actor);
    }
    return uploaded;
  }

  private updateWorking({ geometry, labels, change, empty = false }: WorkingLabels): boolean {
    this.workingEmpty = empty;
    if (empty) {
      // Out of the frame, so the image can let go of a previous map; wrapped afresh once something is labelled.
      if (this.workingLabels !== undefined) this.workingImage.release();
      this.workingLabels = undefined;
      return false;
    }
    const fresh = labels !== this.workingLabels;
    if (!fresh && !changeTouchesSlice(change, this.normalAxis, this.slice)) return false;
    this.workingImage.update(geometry, labels);
    this.workingLabels = labels;
    return true;
  }

  setSlice(slice: number): void {
    this.slice = slice;
    if (this.workingImage.hasData) this.working.mapper.setSlice(slice);
    if (this.images.reference.hasData) this.reference.mapper.setSlice(slice);
  }

  setWorkingLook(segments: readonly Segment[], opacity: number, outline: boolean, visible: boolean): void {
    this.working.setLook(segments, opacity, outline);
    this.working.setVisible(visible && this.workingImage.hasData);
  }

  /** Shows a layer only when its image has data (call after the images change). */
  setVisibility(showLabels: boolean, showReference: boolean): void {
    this.working.setVisible(showLabels && this.workingImage.hasData);
    this.reference.setVisible(showReference && this.images.reference.hasData);
  }

  /** Outlined (8-bit maps) or, where vtk cannot outline, a faint fill. */
  setReferenceLook(segments: readonly Segment[], visible: boolean, outline = true): void {
    this.reference.setLook(segments, outline ? 1 : 0.25, outline, 1);
    this.reference.setVisible(visible && this.images.reference.hasData);
  }

  /** Shows the click engine's mask on its slice (only in the view that cuts that axis). */
  setPreview(g: VolumeGeometry | undefined, preview: Preview | undefined, color: Segment['color'], currentSlice: number): void {
    const show = g !== undefined && preview !== undefined && preview.axis === this.normalAxis && preview.slice === currentSlice;
    if (!show) {
      this.preview.setVisible(false);
      return;
    }
    const dims: [number, number, number] = [g.size[0], g.size[1], g.size[2]];
    dims[preview.axis] = 1;
    const start: [number, number, number] = [0, 0, 0];
    start[preview.axis] = preview.slice;
    this.previewImage.setDimensions(dims);
    this.previewImage.setSpacing([g.spacing[0], g.spacing[1], g.spacing[2]]);
    this.previewImage.setOrigin(indexToWorld(g, start));
    this.previewImage.setDirection(toVtkDirection(g.direction));
    // The mask is x fastest along the lower in-plane axis: the same order as i-fastest storage.
    // Where the prompt started from the segment's pixels, those the mask leaves out are shown dark
    // (value 2): committing takes them away.
    const values = preview.mask.slice();
    const startedFrom = preview.startedFrom?.mask;
    if (startedFrom !== undefined) for (let n = 0; n < values.length; n++) if (values[n] === 0 && startedFrom[n] !== 0) values[n] = 2;
    this.previewImage.getPointData().setScalars(vtkDataArray.newInstance({ name: 'preview', numberOfComponents: 1, values }));
    this.previewImage.modified();
    const mapper = this.preview.mapper;
    if (mapper.getInputData() !== this.previewImage) mapper.setInputData(this.previewImage);
    mapper.setSlicingMode(SLICING_MODES[preview.axis]);
    mapper.setSlice(0);
    this.preview.setLook(
      [
        { value: 1, name: 'preview', color, visible: true, locked: false },
        { value: 2, name: 'removed', color: [0, 0, 0], visible: true, locked: false },
      ],
      0.6,
      false,
    );
    if (!this.renderer.getViewProps().includes(this.preview.actor)) this.renderer.addViewProp(this.preview.actor);
    this.preview.setVisible(true);
  }

  dispose(): void {
    for (const layer of [this.working, this.reference, this.preview]) {
      this.renderer.removeViewProp(layer.actor);
      layer.dispose();
    }
    this.previewImage.delete();
    this.workingImage.dispose();
  }
}
