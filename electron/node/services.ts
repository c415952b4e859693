/**
 * The services behind the contract, independent of transport: the Electron main process and
 * serve mode both hand these handlers to `dispatch`.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { listDicomSeries } from './io/dicom-series';
import { readSessionFile, writeSessionFile } from './session-files';
import type { AppInfo, SampleId } from '../common/contract';
import type { ServiceHandlers } from '../common/dispatch';
import type { Volume } from '../common/volume';
import type { VoxelSummary } from '../common/volume-stats';
import { ServiceError } from '../common/errors';
import { bytesPerVoxel, voxelCount } from '../common/volume';
import { loadLabelMapFor } from './io/load-label-map';
import { writeLabelMap } from './io/write-label-map';
import { labelSidecarPath } from '../common/label-sidecar';
import type { FileAccessPolicy } from './file-access';
import { listUnderRoots } from './file-listing';
import { saveDroppedFile } from './dropped-file';
import type { InferenceService } from './inference-pool';
import { createClickServiceHandlers } from './click-service';
import type { ClientEvents } from './client-events';
import { clientScope } from './client-scope';
import { createPropagationHandlers } from './propagation-service';
import { createDicomSegHandlers } from './dicom-seg-service';
import { isDicomSeg, readDicomSeg } from './io/dicom-seg';
import { toVolumeMessage, type OpenVolume, volumePreviewFor, VolumeRegistry } from './volume-registry';
import { createJournalHandlers } from './journal/journal-service';
import type { JournalStore } from './journal/journal-store';

/**
 * The click segmenter the app starts with: the shipped click model ("default": the best model in
 * the models folder; the classical segmenter when none loads, which the status bar says). Since
 * v1.1.0 with its input smoothing it beats the classical segmenter at NoC@85 on every dev volume;
 * v1.2.0 also at IoU after 1/3/5 clicks in 17 of 18 cells (native-models/isegformer-swin32-cpu/MODEL_CARD.md),
 * and on the real knee MRI it outlines femur and tibia where GrowCut spreads into the soft tissue
 * (e2e/real-knee-clicks.spec.ts). The classical segmenter stays selectable (models.select, or
 * ISEG_CLICK_MODEL=classical).
 */
export const DEFAULT_CLICK_MODEL = 'default';

export interface LoadedVolume {
  volume: Volume;
  name: string;
  /** Its voxels' summary, where the reader counted it while reading (the registry counts it otherwise). */
  summary?: VoxelSummary;
}

export interface ServiceContext {
  transport: AppInfo['transport'];
  version: string;
  inference: InferenceService;
  /** A bundled sample; without an id, the first-run sample. */
  loadSample: (sample?: SampleId) => Promise<LoadedVolume>;
  /** What the app was started with (a file from the command line), or undefined for the sample. */
  loadInitial?: () => Promise<LoadedVolume>;
  /** Reads an image file or DICOM folder the policy allowed (one series of it, if given). */
  readImage: (path: string, seriesUid?: string) => Promise<LoadedVolume>;
  files: FileAccessPolicy;
  /** A native open dialog, where there is one (the desktop app); returns the chosen path. */
  chooseImage?: (folder: boolean, startIn?: string) => Promise<string | undefined>;
  /** native-models/ (undefined: clicks use the classical segmenter). */
  modelsRoot?: string;
  /** A native save dialog, where there is one; returns the chosen path. */
  chooseSavePath?: (suggestedName: string) => Promise<string | undefined>;
  /** The autosave journal (undefined: nothing is journalled). */
  journal?: JournalStore;
  /** The file `loadInitial` reads, so the initial image can be reopened (sessions, autosave). */
  initialPath?: string;
  /** Where pushed events go (propagation progress); without it they are dropped (CLI, tests). */
  events?: ClientEvents;
}

export function createServiceHandlers(context: ServiceContext): ServiceHandlers {
  const registry = new VolumeRegistry();
  const samples = new Map<SampleId | 'first-run', OpenVolume>();

  const openSample = async (id?: SampleId): Promise<OpenVolume> => {
    // The registry keeps only each client's latest images; a (small) sample is shared by the
    // clients that open it, and re-registered if it was let go.
    let sample = samples.get(id ?? 'first-run');
    if (!sample || registry.share(sample.meta.id) === undefined) {
      const loaded = sample ? { volume: sample.volume, name: sample.meta.name } : await context.loadSample(id);
      sample = registry.add(loaded.volume, loaded.name, 'sample');
      samples.set(id ?? 'first-run', sample);
    }
    return sample;
  };

  const openVolume = (id: string): OpenVolume => {
    const entry = registry.get(id);
    if (!entry) throw new ServiceError('not-found', 'That image is no longer open.');
    return entry;
  };

  const click = createClickServiceHandlers({
    worker: context.inference,
    getVolume: (id) => registry.get(id)?.volume,
    modelsRoot: context.modelsRoot,
    clickModel: process.env.ISEG_CLICK_MODEL ?? DEFAULT_CLICK_MODEL,
    currentClient: () => clientScope.current(),
  });

  const propagation = createPropagationHandlers({
    worker: context.inference,
    volumes: registry,
    modelsRoot: context.modelsRoot,
    currentClient: () => clientScope.current(),
    emit: (clientId, name, payload) => context.events?.emit(clientId, name, payload),
  });

  const journal = createJournalHandlers({
    store: context.journal,
    openVolume,
    reopen: async (image) => {
      if (image.kind === 'sample') return openSample();
      // The journal names only images this app opened under the policy; a restarted desktop app
      // has forgotten its grants, so the journal vouches for the path.
      const allowed = await context.files.check(image.path).catch(() => context.files.grant(image.path));
      const loaded = await context.readImage(allowed, image.seriesUid);
      const from = image.seriesUid === undefined ? { path: allowed } : { path: allowed, seriesUid: image.seriesUid };
      return registry.add(loaded.volume, loaded.name, 'file', from, loaded.summary);
    },
  });

  const dicomSeg = createDicomSegHandlers({ openVolume, files: context.files });

  return {
    ...click,
    ...propagation,
    ...journal,
    ...dicomSeg,
    'app.getInfo': () =>
      Promise.resolve({
        name: 'iSeg Studio',
        version: context.version,
        transport: context.transport,
        platform: `${process.platform}-${process.arch}`,
        inference: context.inference.status,
      }),
    'volume.openSample': async ({ sample }) => toVolumeMessage(await openSample(sample)),
    'volume.openInitial': async () => {
      if (!context.loadInitial) return toVolumeMessage(await openSample());
      const loaded = await context.loadInitial();
      const from = context.initialPath === undefined ? undefined : { path: context.initialPath };
      return toVolumeMessage(registry.add(loaded.volume, loaded.name, 'file', from, loaded.summary));
    },
    'volume.openFile': async ({ path, seriesUid, previewId }) => {
      const allowed = await context.files.check(path);
      await context.files.noteRead(allowed);
      const loaded = await context.readImage(allowed, seriesUid);
      const from = seriesUid === undefined ? { path: allowed } : { path: allowed, seriesUid };
      const opened = registry.add(loaded.volume, loaded.name, 'file', from, loaded.summary);
      if (previewId !== undefined && context.events !== undefined) {
        const preview = volumePreviewFor(opened, previewId);
        if (preview !== undefined) context.events.emit(clientScope.current(), 'volume.preview', preview);
      }
      return toVolumeMessage(opened);
    },
    'dialog.chooseImage': async ({ folder, startIn }) => {
      if (!context.chooseImage) throw new ServiceError('not-allowed', 'There is no file dialog in serve mode; use the file browser.');
      const chosen = await context.chooseImage(folder, startIn);
      return chosen === undefined ? {} : { path: await context.files.grant(chosen) };
    },
    'files.listSeries': async ({ path }) => {
      const allowed = await context.files.check(path);
      const folder = (await stat(allowed)).isDirectory() ? allowed : dirname(allowed);
      const series = await listDicomSeries(folder);
      return {
        series: series.map((s) => ({
          uid: s.seriesInstanceUid,
          description: s.description,
          modality: s.modality,
          fileCount: s.fileCount,
          ...(s.seriesNumber !== undefined ? { seriesNumber: s.seriesNumber } : {}),
        })),
      };
    },
    'files.list': ({ folder }) => listUnderRoots(context.files, folder),
    'files.saveDropped': async ({ name, bytes }) => ({ path: await saveDroppedFile(context.files.output, name, bytes) }),
    'labels.load': async ({ volumeId, path }) => {
      const image = openVolume(volumeId);
      const allowed = await context.files.check(path);
      await context.files.noteRead(allowed);
      // A DICOM SEG carries its segment names and colours itself, and is laid onto the image's grid;
      // any other .dcm (an image slice) is refused there in one sentence, not read as labels.
      const asSeg = (await isDicomSeg(allowed)) || allowed.toLowerCase().endsWith('.dcm');
      const seg = asSeg ? await readDicomSeg(allowed, image.volume.geometry) : undefined;
      const loaded =
        seg === undefined
          ? await loadLabelMapFor(allowed, image.volume.geometry, async (file) => (await context.readImage(file)).volume)
          : { labels: seg.labels, sidecar: undefined };
      const v = loaded.labels.voxels;
      const voxels = v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer;
      const componentType = loaded.labels.componentType === 'uint16' ? 'uint16' : 'uint8';
      return {
        name: basename(allowed),
        labelMap: { componentType, voxels },
        ...(loaded.sidecar ? { sidecar: loaded.sidecar } : {}),
        ...(seg ? { segments: [...seg.segments] } : {}),
      };
    },
    'labels.export': async ({ volumeId, path, labelMap, labels, provenance }) => {
      const image = openVolume(volumeId);
      const expected = voxelCount(image.volume.geometry.size) * bytesPerVoxel(labelMap.componentType);
      if (labelMap.voxels.byteLength !== expected) {
        throw new ServiceError('bad-request', `The label map has ${labelMap.voxels.byteLength} bytes; the image needs ${expected}.`);
      }
      const target = await context.files.checkWritable(path);
      const sidecarTarget = await context.files.checkWritable(labelSidecarPath(target));
      const voxels = labelMap.componentType === 'uint16' ? new Uint16Array(labelMap.voxels) : new Uint8Array(labelMap.voxels);
      const written = await writeLabelMap(target, {
        voxels,
        geometry: image.volume.geometry,
        labels,
        provenance: {
          app: { name: 'iSeg Studio', version: context.version },
          created: new Date().toISOString(),
          sourceImage: image.meta.name,
          models: provenance.models,
          clicks: provenance.clicks,
          ...(provenance.propagation ? { propagation: provenance.propagation } : {}),
        },
      });
      context.files.noteWritten(target);
      context.files.noteWritten(sidecarTarget);
      return { path: written.path, sidecarPath: written.sidecarPath, componentType: written.componentType };
    },
    'dialog.chooseSavePath': async ({ suggestedName }) => {
      if (!context.chooseSavePath) throw new ServiceError('not-allowed', 'There is no save dialog in serve mode; save under the output folder.');
      const chosen = await context.chooseSavePath(suggestedName);
      return chosen === undefined ? {} : { path: context.files.grantWritable(chosen) };
    },
    'session.write': async ({ path, volumeId, labelsPath, activeSegment }) => {
      const image = openVolume(volumeId);
      const sample = image.source === undefined && image.meta.source === 'sample';
      if (!image.source && !sample) throw new ServiceError('bad-request', 'This image has no file to reopen; open an image file to save a session.');
      const target = await context.files.checkWritable(path);
      const labels = await context.files.check(labelsPath);
      await writeSessionFile(target, {
        // The bundled sample is named, not located: it is reopened from the app, wherever that is.
        ...(image.source ? { image: image.source.path } : { image: image.meta.name, sample: true as const }),
        labels,
        ...(image.source?.seriesUid !== undefined ? { seriesUid: image.source.seriesUid } : {}),
        ...(activeSegment !== undefined ? { activeSegment } : {}),
      });
      context.files.noteWritten(target);
      return { path: target };
    },
    'session.read': async ({ path }) => {
      const allowed = await context.files.check(path);
      await context.files.noteRead(allowed);
      const { imagePath, labelsPath, session } = await readSessionFile(allowed, context.files);
      return {
        imagePath,
        labelsPath,
        ...(session.seriesUid !== undefined ? { seriesUid: session.seriesUid } : {}),
        ...(session.activeSegment !== undefined ? { activeSegment: session.activeSegment } : {}),
        ...(session.sample === true ? { sample: true } : {}),
      };
    },
    'inference.status': () => Promise.resolve(context.inference.status),
    'inference.ping': async ({ echo }) => {
      const sentAt = performance.now();
      const reply = await context.inference.request('ping', { echo, sentAt });
      return { echo: reply.echo, roundTripMs: performance.now() - sentAt };
    },
  };
}
