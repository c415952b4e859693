/**
 * The 3D view: each visible segment as a smoothed surface in its colour, inside the volume's
 * outline, with a marker at the cursor. Surfaces are built in a Web Worker (view3d-runner.ts) after
 * every change to the labels while the view is shown; only changed segments are rebuilt. Left-drag
 * rotates, the wheel or right-drag zooms, middle- or shift-drag pans; a click on a surface moves
 * the cursor (and so every slice view) there.
 */
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Geometry';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
import vtkSphereSource from '@kitware/vtk.js/Filters/Sources/SphereSource';
import vtkInteractorStyleTrackballCamera from '@kitware/vtk.js/Interaction/Style/InteractorStyleTrackballCamera';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkRenderWindowInteractor from '@kitware/vtk.js/Rendering/Core/RenderWindowInteractor';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import { reaction } from 'mobx';
import type { Vec3, VolumeGeometry } from '../../../electron/common/volume';
import type { RootStore } from '../stores/root-store';
import { el } from '../ui/dom';
import { fitCanvas } from './canvas-size';
import type { RenderScheduler } from './render-scheduler';
import type { SegmentMesh } from './view3d-protocol';
import { firstVoxelAlongRay } from './view3d-pick';
import { SurfaceRunner, type SurfaceResult } from './view3d-runner';
import { outlineCorners, OUTLINE_EDGES } from './view3d-outline';

/** A press that moves less than this (CSS pixels) is a click, not a rotation. */
const CLICK_SLOP_PX = 4;

export class View3D {
  readonly element: HTMLDivElement;
  private readonly host = el('div', { class: 'view-canvas' });
  private readonly renderWindow = vtkRenderWindow.newInstance();
  private readonly glWindow = vtkOpenGLRenderWindow.newInstance();
  private readonly renderer = vtkRenderer.newInstance({ background: [0.08, 0.09, 0.11] });
  private readonly interactor = vtkRenderWindowInteractor.newInstance();
  private readonly outline = vtkActor.newInstance();
  private readonly marker = vtkActor.newInstance();
  private readonly markerSource = vtkSphereSource.newInstance({ thetaResolution: 16, phiResolution: 12 });
  private readonly actors = new Map<number, vtkActor>();
  private readonly runner: SurfaceRunner;
  private readonly disposers: (() => void)[] = [];
  private shown = false;
  /** Labels changed while the view was hidden: rebuild when it is shown again. */
  private stale = true;
  private cameraPlaced = false;
  private press: { x: number; y: number } | undefined;
  private firstSurfaceStarted: number | undefined;
  private size = { width: 0, height: 0 };

  constructor(
    private readonly root: RootStore,
    private readonly scheduler: RenderScheduler,
  ) {
    this.element = el('div', { class: 'slice-view view-3d', 'data-testid': 'view-3d', 'data-surfaces': '0', 'data-surface-state': 'empty' }, [
      this.host,
      this.resetButton(),
    ]);
    this.renderWindow.addView(this.glWindow);
    this.glWindow.setContainer(this.host);
    this.renderWindow.addRenderer(this.renderer);
    this.interactor.setView(this.glWindow);
    this.interactor.initialize();
    this.interactor.setContainer(this.host);
    this.interactor.setInteractorStyle(vtkInteractorStyleTrackballCamera.newInstance());

    const outlineMapper = vtkMapper.newInstance();
    this.outline.setMapper(outlineMapper);
    this.outline.getProperty().setColor(0.55, 0.6, 0.7);
    this.outline.setPickable(false);
    const markerMapper = vtkMapper.newInstance();
    markerMapper.setInputConnection(this.markerSource.getOutputPort());
    this.marker.setMapper(markerMapper);
    this.marker.getProperty().setColor(1, 0.85, 0.1);
    this.renderer.addActor(this.outline);
    this.renderer.addActor(this.marker);

    this.runner = new SurfaceRunner(
      (result) => {
        this.applySurfaces(result);
      },
      (message) => {
        root.app.setNotice(message);
        this.settled();
      },
    );
    this.observe();
    this.listenForClicks();
    const resize = new ResizeObserver(() => {
      this.measure();
    });
    resize.observe(this.host);
    this.disposers.push(() => {
      resize.disconnect();
    });
  }

  private resetButton(): HTMLButtonElement {
    const button = el('button', { type: 'button', class: 'view3d-reset', 'data-testid': 'view3d-reset', title: 'Reset the 3D camera (front view, everything in sight)' }, ['Reset 3D']);
    button.addEventListener('click', () => {
      this.resetCamera();
      button.blur();
    });
    return button;
  }

  /** Shown or hidden by the layout; surfaces are only built while the view is shown. */
  setShown(shown: boolean): void {
    this.shown = shown;
    this.element.classList.toggle('hidden', !shown);
    if (!shown) return;
    this.measure();
    if (!this.cameraPlaced) this.resetCamera();
    if (this.stale) this.requestSurfaces();
  }

  measure(): void {
    const size = fitCanvas(this.host, this.glWindow, this.size);
    if (size === undefined) return;
    this.size = size;
    this.requestRender();
  }

  /** Front view (from anterior, superior up, in LPS), the whole volume in sight. */
  resetCamera(): void {
    const g = this.root.volume.geometry;
    if (g === undefined) return;
    const corners = outlineCorners(g);
    const centre: Vec3 = [0, 1, 2].map((a) => corners.reduce((sum, c) => sum + (c[a] ?? 0), 0) / corners.length) as unknown as Vec3;
    const camera = this.renderer.getActiveCamera();
    camera.setFocalPoint(centre[0], centre[1], centre[2]);
    camera.setPosition(centre[0], centre[1] - 1, centre[2]);
    camera.setViewUp(0, 0, 1);
    this.renderer.resetCamera();
    this.requestRender();
  }

  requestRender(): void {
    if (this.shown) this.scheduler.request(this);
  }

  render(): void {
    if (this.size.width === 0 || this.size.height === 0) return;
    this.renderWindow.render();
  }

  private observe(): void {
    const { segmentation, volume, ui } = this.root;
    this.disposers.push(
      reaction(
        () => volume.version,
        () => {
          this.volumeChanged();
        },
        { fireImmediately: true },
      ),
      reaction(
        () => segmentation.version,
        () => {
          this.stale = true;
          if (this.shown) this.requestSurfaces();
        },
      ),
      reaction(
        () => segmentation.segments,
        () => {
          this.applyLook();
        },
      ),
      reaction(
        () => ui.cursorWorld,
        (world) => {
          this.markerSource.setCenter(world[0], world[1], world[2]);
          this.requestRender();
        },
        { fireImmediately: true },
      ),
    );
  }

  private volumeChanged(): void {
    const g = this.root.volume.geometry;
    if (g === undefined) return;
    this.outline.getMapper()?.setInputData(outlinePolyData(g));
    this.markerSource.setRadius(2 * Math.max(...g.spacing));
    this.cameraPlaced = false;
    if (this.shown) this.resetCamera();
  }

  private requestSurfaces(): void {
    const { geometry, labels } = this.root.segmentation;
    if (geometry === undefined || labels === undefined) return;
    this.stale = false;
    if (!this.runner.busy) this.root.app.begin();
    this.firstSurfaceStarted ??= performance.now();
    this.element.dataset.surfaceState = 'building';
    this.runner.request(geometry, labels);
  }

  private applySurfaces(result: SurfaceResult): void {
    for (const value of result.removed) this.removeActor(value);
    for (const mesh of result.meshes) this.setMesh(mesh);
    this.applyLook();
    const { dataset } = this.element;
    dataset.surfaces = String(this.actors.size);
    dataset.updateMs = result.elapsedMs.toFixed(0);
    dataset.workerMs = result.workerMs.toFixed(0);
    dataset.rebuilt = result.meshes.map((m) => m.value).join(',');
    dataset.offThread = String(result.offThread);
    if (this.firstSurfaceStarted !== undefined && dataset.firstSurfaceMs === undefined && this.actors.size > 0)
      dataset.firstSurfaceMs = (performance.now() - this.firstSurfaceStarted).toFixed(0);
    if (!this.cameraPlaced) {
      this.cameraPlaced = true;
      this.resetCamera();
    }
    this.settled();
  }

  /** The document stays busy until the newest labels are meshed and drawn. */
  private settled(): void {
    if (this.runner.busy) return;
    this.element.dataset.surfaceState = this.actors.size > 0 ? 'ready' : 'empty';
    this.requestRender();
    this.root.app.end();
  }

  private setMesh(mesh: SegmentMesh): void {
    const poly = vtkPolyData.newInstance();
    poly.getPoints().setData(mesh.points, 3);
    poly.getPolys().setData(mesh.polys);
    poly.getPointData().setNormals(vtkDataArray.newInstance({ name: 'Normals', numberOfComponents: 3, values: mesh.normals }));
    let actor = this.actors.get(mesh.value);
    if (actor === undefined) {
      actor = vtkActor.newInstance();
      actor.setMapper(vtkMapper.newInstance({ scalarVisibility: false }));
      actor.getProperty().setSpecular(0.25);
      actor.getProperty().setSpecularPower(20);
      this.actors.set(mesh.value, actor);
      this.renderer.addActor(actor);
    }
    actor.getMapper()?.setInputData(poly);
  }

  private removeActor(value: number): void {
    const actor = this.actors.get(value);
    if (actor === undefined) return;
    this.renderer.removeActor(actor);
    actor.delete();
    this.actors.delete(value);
  }

  /** Colour and visibility from the segment table (no rebuild needed). */
  private applyLook(): void {
    for (const [value, actor] of this.actors) {
      const segment = this.root.segmentation.segment(value);
      actor.setVisibility(segment?.visible ?? true);
      const [r, g, b] = segment?.color ?? [200, 200, 200];
      actor.getProperty().setColor(r / 255, g / 255, b / 255);
    }
    this.requestRender();
  }

  private listenForClicks(): void {
    const onDown = (e: PointerEvent): void => {
      this.press = e.button === 0 ? { x: e.clientX, y: e.clientY } : undefined;
    };
    const onUp = (e: PointerEvent): void => {
      const press = this.press;
      this.press = undefined;
      if (press === undefined || e.button !== 0) return;
      if (Math.hypot(e.clientX - press.x, e.clientY - press.y) > CLICK_SLOP_PX) return;
      this.locate(e.clientX, e.clientY);
    };
    this.host.addEventListener('pointerdown', onDown, { capture: true });
    this.host.addEventListener('pointerup', onUp, { capture: true });
    this.disposers.push(() => {
      this.host.removeEventListener('pointerdown', onDown, { capture: true });
      this.host.removeEventListener('pointerup', onUp, { capture: true });
    });
  }

  /** Moves the cursor to the first visible segment voxel under the pointer (client coordinates). */
  locate(clientX: number, clientY: number): boolean {
    const { geometry, labels } = this.root.segmentation;
    if (geometry === undefined || labels === undefined) return false;
    const rect = this.host.getBoundingClientRect();
    const [width, height] = this.glWindow.getSize();
    const x = ((clientX - rect.left) / rect.width) * width;
    const y = (1 - (clientY - rect.top) / rect.height) * height;
    const near = this.glWindow.displayToWorld(x, y, 0, this.renderer) as unknown as Vec3;
    const far = this.glWindow.displayToWorld(x, y, 1, this.renderer) as unknown as Vec3;
    const hit = firstVoxelAlongRay(labels, geometry, this.root.segmentation.visibleValues, near, far);
    if (hit === undefined) return false;
    this.root.ui.setCursorIndex(hit);
    this.element.dataset.locatedValue = String(this.root.segmentation.valueAt(hit) ?? 0);
    return true;
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
    if (this.runner.busy) this.root.app.end();
    this.runner.dispose();
    this.interactor.delete();
    for (const value of [...this.actors.keys()]) this.removeActor(value);
    this.glWindow.delete();
    this.renderWindow.delete();
  }
}

function outlinePolyData(g: VolumeGeometry): vtkPolyData {
  const poly = vtkPolyData.newInstance();
  poly.getPoints().setData(Float32Array.from(outlineCorners(g).flat()), 3);
  poly.getLines().setData(Uint32Array.from(OUTLINE_EDGES.flatMap(([a, b]) => [2, a, b])));
  return poly;
}
