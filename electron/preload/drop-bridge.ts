/**
 * The preload's half of a drop in the desktop app, kept free of Electron so it can be tested:
 * Electron's webUtils knows the path of a File the user dropped; main grants it. A File the page
 * made itself has no path, and is refused here.
 */
import { DROP_GRANT_CHANNEL } from '../common/dropped-files';
import type { CallResult } from '../common/contract';

export interface DropBridgeDeps {
  /** webUtils.getPathForFile: '' for a File with nothing on disk behind it. */
  readonly pathForFile: (file: unknown) => string;
  readonly invoke: (channel: string, path: string) => Promise<unknown>;
}

export function droppedFileGranter(deps: DropBridgeDeps): (file: unknown) => Promise<CallResult> {
  return async (file) => {
    let path = '';
    try {
      path = deps.pathForFile(file);
    } catch {
      // Not a File at all.
    }
    if (path === '')
      return {
        ok: false,
        error: { code: 'bad-request', message: 'That drop has no file on this computer behind it.' },
      };
    return (await deps.invoke(DROP_GRANT_CHANNEL, path)) as CallResult;
  };
}
