/** The page: toolbar, the view grid, the status bar; or an error panel. */
import { reaction } from 'mobx';
import type { RootStore } from '../stores/root-store';
import { el } from '../ui/dom';
import { StatusBar } from '../ui/status-bar';
import { Toolbar } from '../ui/toolbar';
import { ViewLayout } from '../views/view-layout';
import { errorMessage, errorPanel } from './error-panel';

export class AppShell {
  readonly element: HTMLElement;
  readonly layout: ViewLayout;
  private readonly toolbar: Toolbar;
  private readonly statusBar: StatusBar;
  private readonly main: HTMLElement;
  private readonly stopRecovery: () => void;
  private showingError = false;

  constructor(private readonly root: RootStore) {
    this.layout = new ViewLayout(root);
    this.toolbar = new Toolbar(root, (error) => {
      root.app.setNotice(`Could not open: ${errorMessage(error)}`);
    });
    this.statusBar = new StatusBar(root);
    this.main = el('main', { class: 'workspace' }, [this.layout.element]);
    this.element = el('div', { class: 'app-shell' }, [
      this.toolbar.element,
      this.main,
      this.statusBar.element,
    ]);
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
    this.toolbar.dispose();
    this.statusBar.dispose();
    this.layout.dispose();
    this.element.remove();
  }
}
