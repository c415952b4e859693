/**
 * The worker's side of the channel to its host: Electron's utilityProcess exposes
 * `process.parentPort`, a forked Node child has `process.send`. Both carry structured clones.
 */
export interface HostPort {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
}

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

export function connectToHost(): HostPort {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => {
        parentPort.postMessage(message);
      },
      onMessage: (listener) => {
        parentPort.on('message', (event) => {
          listener(event.data);
        });
      },
    };
  }
  const send = process.send?.bind(process);
  if (!send) throw new Error('The inference worker must be started by its host (no IPC channel).');
  return {
    send: (message) => send(message),
    onMessage: (listener) => process.on('message', listener),
  };
}
