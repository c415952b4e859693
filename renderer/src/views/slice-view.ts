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
import type { ViewAxis } from '../../../electron/common/volume';
import { fitCamera, type ViewCamera, type Viewport } from '../geometry/camera';
import { crosshair } from '../geometry/crosshair';
import { edgeLabels } from '../geometry/view-frame';
import type { RootStore } from '../stores/root-store';
import { el } from '../ui/dom';
import { SliceInteraction } from './slice-interaction';
import { SliceOverlay } from './slice-overlay';
import type { RenderScheduler } from './render-scheduler';
import type { VolumeImage } from './volume-image';

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
  private viewportSize: Viewport = { width: 0, height: 0 };
  private cameraState: ViewCamera | undefined;
  /** Volume version last drawn; the app is ready once every view has drawn the first volume. */
  renderedVersion = 0;

  constructor(
    private readonly root: RootStore,
    readonly view: ViewAxis,
    private readonly image: VolumeImage,
    private readonly scheduler: RenderScheduler,
  ) {
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
    const rect = this.host.getBoundingClientRect();
    const width = Math.round(rect.width);
    const height = Math.round(rect.height);
    if (width === this.viewportSize.width && height === this.viewportSize.height) return;
    this.viewportSize = { width, height };
    const dpr = window.devicePixelRatio || 1;
    this.glWindow.setSize(Math.max(1, Math.floor(width * dpr)), Math.max(1, Math.floor(height * dpr)));
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
          this.requestRender();
        },
        { fireImmediately: true },
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

  /** A new volume, or new voxels in the current one; the shared image has been updated already. */
  volumeChanged(): void {
    const frame = this.root.ui.frames?.[this.view];
    if (frame === undefined || !this.image.hasData) return;
    if (this.mapper.getInputData() !== this.image.data) this.mapper.setInputData(this.image.data);
    this.mapper.setSlicingMode(SLICING_MODES[frame.normalAxis]);
    this.mapper.setSlice(this.root.ui.slices[this.view]);
    if (!this.renderer.getViewProps().includes(this.actor)) this.renderer.addViewProp(this.actor);
    this.overlay.setEdges(edgeLabels(frame));
    this.updateCamera();
    this.requestRender();
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
    if (this.viewportSize.width === 0 || this.viewportSize.height === 0 || !this.image.hasData) return;
    this.renderWindow.render();
    this.renderedVersion = this.root.volume.version;
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
    this.interaction.dispose();
    this.renderer.removeViewProp(this.actor);
    this.actor.delete();
    this.mapper.delete();
    this.renderer.delete();
    this.glWindow.delete();
    this.renderWindow.delete();
    this.element.remove();
  }
}
