/** The page: toolbar, the view grid beside the annotation panel, the status bar; or an error panel. */
import { reaction } from 'mobx';
import type { RootStore } from '../stores/root-store';
import { el } from '../ui/dom';
import { EngineSettingsPanel } from '../ui/engine-settings';
import { FilePanel } from '../ui/file-panel';
import { HistoryPanel } from '../ui/history-panel';
import { ReviewPanel } from '../ui/review-panel';
import { PropagationPanel } from '../ui/propagation-panel';
import { SegmentsPanel } from '../ui/segments-panel';
import { StatisticsPanel } from '../ui/statistics-panel';
import { DicomSegPanel } from '../ui/dicom-seg-panel';
import { installShortcuts } from '../ui/shortcuts';
import { StatusBar } from '../ui/status-bar';
import { Toolbar } from '../ui/toolbar';
import { ToolsPanel } from '../ui/tools-panel';
import { ViewLayout } from '../views/view-layout';
import { browserStorage } from '../stores/stored-settings';
import { rememberWorkspaceSettings } from '../stores/workspace-settings';
import { installFileDrop } from '../ui/file-drop';
import { errorMessage, errorPanel } from './error-panel';

export class AppShell {
  readonly element: HTMLElement;
  readonly layout: ViewLayout;
  private readonly toolbar: Toolbar;
  private readonly statusBar: StatusBar;
  private readonly main: HTMLElement;
  private readonly stopRecovery: () => void;
  private readonly panels: { dispose(): void }[];
  private readonly stopShortcuts: () => void;
  private readonly stopSettings: () => void;
  private readonly stopDrops: () => void;
  private showingError = false;

  constructor(private readonly root: RootStore) {
    this.layout = new ViewLayout(root);
    this.toolbar = new Toolbar(root, (error) => {
      root.app.setNotice(`Could not open: ${errorMessage(error)}`);
    });
    this.statusBar = new StatusBar(root);
    const onError = (error: unknown): void => {
      root.app.setNotice(errorMessage(error));
    };
    const tools = new ToolsPanel(root);
    const engine = new EngineSettingsPanel(root);
    const segments = new SegmentsPanel(root);
    const history = new HistoryPanel(root);
    const review = new ReviewPanel(root, onError);
    const propagation = new PropagationPanel(root);
    const files = new FilePanel(root, onError);
    const statistics = new StatisticsPanel(root);
    const dicomSeg = new DicomSegPanel(root);
    this.panels = [tools, engine, segments, history, propagation, review, files, statistics, dicomSeg];
    const side = el('aside', { class: 'side-panel', 'data-testid': 'side-panel' }, [
      files.element,
      tools.element,
      engine.element,
      segments.element,
      statistics.element,
      propagation.element,
      history.element,
      review.element,
      dicomSeg.element,
    ]);
    this.main = el('main', { class: 'workspace' }, [this.layout.element]);
    this.element = el('div', { class: 'app-shell' }, [
      this.toolbar.element,
      el('div', { class: 'workspace-row' }, [this.main, side]),
      this.statusBar.element,
    ]);
    this.stopShortcuts = installShortcuts(root, {
      open: () => {
        side.querySelector<HTMLButtonElement>('[data-testid=open-file]')?.click();
      },
      save: () => {
        void files.saveSession();
      },
      export: () => {
        void files.export();
      },
    });
    this.stopSettings = rememberWorkspaceSettings(root.ui, root.tools, browserStorage());
    this.stopDrops = installFileDrop(root, this.element, (error) => {
      root.app.setNotice(`Could not open the drop: ${errorMessage(error)}`);
    });
    // After a failed start, a volume opened from the toolbar brings the views back.
    this.stopRecovery = reaction(
      () => root.volume.version,
      () => {
        if (!this.showingError) return;
        this.showingError = false;
        this.main.replaceChildren(this.layout.element);
        this.layout
          .whenDisplayed()
          .then(() => {
            root.app.markReady();
          })
          .catch((error: unknown) => {
            this.showError(errorMessage(error));
          });
      },
    );
  }

  /** Replaces the views with a message (start-up failed). */
  showError(message: string): void {
    this.root.app.fail(message);
    this.showingError = true;
    this.main.replaceChildren(errorPanel(message));
  }

  dispose(): void {
    this.stopRecovery();
    this.stopShortcuts();
    this.stopSettings();
    this.stopDrops();
    for (const panel of this.panels) panel.dispose();
    this.toolbar.dispose();
    this.statusBar.dispose();
    this.layout.dispose();
    this.element.remove();
  }
}
