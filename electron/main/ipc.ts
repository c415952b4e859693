/** Turns every contract method into an IPC handler with a sender check and input validation. */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CHANNEL_PREFIX, EVENT_CHANNEL, METHOD_NAMES, type EventName, type EventPayload } from '../common/contract';
import { dispatch, type ServiceHandlers } from '../common/dispatch';
import { isTrustedSenderUrl } from './security';

export function registerIpcHandlers(handlers: ServiceHandlers, log: (message: string) => void): void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(`${CHANNEL_PREFIX}${method}`, (event: IpcMainInvokeEvent, input: unknown) => {
      if (!isTrustedSenderUrl(event.senderFrame?.url) || event.senderFrame?.parent) {
        return { ok: false, error: { code: 'not-allowed', message: 'This frame may not call iSeg services.' } };
      }
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
