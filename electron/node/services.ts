/**
 * The services behind the contract, independent of transport: the Electron main process and
 * serve mode both hand these handlers to `dispatch`.
 */
import type { AppInfo } from '../common/contract';
import type { ServiceHandlers } from '../common/dispatch';
import type { Volume } from '../common/volume';
import type { InferenceHost } from './inference-host';
import { toVolumeMessage, type OpenVolume, VolumeRegistry } from './volume-registry';

export interface LoadedVolume {
  volume: Volume;
  name: string;
}

export interface ServiceContext {
  transport: AppInfo['transport'];
  version: string;
  inference: InferenceHost;
  /** The bundled sample. */
  loadSample: () => Promise<LoadedVolume>;
  /** What the app was started with (a file from the command line), or undefined for the sample. */
  loadInitial?: () => Promise<LoadedVolume>;
}

export function createServiceHandlers(context: ServiceContext): ServiceHandlers {
  const registry = new VolumeRegistry();
  let sample: OpenVolume | undefined;

  const openSample = async (): Promise<OpenVolume> => {
    if (!sample) {
      const loaded = await context.loadSample();
      sample = registry.add(loaded.volume, loaded.name, 'sample');
    }
    return sample;
  };

  return {
    'app.getInfo': () =>
      Promise.resolve({
        name: 'iSeg Studio',
        version: context.version,
        transport: context.transport,
        platform: `${process.platform}-${process.arch}`,
        inference: context.inference.status,
      }),
    'volume.openSample': async () => toVolumeMessage(await openSample()),
    'volume.openInitial': async () => {
      if (!context.loadInitial) return toVolumeMessage(await openSample());
      const loaded = await context.loadInitial();
      return toVolumeMessage(registry.add(loaded.volume, loaded.name, 'file'));
    },
    'inference.status': () => Promise.resolve(context.inference.status),
    'inference.ping': async ({ echo }) => {
      const sentAt = performance.now();
      const reply = await context.inference.request('ping', { echo, sentAt });
      return { echo: reply.echo, roundTripMs: performance.now() - sentAt };
    },
  };
}
