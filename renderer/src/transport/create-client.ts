/** Picks the transport: the preload's bridge inside Electron, else serve mode's WebSocket. */
import type { PreloadBridge, ServiceClient } from '../../../electron/common/contract';
import { IpcClient } from './ipc-client';
import { WebSocketClient } from './ws-client';

export async function createServiceClient(): Promise<ServiceClient> {
  const bridge = (window as unknown as { isegBridge?: PreloadBridge }).isegBridge;
  if (bridge) return new IpcClient(bridge);
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const url = `ws://${window.location.host}/rpc?token=${encodeURIComponent(token)}`;
  return WebSocketClient.connect(url);
}
