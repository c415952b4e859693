/**
 * Web Worker entry (dist/renderer/statistics-worker.js): segment statistics off the page's thread.
 * The image arrives once per volume (`image`), the labels with each request (`compute`); the answer
 * is `{ id, result, ms }` or `{ id, error }`.
 */
import { answerStatisticsMessage, type StatisticsMessage, type StatisticsWorkerState } from './statistics-protocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<StatisticsMessage>) => void) | null;
  postMessage(message: unknown): void;
}

const scope = globalThis as unknown as WorkerScope;
const state: StatisticsWorkerState = { image: undefined };
scope.onmessage = (event) => {
  const reply = answerStatisticsMessage(state, event.data);
  if (reply !== undefined) scope.postMessage(reply);
};
