/** On start: offers to restore the last unsaved work main has journalled. */
import type { PendingDocument } from '../../../electron/common/contract-journal';
import type { RecoveryStore } from '../stores/recovery-store';
import type { RootStore } from '../stores/root-store';
import { ask } from './ask';
import { errorMessage } from '../app/error-panel';

export function describePending(pending: PendingDocument): string {
  const when = new Date(pending.changed);
  const time = Number.isNaN(when.getTime()) ? 'earlier' : when.toLocaleString();
  const actions = `${pending.cursor} action${pending.cursor === 1 ? '' : 's'}`;
  return `${pending.imageName} has labels that were not exported or saved (${pending.labelledVoxels.toLocaleString('en')} labelled voxels, ${actions}; last change ${time}).`;
}

/** Asks, then restores or forgets; the outcome goes to the status line. */
export async function offerRestore(root: RootStore, recovery: RecoveryStore): Promise<void> {
  let pending: PendingDocument | undefined;
  try {
    pending = await recovery.pending();
  } catch (error) {
    root.app.setNotice(`Autosaved work could not be checked: ${errorMessage(error)}`);
    return;
  }
  if (pending === undefined) return;
  const restore = await ask({
    title: 'Restore unsaved work?',
    message: `${describePending(pending)}${pending.notice === undefined ? '' : ` ${pending.notice}`}`,
    confirm: 'Restore',
    cancel: 'Discard',
    testId: 'restore-offer',
  });
  try {
    if (restore) {
      const notice = await recovery.restore(pending.documentId);
      root.app.setNotice(`Restored the unsaved work on ${pending.imageName}.${notice === undefined ? '' : ` ${notice}`}`);
    } else await recovery.discard(pending.documentId);
  } catch (error) {
    root.app.setNotice(`The autosaved work could not be restored: ${errorMessage(error)}`);
  }
}
