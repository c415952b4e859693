/** Turns every contract method into an IPC handler with a sender check and input validation. */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CHANNEL_PREFIX, EVENT_CHANNEL, METHOD_NAMES, type EventName, type EventPayload } from '../common/contract';
import { dispatch, type ServiceHandlers } from '../common/dispatch';
import { isTrustedSenderUrl } from './security';
import { DROP_GRANT_CHANNEL } from '../common/dropped-files';
import type { FileAccessPolicy } from '../node/file-access';

const UNTRUSTED_FRAME = { ok: false, error: { code: 'not-allowed', message: 'This frame may not call iSeg services.' } } as const;

function fromTrustedFrame(event: IpcMainInvokeEvent): boolean {
  return isTrustedSenderUrl(event.senderFrame?.url) && !event.senderFrame?.parent;
}

export function registerIpcHandlers(handlers: ServiceHandlers, log: (message: string) => void): void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(`${CHANNEL_PREFIX}${method}`, (event: IpcMainInvokeEvent, input: unknown) => {
      if (!fromTrustedFrame(event)) return UNTRUSTED_FRAME;
      return dispatch(handlers, method, input, {
        onInternalError: (m, error) => {
          log(`Internal error in ${m}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        },
      });
    });
  }
}

export function sendEvent<E extends EventName>(contents: WebContents, name: E, payload: EventPayload<E>): void {
  if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, name, payload);
}

/**
 * The preload's channel for a dropped file: only the preload reaches it (the page has no
 * ipcRenderer), and it sends only a path Electron gave for a File the user dropped or picked.
 */
export function registerDropGrant(files: FileAccessPolicy): void {
  ipcMain.handle(DROP_GRANT_CHANNEL, async (event: IpcMainInvokeEvent, path: unknown) => {
    if (!fromTrustedFrame(event)) return UNTRUSTED_FRAME;
    if (typeof path !== 'string' || path === '' || path.length > 4096 || path.includes('\0'))
      return { ok: false, error: { code: 'bad-request', message: 'That drop has no usable path.' } };
    try {
      return { ok: true, output: { path: await files.grant(path) } };
    } catch {
      return { ok: false, error: { code: 'not-found', message: 'The dropped file or folder is no longer there.' } };
    }
  });
}
