/** The journal.* methods of the contract, over a JournalStore and the service's open volumes. */
import type { ServiceHandlers } from '../../common/dispatch';
import type { JournalLabels } from '../../common/contract-journal';
import { ServiceError } from '../../common/errors';
import type { LabelArray } from '../../common/label-diff';
import { voxelCount } from '../../common/volume';
import { toVolumeMessage, type OpenVolume } from '../volume-registry';
import { statePayload, type DocumentInfo, type ImageRef } from './journal-file';
import type { JournalStore } from './journal-store';

type JournalMethod = 'journal.begin' | 'journal.append' | 'journal.pending' | 'journal.restore' | 'journal.reattach' | 'journal.discard';

export interface JournalServiceContext {
  /** Undefined where the app has no data folder (then nothing is journalled, and calls say so). */
  store: JournalStore | undefined;
  /** The open volume with this id (throws a ServiceError when it is not open). */
  openVolume: (volumeId: string) => OpenVolume;
  /** Opens the journalled image again and registers it. */
  reopen: (image: ImageRef) => Promise<OpenVolume>;
}

function imageRefOf(entry: OpenVolume): ImageRef {
  if (entry.source) return { kind: 'file', path: entry.source.path, ...(entry.source.seriesUid === undefined ? {} : { seriesUid: entry.source.seriesUid }) };
  if (entry.meta.source === 'sample') return { kind: 'sample' };
  throw new ServiceError('bad-request', 'This image has no file to reopen, so its work cannot be autosaved.');
}

function labelsFrom(input: JournalLabels | undefined, count: number): LabelArray {
  if (input === undefined) return new Uint8Array(count);
  const labels = input.componentType === 'uint16' ? new Uint16Array(input.voxels.slice(0)) : new Uint8Array(input.voxels.slice(0));
  if (labels.length !== count) throw new ServiceError('bad-request', `The label map has ${labels.length} voxels; the image has ${count}.`);
  return labels;
}

/** Opens a journal's image again, checking it still has the size its labels were made for. */
async function reopenDocument(context: JournalServiceContext, info: DocumentInfo): Promise<OpenVolume> {
  const entry = await context.reopen(info.image);
  const size = entry.meta.geometry.size;
  if (size.some((n, axis) => n !== info.size[axis]))
    throw new ServiceError('bad-request', `${info.imageName} is now ${size.join('×')} voxels, not the ${info.size.join('×')} its autosaved labels were made for.`);
  return entry;
}

export function createJournalHandlers(context: JournalServiceContext): Pick<ServiceHandlers, JournalMethod> {
  const store = (): JournalStore => {
    if (!context.store) throw new ServiceError('not-allowed', 'Autosave is off: the app has no data folder.');
    return context.store;
  };
  return {
    'journal.begin': async ({ documentId, volumeId, labels, segments, active }) => {
      const entry = context.openVolume(volumeId);
      const size = entry.meta.geometry.size;
      const info: DocumentInfo = { image: imageRefOf(entry), imageName: entry.meta.name, size: [size[0], size[1], size[2]] };
      await store().begin(documentId, info, {
        labels: labelsFrom(labels, voxelCount(size)),
        segments,
        ...(active === undefined ? {} : { active }),
        steps: [],
        cursor: 0,
        lastSeq: 0,
        savedSeq: 0,
      });
      return {};
    },
    'journal.append': ({ documentId, records }) => store().append(documentId, records),
    'journal.pending': async () => {
      if (!context.store) return {};
      const document = await context.store.pending();
      return document === undefined ? {} : { document };
    },
    'journal.restore': async ({ documentId }) => {
      const { info, state, notice } = await store().load(documentId);
      const entry = await reopenDocument(context, info);
      return {
        volume: toVolumeMessage(entry),
        ...statePayload(state),
        ...(notice === undefined ? {} : { notice }),
      };
    },
    'journal.reattach': async ({ documentId }) => {
      const { info, state } = await store().load(documentId);
      const entry = await reopenDocument(context, info);
      return { volume: entry.meta, lastSeq: state.lastSeq };
    },
    'journal.discard': async ({ documentId }) => {
      await store().discard(documentId);
      return {};
    },
  };
}
