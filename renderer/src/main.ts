/**
 * Renderer entry: connect to the services, build the stores and the page, show the initial volume,
 * and tell tests when it is on screen (see app/document-state.ts).
 */
import { configure } from 'mobx';
import { AppShell } from './app/app-shell';
import { bindDocumentState, setDocumentState } from './app/document-state';
import { errorMessage, errorPanel } from './app/error-panel';
import { RootStore } from './stores/root-store';
import { createServiceClient } from './transport/create-client';
import { RecoveryStore } from './stores/recovery-store';
import { bindAutosaveState } from './app/autosave-state';
import { guardUnload } from './ui/unsaved-guard';
import { offerRestore } from './ui/restore-offer';

configure({ enforceActions: 'always' });

async function start(): Promise<void> {
  let client;
  try {
    client = await createServiceClient();
  } catch (error) {
    document.body.replaceChildren(
      errorPanel(`Could not connect to the iSeg services: ${errorMessage(error)}`),
    );
    setDocumentState('error', false);
    return;
  }
  const root = new RootStore(client);
  bindDocumentState(root.app);
  const shell = new AppShell(root);
  document.body.replaceChildren(shell.element);
  shell.layout.measure();
  root.connect();
  // Autosave: every committed edit is journalled by main; a close or reload with unsaved labels asks.
  const recovery = new RecoveryStore(root);
  recovery.start();
  bindAutosaveState(recovery, client);
  guardUnload(root);
  root.loadInfo().catch((error: unknown) => {
    root.app.setNotice(`Service info unavailable: ${errorMessage(error)}`);
  });
  // Lists the click models once: the status bar's engine, the Click engine section, and the saved
  // choice re-applied where the engine runs something else.
  void root.engineSettings.start().then(() => {
    const problem = root.engineSettings.error;
    if (problem !== undefined) root.app.setNotice(`Click engine unavailable: ${problem}`);
  });
  try {
    await root.openWorkflow.openInitial();
    await shell.layout.whenDisplayed();
    root.app.markReady();
  } catch (error) {
    shell.showError(errorMessage(error));
  }
  // After a crash, kill or reload: the last unsaved work, if main journalled any.
  await offerRestore(root, recovery);
}

void start();
