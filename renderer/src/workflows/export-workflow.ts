/**
 * Exporting the working labels: the label map with the segment table and the provenance of what
 * made them since the image was opened (click models and clicks, applied propagations). A written
 * export is the labels' saved state (the unsaved-work guard and the autosave journal follow it).
 */
import { runInAction } from 'mobx';
import type { ServiceClient } from '../../../electron/common/contract';
import type { ModelDigest } from '../../../electron/common/contract-click';
import { labelPayload } from '../segmentation/label-payload';
import type { AppStore } from '../stores/app-store';
import type { HistoryStore } from '../stores/history-store';
import type { PromptStore } from '../stores/prompt-store';
import type { AppliedPropagation, PropagationStore } from '../stores/propagation-store';
import type { SegmentationStore } from '../stores/segmentation-store';
import type { VolumeStore } from '../stores/volume-store';

/** Each model once (by id and digest), in first-use order; copies, so the call owns its payload. */
export function distinctModels(models: readonly ModelDigest[]): ModelDigest[] {
  const seen = new Set<string>();
  const distinct: ModelDigest[] = [];
  for (const model of models) {
    const key = `${model.id}\n${model.sha256}`;
    if (seen.has(key)) continue;
    seen.add(key);
    distinct.push({ id: model.id, sha256: model.sha256 });
  }
  return distinct;
}

/** What an export reads (the root store's members); it marks the history saved. */
export interface ExportStores {
  readonly client: Pick<ServiceClient, 'call'>;
  readonly app: Pick<AppStore, 'track'>;
  readonly volume: Pick<VolumeStore, 'meta'>;
  readonly segmentation: Pick<SegmentationStore, 'labels' | 'segments'>;
  readonly history: Pick<HistoryStore, 'markSaved'>;
  readonly prompts: Pick<PromptStore, 'committedModels' | 'committedClicks'>;
  /** The applied propagations: the sidecar's runs, and their models among the models. */
  readonly propagation: Pick<PropagationStore, 'provenance'> & {
    readonly appliedRuns: readonly Pick<AppliedPropagation, 'model'>[];
  };
}

export class ExportWorkflow {
  constructor(private readonly stores: ExportStores) {}

  /** Writes the working labels with the segment table and provenance; resolves the path written. */
  async exportLabels(path: string): Promise<string> {
    const { client, app, volume, segmentation, history, prompts, propagation } = this.stores;
    const meta = volume.meta;
    const labels = segmentation.labels;
    if (meta === undefined || labels === undefined)
      throw new Error('Nothing to export: open an image first.');
    const propagationRuns = propagation.provenance;
    const answer = await app.track(() =>
      client.call('labels.export', {
        volumeId: meta.id,
        path,
        ...labelPayload(labels, segmentation.segments),
        // What made these labels since the image was opened: the click models of committed masks,
        // the propagation models of applied runs (each once), and the propagation settings.
        provenance: {
          models: distinctModels([
            ...prompts.committedModels,
            ...propagation.appliedRuns.flatMap((run) => (run.model ? [run.model] : [])),
          ]),
          clicks: prompts.committedClicks,
          ...(propagationRuns === undefined ? {} : { propagation: propagationRuns }),
        },
      }),
    );
    runInAction(() => {
      history.markSaved();
    });
    return answer.path;
  }
}
