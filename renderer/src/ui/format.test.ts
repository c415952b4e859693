import { describe, expect, it } from 'vitest';
import { formatEngine, formatInference, formatLatency, formatSize, formatSpacing, formatVoxel, formatWorld } from './format';

describe('format', () => {
  it('writes geometry compactly', () => {
    expect(formatSize([384, 384, 160])).toBe('384 × 384 × 160');
    expect(formatSpacing([0.3646, 0.365, 0.7])).toBe('0.365 × 0.365 × 0.7 mm');
    expect(formatWorld([1, -2.25, 3])).toBe('(1.0, -2.3, 3.0) mm');
    expect(formatVoxel([1, 2, 3], 42)).toBe('[1, 2, 3] = 42');
    expect(formatVoxel([1, 2, 3], undefined)).toBe('[1, 2, 3] = —');
  });

  it('describes the inference worker', () => {
    expect(formatInference(undefined)).toBe('AI: unknown');
    expect(formatInference({ state: 'ready', restarts: 0 })).toBe('AI: ready');
    expect(formatInference({ state: 'restarting', restarts: 2 })).toBe('AI: restarting (2 restarts)');
  });

  it('names the click engine and the last latency', () => {
    const engine = { clickModel: 'classical-growcut', kind: 'classical' as const, state: 'fallback' as const, label: 'classical', preference: 'auto' as const, messages: ['No click model is installed.'] };
    expect(formatEngine(engine, undefined).text).toBe('Click: classical');
    expect(formatEngine(engine, { modelId: 'isegformer-b', kind: 'onnx', ep: 'CPU', fallbackReason: undefined }).text).toBe('Click: isegformer-b (CPU)');
    expect(formatLatency(45.4, 30.6)).toBe('last click 45 ms (engine 31 ms)');
  });
});
