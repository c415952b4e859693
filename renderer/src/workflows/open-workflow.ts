/**
 * Opening an image: the initial volume, a bundled sample, a file or DICOM folder, or an image
 * reopened with autosaved work. Whatever belonged to the previous image (prompts, strokes, labels,
 * history, reference, propagation provenance) goes; the views start centred with automatic
 * window/level.
 */
import { runInAction } from 'mobx';
import type { SampleId, ServiceClient, VolumeMessage } from '../../../electron/common/contract';
import type { VolumeGeometry } from '../../../electron/common/volume';
import { autoWindowLevel } from '../../../electron/common/volume-preview';
import type { WindowLevel } from '../../../electron/common/window-level';
import { previewFromMessage, volumeFromMessage, type LoadedPreview } from '../imaging/volume-message';
import type { AppStore } from '../stores/app-store';
import type { HistoryStore } from '../stores/history-store';
import type { PromptStore } from '../stores/prompt-store';
import type { PropagationStore } from '../stores/propagation-store';
import type { ReviewStore } from '../stores/review-store';
import type { SegmentationStore } from '../stores/segmentation-store';
import type { UiStore } from '../stores/ui-store';
import { sameImage, type VolumeStore } from '../stores/volume-store';
import type { Toolbox } from '../tools/toolbox';

/** What an open reads and resets (the root store's members). */
export interface OpenStores {
  /** `on` receives the preview of a large file ahead of its voxels; without it the views wait for them. */
  readonly client: Pick<ServiceClient, 'call'> & Partial<Pick<ServiceClient, 'on'>>;
  readonly app: Pick<AppStore, 'track' | 'setNotice'>;
  readonly volume: Pick<VolumeStore, 'setVolume' | 'showPreview' | 'dropPreview' | 'preview'>;
  readonly ui: Pick<UiStore, 'resetForVolume'>;
  readonly segmentation: Pick<SegmentationStore, 'reset'>;
  readonly history: Pick<HistoryStore, 'clear'>;
  readonly prompts: Pick<PromptStore, 'cancel' | 'resetCounts'>;
  readonly review: Pick<ReviewStore, 'clear'>;
  readonly propagation: Pick<PropagationStore, 'resetProvenance'>;
  readonly toolbox: Pick<Toolbox, 'reset'>;
}

export class OpenWorkflow {
  constructor(private readonly stores: OpenStores) {}

  /** The volume the app was started with, or the bundled sample. */
  openInitial(): Promise<void> {
    return this.open(() => this.stores.client.call('volume.openInitial', {}));
  }

  /** A bundled sample; without one, the app's first-run sample. */
  openSample(sample?: SampleId): Promise<void> {
    return this.open(() =>
      this.stores.client.call('volume.openSample', sample === undefined ? {} : { sample }),
    );
  }

  /**
   * An image file or DICOM folder; `seriesUid` picks one series of a folder holding several. A
   * large image is drawn from its centre slices while its voxels are still on their way.
   */
  openFile(path: string, seriesUid?: string): Promise<void> {
    return this.open(
      (previewId) =>
        this.stores.client.call('volume.openFile', {
          path,
          ...(seriesUid === undefined ? {} : { seriesUid }),
          ...(previewId === undefined ? {} : { previewId }),
        }),
      true,
    );
  }

  /** An image reopened with autosaved work (recovery-store.ts then puts the labels back). */
  openRestored(message: VolumeMessage): Promise<void> {
    return this.open(() => Promise.resolve(message));
  }

  private async open(fetch: (previewId?: string) => Promise<VolumeMessage>, withPreview = false): Promise<void> {
    const { app, client, volume } = this.stores;
    await app.track(async () => {
      const started = performance.now();
      const previewId = withPreview && client.on !== undefined ? crypto.randomUUID() : undefined;
      let previewed: LoadedPreview | undefined;
      const stopListening = previewId === undefined ? undefined : client.on?.('volume.preview', (message) => {
        if (message.previewId !== previewId || previewed !== undefined) return;
        try {
          const preview = previewFromMessage(message);
          runInAction(() => {
            // The image first: the autosave journal lets go of the previous image before the
            // resets below would reach it.
            volume.showPreview(preview);
            this.resetFor(preview.meta.geometry, preview.windowLevel);
          });
          previewed = preview;
          performance.measure('iseg:open:preview-in-renderer', { start: started, end: performance.now() });
        } catch {
          // A preview that does not fit, or a reset that failed: the reply's voxels still come, are
          // checked there, and everything is reset for them then.
        }
      });
      let loaded;
      try {
        loaded = volumeFromMessage(await fetch(previewId));
      } catch (error) {
        const shownId = previewed?.meta.id;
        if (shownId !== undefined)
          runInAction(() => {
            volume.dropPreview(shownId);
          });
        throw error;
      } finally {
        stopListening?.();
      }
      const received = performance.now();
      // Still this open's preview on screen, of the very image that came: the stores are reset for
      // it, and its window/level is the server's autoWindowLevel of these same voxels.
      const shown = previewed !== undefined && volume.preview === previewed && sameImage(previewed.meta, loaded.meta);
      const auto = shown ? undefined : autoWindowLevel(loaded.voxels, loaded.meta.range);
      runInAction(() => {
        if (auto !== undefined) this.resetFor(loaded.geometry, auto);
        volume.setVolume(loaded);
      });
      // For `npm run bench:open` and the developer tools' performance panel. Not console.info: with
      // a debugger attached (Playwright, DevTools) a console line after a large allocation cost 2–7 s.
      performance.measure('iseg:open:voxels-in-renderer', { start: started, end: received });
      performance.measure('iseg:open:ready-to-draw', { start: started, end: performance.now() });
    });
  }

  /** Drops what belonged to the previous image and centres the views on the next one. */
  private resetFor(geometry: VolumeGeometry, auto: WindowLevel): void {
    const { app, ui, segmentation, history, prompts, review, propagation, toolbox } = this.stores;
    prompts.cancel();
    prompts.resetCounts();
    propagation.resetProvenance();
    toolbox.reset();
    segmentation.reset(geometry);
    history.clear();
    review.clear();
    ui.resetForVolume(geometry, auto);
    app.setNotice(undefined);
  }
}
