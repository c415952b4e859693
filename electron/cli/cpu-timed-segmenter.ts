/** A click segmenter that reports the CPU time of each predict, for the benchmark and evaluation commands. */
import type { ClickSegmenter } from '../common/click/types';

/**
 * Wraps `segmenter` so that `onPredict` gets the CPU milliseconds (all threads of this process) of
 * every predict call: unlike wall time, a figure that does not grow when other processes compete
 * for the cores.
 */
export function cpuTimedSegmenter(segmenter: ClickSegmenter, onPredict: (cpuMs: number) => void): ClickSegmenter {
  return {
    id: segmenter.id,
    kind: segmenter.kind,
    threshold: segmenter.threshold,
    predict: async (...args) => {
      const before = process.cpuUsage();
      const probabilities = await segmenter.predict(...args);
      const used = process.cpuUsage(before);
      onPredict((used.user + used.system) / 1000);
      return probabilities;
    },
  };
}
