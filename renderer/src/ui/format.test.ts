import { describe, expect, it } from 'vitest';
import { formatInference, formatSize, formatSpacing, formatVoxel, formatWorld } from './format';

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
});
