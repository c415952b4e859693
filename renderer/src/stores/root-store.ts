/**
 * The root of the state tree. Domain stores (the volume; segmentation, prompts and history to come)
 * and the UI store hang off it; the transport client is injected, so tests pass a fake one.
 */
import { runInAction } from 'mobx';
import type { ServiceClient, VolumeMessage } from '../../../electron/common/contract';
import { histogram, robustWindowLevel } from '../imaging/window-level';
import { volumeFromMessage } from '../imaging/volume-message';
import { AppStore } from './app-store';
import { UiStore } from './ui-store';
import { VolumeStore } from './volume-store';

export class RootStore {
  readonly app = new AppStore();
  readonly volume = new VolumeStore();
  readonly ui = new UiStore(this.volume);

  constructor(readonly client: ServiceClient) {}

  /** Listens to the events main pushes; returns the function that stops listening. */
  connect(): () => void {
    const off = [
      this.client.on('inference.status', (status) => {
        this.app.setInference(status);
      }),
    ];
    return () => {
      for (const stop of off) stop();
    };
  }

  async loadInfo(): Promise<void> {
    const info = await this.app.track(() => this.client.call('app.getInfo', {}));
    this.app.setInfo(info);
  }

  /** The volume the app was started with, or the bundled sample. */
  openInitial(): Promise<void> {
    return this.open(() => this.client.call('volume.openInitial', {}));
  }

  openSample(): Promise<void> {
    return this.open(() => this.client.call('volume.openSample', {}));
  }

  private async open(fetch: () => Promise<VolumeMessage>): Promise<void> {
    await this.app.track(async () => {
      const loaded = volumeFromMessage(await fetch());
      const auto = robustWindowLevel(histogram(loaded.voxels, loaded.meta.range), loaded.meta.range);
      runInAction(() => {
        this.volume.setVolume(loaded);
        this.ui.resetForVolume(loaded.geometry, auto);
        this.app.setNotice(undefined);
      });
    });
  }
}
