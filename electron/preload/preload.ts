/**
 * The only bridge between the sandboxed page and the main process. It exposes three functions,
 * refuses any method not in the contract, and never hands the page `ipcRenderer` itself.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { CHANNEL_PREFIX, EVENT_CHANNEL, isMethodName, type CallResult, type PreloadBridge } from '../common/contract';
import { droppedFileGranter } from './drop-bridge';

const bridge: PreloadBridge = {
  invoke: (method, input) => {
    if (!isMethodName(method)) {
      return Promise.resolve<CallResult>({ ok: false, error: { code: 'unknown-method', message: 'Unknown method.' } });
    }
    return ipcRenderer.invoke(`${CHANNEL_PREFIX}${method}`, input) as Promise<CallResult>;
  },
  onEvent: (listener) => {
    const wrapped = (_event: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (typeof name === 'string') listener(name as Parameters<typeof listener>[0], payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
    };
  },
  grantDroppedFile: droppedFileGranter({
    pathForFile: (file) => webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]),
    invoke: (channel, path) => ipcRenderer.invoke(channel, path),
  }),
};

contextBridge.exposeInMainWorld('isegBridge', bridge);
