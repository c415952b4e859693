/** Under Electron the inference worker is a utilityProcess (a Node child without Electron APIs). */
import { utilityProcess } from 'electron';
import type { WorkerLauncher } from '../node/worker-process';

export function utilityWorkerLauncher(entry: string): WorkerLauncher {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'iSeg inference', stdio: 'inherit' });
    return {
      get pid() {
        return child.pid;
      },
      postMessage: (message) => {
        child.postMessage(message);
      },
      onMessage: (listener) => {
        child.on('message', listener);
      },
      onExit: (listener) => {
        child.on('exit', (code) => {
          listener(code, null);
        });
      },
      kill: () => {
        child.kill();
      },
    };
  };
}
