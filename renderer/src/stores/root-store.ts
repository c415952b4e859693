/**
 * The root of the state tree. Domain stores (the volume, the segmentation, click prompts, the undo
 * history, the review against a reference), UI stores and the slice-view tools (tools/toolbox.ts,
 * which hold their own gesture and stroke state) hang off it; the transport client is injected, so
 * tests pass a fake one. Workflows that touch several stores (open, commit, undo, files) live here.
 */
import { runInAction } from 'mobx';
import type { ServiceClient } from '../../../electron/common/contract';
import { maskIndices } from '../segmentation/paint';
import { slicePixelToIndex } from '../../../electron/common/slice';
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

  constructor(readonly client: ServiceClient) {
    this.history = new HistoryStore(this.segmentation);
    this.prompts = new PromptStore(client);
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

  // ── segments ──────────────────────────────────────────────────────────────────────────────

  /** Deletes a segment and clears its voxels: one undoable step. */
  deleteSegment(value: number): void {
    runInAction(() => {
      const seg = this.segmentation;
      const row = seg.segment(value);
      if (row === undefined) return;
      const before = seg.segments;
      const diff = seg.removeSegment(value);
      this.history.record(`Delete ${row.name}`, diff, { before, after: seg.segments });
    });
  }

  // ── click prompts ───────────────────────────────────────────────────────────────────────────

  /** Finish (Enter): waits for the answer to the last click, then commits its preview. */
  async finishPrompt(): Promise<boolean> {
    await this.app.track(() => this.prompts.whenSettled());
    return this.commitPreview();
  }

  /** Writes the preview into the active segment (locked segments stay as they are). */
  commitPreview(): boolean {
    return runInAction(() => {
      const preview = this.prompts.preview;
      const g = this.segmentation.geometry;
      // A running propagation owns the labels until its one step is recorded (or taken back).
      if (preview === undefined || g === undefined || this.propagation.running) return false;
      const value = this.segmentation.ensureActive();
      if (value === undefined) return false;
      const indices = maskIndices(preview.mask, slicePixelToIndex(g.size, preview));
      const diff = this.segmentation.write(indices, value, { kind: 'slice', ref: preview });
      const name = this.segmentation.segment(value)?.name ?? String(value);
      this.history.record(`Clicks → ${name} (${this.prompts.summary}, slice ${preview.slice + 1})`, diff);
      this.prompts.markCommitted();
      return true;
    });
  }

  // ── undo ────────────────────────────────────────────────────────────────────────────────────

  undo(): void {
    // While a stroke or a propagation writes, its one undo step is not recorded yet.
    if (this.toolbox.stroking || this.propagation.running) return;
    runInAction(() => {
      this.history.undo();
    });
  }

  redo(): void {
    if (this.toolbox.stroking || this.propagation.running) return;
    runInAction(() => {
      this.history.redo();
    });
  }

  // ── label maps in and out ───────────────────────────────────────────────────────────────────
}
