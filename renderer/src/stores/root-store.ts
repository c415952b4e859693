/**
 * The root of the state tree, composition only. Domain stores (the volume, the segmentation, click
 * prompts, the undo history, the review against a reference), UI stores, the slice-view tools
 * (tools/toolbox.ts) and the workflows across stores (workflows/: open, label files, review, export,
 * sessions, label edits) hang off it; each workflow reads the stores it needs from here. The
 * transport client is injected, so tests pass a fake one.
 */
import { reaction } from 'mobx';
import type { ServiceClient } from '../../../electron/common/contract';
import { AppStore } from './app-store';
import { browserStorage, EngineSettingsStore } from './engine-settings-store';
import { HistoryStore } from './history-store';
import { PromptStore } from './prompt-store';
import { ReviewStore } from './review-store';
import { SegmentationStore } from './segmentation-store';
import { ToolStore } from './tool-store';
import { UiStore } from './ui-store';
import { VolumeStore } from './volume-store';
import { PropagationStore } from './propagation-store';
import { RecentFilesStore } from './recent-files';
import { Toolbox } from '../tools/toolbox';
import { OpenWorkflow } from '../workflows/open-workflow';
import { LabelFiles } from '../workflows/label-files';
import { ReviewWorkflow } from '../workflows/review-workflow';
import { ExportWorkflow } from '../workflows/export-workflow';
import { SessionWorkflow } from '../workflows/session-workflow';
import { LabelEdits } from '../workflows/label-edits';

export class RootStore {
  readonly app = new AppStore();
  readonly volume = new VolumeStore();
  readonly ui = new UiStore(this.volume);
  readonly segmentation = new SegmentationStore();
  readonly history: HistoryStore;
  readonly prompts: PromptStore;
  readonly propagation: PropagationStore;
  readonly engineSettings: EngineSettingsStore;
  readonly review = new ReviewStore();
  readonly tools = new ToolStore();
  /** The images opened lately and the last folder, kept in the page's storage. */
  readonly recent = new RecentFilesStore(browserStorage());
  /** The slice-view tools, one object each (SliceInteraction hands them the pointer). */
  readonly toolbox: Toolbox;
  readonly openWorkflow: OpenWorkflow;
  readonly labelFiles: LabelFiles;
  readonly reviewWorkflow: ReviewWorkflow;
  readonly exportWorkflow: ExportWorkflow;
  readonly sessionWorkflow: SessionWorkflow;
  readonly labelEdits: LabelEdits;

  constructor(readonly client: ServiceClient) {
    this.history = new HistoryStore(this.segmentation);
    this.prompts = new PromptStore(client, (ref) => this.segmentation.activeSliceMask(ref));
    this.propagation = new PropagationStore(client, this.app, this.volume, this.segmentation, this.history);
    this.engineSettings = new EngineSettingsStore(client, this.app, this.prompts, browserStorage());
    this.toolbox = new Toolbox({
      app: this.app,
      volume: this.volume,
      ui: this.ui,
      tools: this.tools,
      prompts: this.prompts,
      segmentation: this.segmentation,
      history: this.history,
      propagation: this.propagation,
    });
    this.openWorkflow = new OpenWorkflow(this);
    this.labelFiles = new LabelFiles(this);
    this.reviewWorkflow = new ReviewWorkflow(this);
    this.exportWorkflow = new ExportWorkflow(this);
    this.sessionWorkflow = new SessionWorkflow(this);
    this.labelEdits = new LabelEdits(this);
    // While a stroke or a propagation writes, its one undo step is not recorded yet.
    this.history.holdWhile(() => this.toolbox.stroking || this.propagation.running);
    // A prompt that started from one segment's pixels refines that segment: choosing another drops it
    // (committed into the other, its mask would repaint the first segment's pixels).
    reaction(
      () => this.segmentation.activeValue,
      (value) => {
        const start = this.prompts.preview?.startedFrom;
        if (start !== undefined && start.value !== value) this.prompts.cancel();
      },
    );
  }

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
}
