/**
 * Web Worker entry (dist/renderer/propagation-merge-worker.js): a propagation's one undo diff off
 * the page's thread (propagation-merge.ts). The diff's codes go back transferred.
 */
import { answerMergeMessage, type MergeMessage } from './propagation-merge';

interface WorkerScope {
  onmessage: ((event: MessageEvent<MergeMessage>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (event) => {
  const reply = answerMergeMessage(event.data);
  scope.postMessage(reply, 'diff' in reply ? [reply.diff.codes.buffer] : []);
};
