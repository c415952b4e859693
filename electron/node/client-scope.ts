/**
 * Which client a service call comes from, without threading it through every handler: serve mode
 * runs each call inside `run(clientId, …)`, and what the call holds (open volumes) is counted per
 * client and let go when that client disconnects. The desktop app has one client, LOCAL_CLIENT.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export const LOCAL_CLIENT = 'local';

export class ClientScope {
  private readonly storage = new AsyncLocalStorage<string>();
  private readonly releaseListeners = new Set<(clientId: string) => void>();

  run<T>(clientId: string, work: () => T): T {
    return this.storage.run(clientId, work);
  }

  /** The client whose call is running, or LOCAL_CLIENT outside any. */
  current(): string {
    return this.storage.getStore() ?? LOCAL_CLIENT;
  }

  /** Told when a client is gone, so what it held can be let go. */
  onRelease(listener: (clientId: string) => void): () => void {
    this.releaseListeners.add(listener);
    return () => this.releaseListeners.delete(listener);
  }

  release(clientId: string): void {
    for (const listener of this.releaseListeners) listener(clientId);
  }
}

/** The process's scope: serve mode's server and the services' registry meet here. */
export const clientScope = new ClientScope();
