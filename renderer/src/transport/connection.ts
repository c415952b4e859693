/**
 * What a transport that can lose its connection tells the page (serve mode's WebSocket; the
 * Electron bridge never loses it). "lost": calls fail at once while it reconnects; "open" again
 * after a reconnect (the services behind it may be a new process that forgot its open images).
 */
import type { ServiceClient } from '../../../electron/common/contract';

export type ConnectionState = 'open' | 'lost';

export interface ConnectionAware {
  readonly connection: ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

export function isConnectionAware(client: ServiceClient): client is ServiceClient & ConnectionAware {
  return typeof (client as Partial<ConnectionAware>).onConnectionChange === 'function';
}

/** The wait before reconnect attempt `n` (0-based): quick at first, then every few seconds. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(250 * 2 ** attempt, 4000);
}
