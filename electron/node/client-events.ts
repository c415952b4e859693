/**
 * Events the services push to one client (the page that started a propagation, say). The services
 * emit here without knowing the transport; the Electron main process forwards to its window and
 * serve mode to that client's WebSocket. A client that has gone simply misses its events.
 */
import type { EventName, EventPayload } from '../common/contract';

export type ClientEventListener = <E extends EventName>(clientId: string, name: E, payload: EventPayload<E>) => void;

export class ClientEvents {
  private readonly listeners = new Set<ClientEventListener>();

  emit<E extends EventName>(clientId: string, name: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener(clientId, name, payload);
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: ClientEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
