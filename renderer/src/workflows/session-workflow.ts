/**
 * Sessions: saving writes the working labels beside the session file (`<name>.labels.nii.gz`, with
 * the sidecar naming the segments) and a session file naming the image and them; opening one reopens
 * the image and loads its labels as the starting point, with no undo before it.
 */
import { runInAction } from 'mobx';
import type { ServiceClient } from '../../../electron/common/contract';
import { SESSION_SUFFIX } from '../../../electron/common/session-file';
import type { AppStore } from '../stores/app-store';
import type { HistoryStore } from '../stores/history-store';
import type { SegmentationStore } from '../stores/segmentation-store';
import type { VolumeStore } from '../stores/volume-store';
import type { ExportWorkflow } from './export-workflow';
import type { LabelFiles } from './label-files';
import type { OpenWorkflow } from './open-workflow';

/** What a session reads and writes, and the workflows it is made of (the root store's members). */
export interface SessionStores {
  readonly client: Pick<ServiceClient, 'call'>;
  readonly app: Pick<AppStore, 'track'>;
  readonly volume: Pick<VolumeStore, 'meta'>;
  readonly segmentation: Pick<SegmentationStore, 'activeValue' | 'segment' | 'setActive'>;
  readonly history: Pick<HistoryStore, 'clear'>;
  readonly openWorkflow: Pick<OpenWorkflow, 'openSample' | 'openFile'>;
  readonly labelFiles: Pick<LabelFiles, 'loadWorkingLabels'>;
  readonly exportWorkflow: Pick<ExportWorkflow, 'exportLabels'>;
}

export class SessionWorkflow {
  constructor(private readonly stores: SessionStores) {}

  /** Saves the session at `sessionPath` (`.iseg.json` added when missing); resolves the path written. */
  async saveSession(sessionPath: string): Promise<string> {
    const { client, app, volume, segmentation, exportWorkflow } = this.stores;
    const meta = volume.meta;
    if (meta === undefined) throw new Error('Nothing to save: open an image first.');
    const stem = sessionPath.endsWith(SESSION_SUFFIX)
      ? sessionPath.slice(0, -SESSION_SUFFIX.length)
      : sessionPath;
    const path = sessionPath.endsWith(SESSION_SUFFIX) ? sessionPath : `${sessionPath}${SESSION_SUFFIX}`;
    const labelsPath = await exportWorkflow.exportLabels(`${stem}.labels.nii.gz`);
    const active = segmentation.activeValue;
    const written = await app.track(() =>
      client.call('session.write', {
        path,
        volumeId: meta.id,
        labelsPath,
        ...(active !== undefined ? { activeSegment: active } : {}),
      }),
    );
    return written.path;
  }

  /** Reopens a saved session: its image, then its labels as the starting point (no undo before it). */
  async openSession(path: string): Promise<void> {
    const { client, app, segmentation, history, openWorkflow, labelFiles } = this.stores;
    const session = await app.track(() => client.call('session.read', { path }));
    if (session.sample === true) await openWorkflow.openSample();
    else await openWorkflow.openFile(session.imagePath, session.seriesUid);
    await labelFiles.loadWorkingLabels(session.labelsPath);
    runInAction(() => {
      history.clear();
      if (session.activeSegment !== undefined && segmentation.segment(session.activeSegment)) {
        segmentation.setActive(session.activeSegment);
      }
    });
  }
}
