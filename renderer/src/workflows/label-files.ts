/**
 * Label maps read from files for the open image: fetched through `labels.load` and checked against
 * the image's voxel count; loaded as the working labels, they replace the labels in one undoable step.
 */
import { runInAction } from 'mobx';
import type { ServiceClient } from '../../../electron/common/contract';
import { replaceDiff, type LabelArray } from '../segmentation/paint';
import type { Rgb } from '../segmentation/segments';
import type { AppStore } from '../stores/app-store';
import type { HistoryStore } from '../stores/history-store';
import type { SegmentationStore } from '../stores/segmentation-store';
import type { VolumeStore } from '../stores/volume-store';

/** A label map as read: its file name, voxels in the image's order, and the names its file gives. */
export interface FetchedLabelMap {
  readonly name: string;
  readonly labels: LabelArray;
  readonly names: { value: number; name: string; color: Rgb }[];
}

/** Where a label map is read from, and for which image. */
export interface LabelSource {
  readonly client: Pick<ServiceClient, 'call'>;
  readonly volume: Pick<VolumeStore, 'meta' | 'geometry'>;
}

/** Reads the label map at `path` for the open image; refuses one of another voxel count. */
export async function fetchLabelMap({ client, volume }: LabelSource, path: string): Promise<FetchedLabelMap> {
  const id = volume.meta?.id;
  const size = volume.geometry?.size;
  if (id === undefined || size === undefined) throw new Error('Open an image before loading labels.');
  const answer = await client.call('labels.load', { volumeId: id, path });
  const { componentType, voxels } = answer.labelMap;
  const labels = componentType === 'uint16' ? new Uint16Array(voxels) : new Uint8Array(voxels);
  if (labels.length !== size[0] * size[1] * size[2])
    throw new Error(
      `${answer.name} holds ${labels.length} voxels; the image has ${size[0] * size[1] * size[2]}.`,
    );
  // The sidecar's names first (iSeg's own files), else those a DICOM SEG carries itself.
  const names = (answer.sidecar?.labels ?? answer.segments ?? []).map((l) => ({
    value: l.value,
    name: l.name,
    color: l.color,
  }));
  return { name: answer.name, labels, names };
}

/** What loading working labels reads and writes (the root store's members). */
export interface LabelFileStores extends LabelSource {
  readonly app: Pick<AppStore, 'track' | 'setNotice'>;
  readonly segmentation: Pick<SegmentationStore, 'labels' | 'segments' | 'replaceLabels'>;
  readonly history: Pick<HistoryStore, 'record'>;
}

export class LabelFiles {
  constructor(private readonly stores: LabelFileStores) {}

  /** Loads a label map as the working labels: one undoable step. */
  async loadWorkingLabels(path: string): Promise<void> {
    const { app, segmentation: seg, history } = this.stores;
    await app.track(async () => {
      const { name, labels, names } = await fetchLabelMap(this.stores, path);
      runInAction(() => {
        const current = seg.labels;
        if (current === undefined) return;
        const before = seg.segments;
        // Values that do not fit the current buffer widen it (a new buffer, so views re-wrap it).
        let max = 0;
        for (let n = 0; n < labels.length; n++) max = Math.max(max, labels[n] ?? 0);
        const target: LabelArray =
          max > 255 && current instanceof Uint8Array ? Uint16Array.from(current) : current.slice();
        const diff = replaceDiff(target, labels);
        target.set(labels);
        seg.replaceLabels(target, names);
        history.record(`Load ${name}`, diff, { before, after: seg.segments });
        app.setNotice(undefined);
      });
    });
  }
}
