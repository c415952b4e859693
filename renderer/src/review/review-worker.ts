/**
 * Web Worker entry (dist/renderer/review-worker.js): review metrics off the page's thread, since
 * HD95 over a knee's four labels takes seconds. Each message is one ReviewInput; the answer is
 * `{ id, result }` or `{ id, error }`.
 */
import { computeReview, type ReviewInput } from './review-compute';

interface WorkerScope {
  onmessage: ((event: MessageEvent<{ id: number; input: ReviewInput }>) => void) | null;
  postMessage(message: unknown): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (event) => {
  const { id, input } = event.data;
  try {
    scope.postMessage({ id, result: computeReview(input) });
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
