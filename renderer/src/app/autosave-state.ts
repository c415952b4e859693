/**
 * Autosave and connection state on the <html> element, for tests and the curious:
 *   data-autosave     = "idle" | "saving" | "offline" | "off" | "failed";
 *   data-autosave-seq = the last journal record main has on disk for the open document;
 *   data-connection   = "open" | "lost" (serve mode).
 */
import { autorun } from 'mobx';
import type { ServiceClient } from '../../../electron/common/contract';
import type { RecoveryStore } from '../stores/recovery-store';
import { isConnectionAware } from '../transport/connection';

export function bindAutosaveState(recovery: RecoveryStore, client: ServiceClient): () => void {
  const root = document.documentElement;
  const stopAutosave = autorun(() => {
    root.dataset.autosave = recovery.state;
    root.dataset.autosaveSeq = String(recovery.ackedSeq);
  });
  if (!isConnectionAware(client)) return stopAutosave;
  root.dataset.connection = client.connection;
  const stopConnection = client.onConnectionChange((state) => {
    root.dataset.connection = state;
  });
  return () => {
    stopAutosave();
    stopConnection();
  };
}
