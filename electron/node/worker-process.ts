/**
 * A handle on the separate process that runs the inference worker. Electron's `utilityProcess`
 * and Node's `child_process.fork` both fit behind it, so the host logic is the same (and tested)
 * under Electron, in serve mode and in the CLI.
 */
import { fork } from 'node:child_process';

export interface WorkerProcess {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  kill(): void;
}

export type WorkerLauncher = () => WorkerProcess;

/**
 * Plain Node: a forked child with structured-clone serialisation, so ArrayBuffers travel as
 * binary (copied once), never as JSON number arrays. A native crash in ONNX Runtime kills only it.
 */
export function nodeWorkerLauncher(entry: string, execArgv: string[] = []): WorkerLauncher {
  return () => {
    const child = fork(entry, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    return {
      get pid() {
        return child.pid;
      },
      postMessage: (message) => {
        if (child.connected) child.send(message as never);
      },
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code, signal) => listener(code, signal)),
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  };
}
