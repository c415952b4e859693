/**
 * Opening an image: the initial volume, a bundled sample, a file or DICOM folder, or an image
 * reopened with autosaved work. Whatever belonged to the previous image (prompts, strokes, labels,
 * history, reference, propagation provenance) goes; the views start centred with automatic
 * window/level.
 */
import { runInAction } from 'mobx';
import type { SampleId, ServiceClient, VolumeMessage } from '../../../electron/common/contract';
import { histogram, robustWindowLevel } from '../imaging/window-level';
import { volumeFromMessage } from '../imaging/volume-message';
import type { AppStore } from '../stores/app-store';
import type { HistoryStore } from '../stores/history-store';
import type { PromptStore } from '../stores/prompt-store';
import type { PropagationStore } from '../stores/propagation-store';
import type { ReviewStore } from '../stores/review-store';
import type { SegmentationStore } from '../stores/segmentation-store';
import type { UiStore } from '../stores/ui-store';
import type { VolumeStore } from '../stores/volume-store';
import type { Toolbox } from '../tools/toolbox';

/** What an open reads and resets (the root store's members). */
export interface OpenStores {
  readonly client: Pick<ServiceClient, 'call'>;
  readonly app: Pick<AppStore, 'track' | 'setNotice'>;
  readonly volume: Pick<VolumeStore, 'setVolume'>;
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

  /** An image file or DICOM folder; `seriesUid` picks one series of a folder holding several. */
  openFile(path: string, seriesUid?: string): Promise<void> {
    return this.open(() =>
      this.stores.client.call('volume.openFile', seriesUid === undefined ? { path } : { path, seriesUid }),
    );
  }

  /** An image reopened with autosaved work (recovery-store.ts then puts the labels back). */
  openRestored(message: VolumeMessage): Promise<void> {
    return this.open(() => Promise.resolve(message));
  }

  private async open(fetch: () => Promise<VolumeMessage>): Promise<void> {
    const { app, volume, ui, segmentation, history, prompts, review, propagation, toolbox } = this.stores;
    await app.track(async () => {
      const started = performance.now();
      const loaded = volumeFromMessage(await fetch());
      const received = performance.now();
      const auto = robustWindowLevel(histogram(loaded.voxels, loaded.meta.range), loaded.meta.range);
      runInAction(() => {
        prompts.cancel();
        prompts.resetCounts();
        propagation.resetProvenance();
        toolbox.reset();
        segmentation.reset(loaded.geometry);
        history.clear();
        review.clear();
        volume.setVolume(loaded);
        ui.resetForVolume(loaded.geometry, auto);
        app.setNotice(undefined);
      });
      // For `npm run bench:open` and the developer tools' performance panel. Not console.info: with
      // a debugger attached (Playwright, DevTools) a console line after a large allocation cost 2–7 s.
      performance.measure('iseg:open:voxels-in-renderer', { start: started, end: received });
      performance.measure('iseg:open:ready-to-draw', { start: started, end: performance.now() });
    });
  }
}
