/**
 * The three linked slice views and their arrangement. Owns the shared vtkImageData, the render
 * scheduler and the page's keyboard scrolling.
 */
import { reaction } from 'mobx';
import { VIEW_AXES, type ViewAxis } from '../../../electron/common/volume';
import type { RootStore } from '../stores/root-store';
import { el } from '../ui/dom';
import { RenderScheduler } from './render-scheduler';
import { isEditableTarget, keySteps } from './slice-keys';
import { SliceView } from './slice-view';
import { VolumeImage } from './volume-image';
import { View3D } from './view3d';
import { shows3d } from '../stores/ui-store';
import { FirstRunHint } from '../ui/help-overlay';

/** Frames to wait for the views to get a size and draw before giving up. */
const MAX_FRAMES_TO_DISPLAY = 300;

function nextFrame(): Promise<void> {
  return new Promise((resolve) =>
    requestAnimationFrame(() => {
      resolve();
    }),
  );
}

export class ViewLayout {
  readonly element = el('div', { class: 'view-grid layout-three-up', 'data-testid': 'view-grid' });
  private readonly image = new VolumeImage();
  private readonly referenceImage = new VolumeImage();
  private readonly scheduler: RenderScheduler;
  private readonly views: Readonly<Record<ViewAxis, SliceView>>;
  /** Made when a layout first shows it, so the three-view default pays nothing for it. */
  private view3d: View3D | undefined;
  private readonly hint: FirstRunHint;
  private readonly disposers: (() => void)[] = [];

  constructor(private readonly root: RootStore) {
    this.scheduler = new RenderScheduler(root.app);
    const images = { volume: this.image, reference: this.referenceImage };
    const make = (view: ViewAxis): SliceView => new SliceView(root, view, images, this.scheduler);
    this.views = { axial: make('axial'), sagittal: make('sagittal'), coronal: make('coronal') };
    for (const view of VIEW_AXES) this.element.append(this.views[view].element);
    this.hint = new FirstRunHint(root);
    this.element.append(this.hint.element);

    this.disposers.push(
      reaction(
        () => root.volume.version,
        () => {
          const { geometry, voxels } = root.volume;
          // No voxels: an image being opened shows its preview, or a failed open left nothing.
          // Nothing draws the shared image then (views show the preview or nothing): let it go.
          if (geometry === undefined || voxels === undefined) this.image.release();
          else this.image.update(geometry, voxels, root.volume.meta?.range);
          for (const view of VIEW_AXES) this.views[view].volumeChanged();
        },
      ),
      reaction(
        () => root.segmentation.version,
        () => {
          const change = root.segmentation.takeChange();
          for (const view of VIEW_AXES) this.views[view].labelsChanged(change);
        },
      ),
      reaction(
        () => root.review.version,
        () => {
          const geometry = root.segmentation.geometry;
          const reference = root.review.reference;
          if (geometry === undefined || reference === undefined) this.referenceImage.clear();
          else this.referenceImage.update(geometry, reference);
          for (const view of VIEW_AXES) this.views[view].labelsChanged();
        },
      ),
      reaction(
        () => root.ui.layout,
        (layout) => {
          this.element.className = `view-grid layout-${layout}`;
          const visible = root.ui.visibleViews;
          for (const view of VIEW_AXES) this.views[view].element.classList.toggle('hidden', !visible.includes(view));
          if (shows3d(layout) && this.view3d === undefined) {
            this.view3d = new View3D(root, this.scheduler);
            this.element.append(this.view3d.element);
          }
          this.view3d?.setShown(shows3d(layout));
          this.measure();
        },
        { fireImmediately: true },
      ),
    );
    const onKey = (e: KeyboardEvent): void => {
      this.onKey(e);
    };
    window.addEventListener('keydown', onKey);
    this.disposers.push(() => {
      window.removeEventListener('keydown', onKey);
    });
  }

  /** Call once the element is in the document, and after layout changes. */
  measure(): void {
    for (const view of VIEW_AXES) this.views[view].measure();
    this.view3d?.measure();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey || isEditableTarget(e.target) || !this.root.volume.loaded) return;
    const view = this.root.ui.activeView;
    const steps = keySteps(e.key, this.root.ui.sliceCount(view));
    if (steps === undefined) return;
    e.preventDefault();
    this.root.ui.scroll(view, steps);
  }

  /** Renders pending changes now; true when every visible view shows the current volume. */
  renderNow(): boolean {
    this.scheduler.flush();
    const version = this.root.volume.version;
    return (
      version > 0 && this.root.ui.visibleViews.every((view) => this.views[view].renderedVersion === version)
    );
  }

  /** Resolves once every visible view has drawn the current volume and a frame has been presented. */
  async whenDisplayed(): Promise<void> {
    for (let frame = 0; frame < MAX_FRAMES_TO_DISPLAY; frame++) {
      this.measure();
      if (this.renderNow()) {
        await nextFrame();
        return;
      }
      await nextFrame();
    }
    throw new Error('The slice views could not be drawn (they have no size on screen).');
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
    this.scheduler.dispose();
    for (const view of VIEW_AXES) this.views[view].dispose();
    this.view3d?.dispose();
    this.hint.dispose();
    this.image.dispose();
    this.referenceImage.dispose();
  }
}
