/**
 * One 2D slice view (axial, sagittal or coronal): a vtk.js render window showing the shared image
 * through an image mapper that slices along the view's native index axis, with a parallel camera
 * set from the pure maths in geometry/. Reacts to the stores; user input goes back to them.
 */
// Only the OpenGL classes a slice view draws with (the full Volume profile adds volume rendering).
import '@kitware/vtk.js/Rendering/OpenGL/Camera';
import '@kitware/vtk.js/Rendering/OpenGL/Renderer';
import '@kitware/vtk.js/Rendering/OpenGL/ImageSlice';
import '@kitware/vtk.js/Rendering/OpenGL/ImageMapper';
import vtkImageMapper from '@kitware/vtk.js/Rendering/Core/ImageMapper';
import { SlicingMode } from '@kitware/vtk.js/Rendering/Core/ImageMapper/Constants';
import vtkImageSlice from '@kitware/vtk.js/Rendering/Core/ImageSlice';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import { reaction, type IReactionDisposer } from 'mobx';
import { sliceGeometry } from '../../../electron/common/slice';
import { indexToWorld, type ViewAxis } from '../../../electron/common/volume';
import { fitCamera, mmPerPixel, worldToDisplay, type ViewCamera, type Viewport } from '../geometry/camera';
import { crosshair } from '../geometry/crosshair';
import { edgeLabels } from '../geometry/view-frame';
import type { RootStore } from '../stores/root-store';
import { el } from '../ui/dom';
import { fitCanvas } from './canvas-size';
import { WHOLE_MAP, type LabelChange } from '../segmentation/label-change';
import { LabelLayers } from './label-layers';
import { SliceInteraction } from './slice-interaction';
import { SliceOverlay } from './slice-overlay';
import type { RenderScheduler } from './render-scheduler';
import { sliceImage, type VolumeImage } from './volume-image';

/** The shared images a view draws: the volume and the reference labels (each view wraps the working labels itself). */
export interface ViewImages {
  readonly volume: VolumeImage;
  readonly reference: VolumeImage;
}

/** vtk's slicing mode for index axis i, j, k. */
const SLICING_MODES = [SlicingMode.I, SlicingMode.J, SlicingMode.K] as const;

export class SliceView {
  readonly element: HTMLDivElement;
  private readonly host = el('div', { class: 'view-canvas' });
  private readonly overlay: SliceOverlay;
  private readonly renderWindow = vtkRenderWindow.newInstance();
  private readonly glWindow = vtkOpenGLRenderWindow.newInstance();
  private readonly renderer = vtkRenderer.newInstance({ background: [0, 0, 0] });
  private readonly mapper = vtkImageMapper.newInstance();
  private readonly actor = vtkImageSlice.newInstance();
  private readonly disposers: (() => void)[] = [];
  private readonly interaction: SliceInteraction;
  private readonly layers: LabelLayers;
  private readonly image: VolumeImage;
  /** The pointer's position over the view (CSS pixels), for the brush outline. */
  private hover: { x: number; y: number } | undefined;
  private viewportSize: Viewport = { width: 0, height: 0 };
  private cameraState: ViewCamera | undefined;
  /** Volume version last drawn; the app is ready once every view has drawn the first volume. */
  renderedVersion = 0;
  /**
   * What the view draws: the shared volume, this view's slice of an image being opened, nothing
   * (an open that showed a preview failed), or not yet anything.
   */
  private showing: 'volume' | 'preview' | 'nothing' | undefined;
  private previewImage: ReturnType<typeof sliceImage> | undefined;

  constructor(
    private readonly root: RootStore,
    readonly view: ViewAxis,
    private readonly images: ViewImages,
    private readonly scheduler: RenderScheduler,
  ) {
    this.image = images.volume;
    this.layers = new LabelLayers(this.renderer, { reference: images.reference });
    this.overlay = new SliceOverlay(view);
    this.element = el(
      'div',
      { class: `slice-view view-${view}`, 'data-testid': `view-${view}`, 'data-view': view },
      [this.host, this.overlay.element],
    );
    this.renderWindow.addView(this.glWindow);
    this.glWindow.setContainer(this.host);
    this.renderWindow.addRenderer(this.renderer);
    this.actor.setMapper(this.mapper);
    this.actor.getProperty().setInterpolationTypeToNearest();
    this.renderer.getActiveCamera().setParallelProjection(true);
    this.interaction = new SliceInteraction(root, view, this.element, {
      camera: () => this.cameraState,
      viewport: () => this.viewportSize,
      hover: (point) => {
        this.hover = point;
        this.updateBrushCursor();
      },
    });
    this.observe();
    const resize = new ResizeObserver(() => {
      this.measure();
    });
    resize.observe(this.host);
    this.disposers.push(() => {
      resize.disconnect();
    });
  }

  /** Reads the container's size now (call once the element is in the document). */
  measure(): void {
    const size = fitCanvas(this.host, this.glWindow, this.viewportSize);
    if (size === undefined) return;
    this.viewportSize = size;
    this.updateCamera();
  }

  private observe(): void {
    const { ui } = this.root;
    const add = (d: IReactionDisposer): void => {
      this.disposers.push(d);
    };
    add(
      reaction(
        () => ui.slices[this.view],
        (slice) => {
          this.mapper.setSlice(slice);
          // A preview holds one slice per view: any other would be read out of its extent.
          const previewSlice = this.showing === 'preview' ? this.root.volume.preview?.center[this.root.ui.frames?.[this.view].normalAxis ?? 0] : undefined;
          this.actor.setVisibility(previewSlice === undefined || previewSlice === slice);
          this.layers.setSlice(slice);
          this.requestRender();
        },
        { fireImmediately: true },
      ),
    );
    const { segmentation, tools, prompts, review } = this.root;
    add(
      reaction(
        () => [segmentation.segments, tools.opacity, tools.overlayMode, tools.showLabels, segmentation.labels instanceof Uint8Array] as const,
        ([segments, opacity, mode, show, narrow]) => {
          // vtk's outline shader reads 8-bit labels only: wider maps are drawn filled.
          this.layers.setWorkingLook(segments, opacity, mode === 'outline' && narrow, show);
          this.requestRender();
        },
        { fireImmediately: true },
      ),
    );
    add(
      reaction(
        () => [segmentation.segments, tools.showReference, review.version] as const,
        ([segments, show]) => {
          this.layers.setReferenceLook(review.outlineSegments(segments), show, !(review.reference instanceof Uint16Array));
          this.requestRender();
        },
        { fireImmediately: true },
      ),
    );
    add(
      reaction(
        () => [prompts.preview, segmentation.active?.color, ui.slices[this.view]] as const,
        ([preview, color, slice]) => {
          this.layers.setPreview(this.root.volume.geometry, preview, color ?? [255, 220, 0], slice);
          this.requestRender();
        },
      ),
    );
    add(
      reaction(
        () => [prompts.clicks, prompts.target, ui.slices[this.view]] as const,
        () => {
          this.updateMarkers();
        },
      ),
    );
    add(
      reaction(
        () => [tools.tool, tools.brushRadiusMm] as const,
        () => {
          this.updateBrushCursor();
        },
      ),
    );
    add(
      reaction(
        () => [ui.slices[this.view], ui.sliceCount(this.view)] as const,
        ([slice, count]) => {
          this.overlay.setSlice(slice, count);
          this.element.dataset.slice = String(slice);
          this.element.dataset.sliceCount = String(count);
        },
        { fireImmediately: true },
      ),
    );
    add(
      reaction(
        () => ui.windowLevel,
        (wl) => {
          const property = this.actor.getProperty();
          property.setColorWindow(wl.window);
          property.setColorLevel(wl.level);
          this.requestRender();
        },
        { fireImmediately: true },
      ),
    );
    add(
      reaction(
        () => ui.zoomPan[this.view],
        () => {
          this.updateCamera();
        },
      ),
    );
    add(
      reaction(
        () => ui.cursorWorld,
        () => {
          this.updateCrosshair();
        },
      ),
    );
  }

  /**
   * A new volume, new voxels in the current one, or the preview of one being opened (its centre
   * slices, common/volume-preview.ts); the shared image has been updated already.
   */
  volumeChanged(): void {
    const frame = this.root.ui.frames?.[this.view];
    const { preview, meta } = this.root.volume;
    this.previewImage?.delete();
    this.previewImage = undefined;
    if (frame !== undefined && preview !== undefined && meta !== undefined) {
      const axis = frame.normalAxis;
      this.previewImage = sliceImage(meta.geometry, axis, preview.center, preview.planes[axis], meta.range);
      this.mapper.setInputData(this.previewImage);
      this.showing = 'preview';
    } else if (frame !== undefined && this.image.hasData) {
      if (this.mapper.getInputData() !== this.image.data) this.mapper.setInputData(this.image.data);
      this.showing = 'volume';
    } else {
      // The open that showed a preview failed: nothing is open, and the canvas is cleared.
      this.mapper.setInputData(this.image.data);
      this.renderer.removeViewProp(this.actor);
      if (this.showing !== undefined) this.showing = 'nothing';
      this.requestRender();
      return;
    }
    this.actor.setVisibility(true);
    this.mapper.setSlicingMode(SLICING_MODES[frame.normalAxis]);
    this.mapper.setSlice(this.root.ui.slices[this.view]);
    if (!this.renderer.getViewProps().includes(this.actor)) this.renderer.addViewProp(this.actor);
    this.overlay.setEdges(edgeLabels(frame));
    this.labelsChanged();
    this.updateCamera();
    this.requestRender();
  }

  /**
   * New label voxels (or a new label buffer / reference; the shared reference image is updated
   * already): the working labels are re-uploaded only where `change` reaches this view's slice.
   */
  labelsChanged(change: LabelChange = WHOLE_MAP): void {
    const frame = this.root.ui.frames?.[this.view];
    if (frame === undefined) return;
    const { geometry, labels } = this.root.segmentation;
    const empty = labels !== undefined && this.root.segmentation.count(0) === labels.length;
    const working = geometry === undefined || labels === undefined ? undefined : { geometry, labels, change, empty };
    this.layers.attach(frame.normalAxis, this.root.ui.slices[this.view], working);
    this.layers.setVisibility(this.root.tools.showLabels, this.root.tools.showReference);
    this.requestRender();
  }

  private updateMarkers(): void {
    const g = this.root.volume.geometry;
    const frame = this.root.ui.frames?.[this.view];
    const camera = this.cameraState;
    const { prompts } = this.root;
    const target = prompts.target;
    if (
      g === undefined ||
      frame === undefined ||
      camera === undefined ||
      target === undefined ||
      target.axis !== frame.normalAxis ||
      target.slice !== this.root.ui.slices[this.view]
    ) {
      this.overlay.setMarkers([]);
      return;
    }
    const sg = sliceGeometry(g.size, g.spacing, target.axis);
    this.overlay.setMarkers(
      prompts.clicks.map((c) => {
        const index: [number, number, number] = [0, 0, 0];
        index[sg.xAxis] = c.x;
        index[sg.yAxis] = c.y;
        index[target.axis] = target.slice;
        const [x, y] = worldToDisplay(camera, this.viewportSize, indexToWorld(g, index));
        return { x, y, positive: c.positive };
      }),
    );
  }

  private updateBrushCursor(): void {
    const { tools } = this.root;
    const camera = this.cameraState;
    if (this.hover === undefined || camera === undefined || (tools.tool !== 'brush' && tools.tool !== 'eraser')) {
      this.overlay.setBrush(undefined);
      return;
    }
    const radius = tools.brushRadiusMm / mmPerPixel(camera, this.viewportSize);
    this.overlay.setBrush({ ...this.hover, radius, erase: tools.tool === 'eraser' });
  }

  private updateCamera(): void {
    const g = this.root.volume.geometry;
    const frame = this.root.ui.frames?.[this.view];
    if (
      g === undefined ||
      frame === undefined ||
      this.viewportSize.width === 0 ||
      this.viewportSize.height === 0
    )
      return;
    const camera = fitCamera(g, frame, this.viewportSize, this.root.ui.zoomPan[this.view]);
    const vtkCamera = this.renderer.getActiveCamera();
    vtkCamera.setFocalPoint(...camera.focalPoint);
    vtkCamera.setPosition(...camera.position);
    vtkCamera.setViewUp(...camera.viewUp);
    vtkCamera.setParallelScale(camera.parallelScale);
    vtkCamera.setClippingRange(camera.clippingRange[0], camera.clippingRange[1]);
    this.cameraState = camera;
    this.updateCrosshair();
    this.updateMarkers();
    this.updateBrushCursor();
    this.requestRender();
  }

  private updateCrosshair(): void {
    const frames = this.root.ui.frames;
    const camera = this.cameraState;
    const size = this.viewportSize;
    const cross =
      frames === undefined || camera === undefined
        ? undefined
        : crosshair(frames[this.view], frames, camera, size, this.root.ui.cursorWorld);
    this.overlay.setCrosshair(cross, size.width, size.height);
  }

  requestRender(): void {
    this.scheduler.request(this);
  }

  /** Draws now (the scheduler calls this once per frame). */
  render(): void {
    if (this.viewportSize.width === 0 || this.viewportSize.height === 0 || this.showing === undefined) return;
    this.renderWindow.render();
    this.renderedVersion = this.root.volume.version;
    // Tests and `npm run bench:open` see when the preview, then the volume, reached the screen.
    if (this.showing === 'nothing') delete this.element.dataset.drawn;
    else this.element.dataset.drawn = this.showing;
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
    this.interaction.dispose();
    this.layers.dispose();
    this.renderer.removeViewProp(this.actor);
    this.actor.delete();
    this.mapper.delete();
    this.previewImage?.delete();
    this.renderer.delete();
    this.glWindow.delete();
    this.renderWindow.delete();
    this.element.remove();
  }
}
