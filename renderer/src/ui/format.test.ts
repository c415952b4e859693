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
    const away = { state: 'restarting' as const, restarts: 6, retryInMs: 10_000, message: 'it crashed 6 times in a minute; the next start is in 10 s' };
    expect(formatInference(away)).toBe('AI: restarting (6 restarts) — unavailable: it crashed 6 times in a minute; the next start is in 10 s');
  });

  it('names the click engine and the last latency', () => {
    const engine = { clickModel: 'classical-growcut', kind: 'classical' as const, state: 'fallback' as const, label: 'classical', preference: 'auto' as const, messages: ['No click model is installed.'] };
    expect(formatEngine(engine, undefined).text).toBe('Click: classical');
    expect(formatEngine(engine, { modelId: 'isegformer-b', kind: 'onnx', ep: 'CPU', fallbackReason: undefined }).text).toBe('Click: isegformer-b (CPU)');
    const fellBack = { modelId: 'classical-growcut', kind: 'classical' as const, ep: undefined, fallbackReason: 'The inference worker is unavailable.' };
    expect(formatEngine(engine, fellBack)).toMatchObject({ text: 'Click: classical (model unavailable)', title: 'The inference worker is unavailable.' });
    expect(formatEngine(engine, { ...fellBack, fallbackReason: undefined }).text).toBe('Click: classical');
    expect(formatEngine(engine, { ...fellBack, ranIn: 'main' }).text).toBe('Click: classical (model unavailable; in the main process)');
    expect(formatEngine(engine, { ...fellBack, fallbackReason: undefined, ranIn: 'worker' }).text).toBe('Click: classical');
    expect(formatLatency(45.4, 30.6)).toBe('last click 45 ms (engine 31 ms)');
  });
});
