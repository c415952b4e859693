import { describe, expect, it } from 'vitest';
import { describeGate } from './propagation-panel';

describe('describeGate', () => {
  it('says what the gate chose between and beyond the given slices', () => {
    expect(describeGate({ label: 1, between: 'interpolation', before: 'none', after: 'none', scores: { heldOut: [5], memory: 0.5, interpolation: 0.9 } }, 'Femur')).toBe(
      'Femur: interpolation between your slices (held-out Dice: memory 0.50, interpolation 0.90); nothing beyond them',
    );
    expect(describeGate({ label: 1, between: 'grow', before: 'grow', after: 'grow', scores: { heldOut: [5, 9], memory: 0.6, interpolation: 0.7, grow: 0.9 } }, 'Femur')).toBe(
      'Femur: growing between your slices (held-out Dice: memory 0.60, interpolation 0.70, growing 0.90); growing beyond them',
    );
    expect(describeGate({ label: 1, between: 'memory', before: 'memory', after: 'none' }, 'Tibia')).toBe('Tibia: memory between your slices (one slice: memory); memory before, nothing after them');
  });

  it('says, where interpolation won, how each end slice was predicted (slices counted from 1)', () => {
    const decision = {
      label: 1,
      between: 'interpolation',
      before: 'memory',
      after: 'none',
      scores: { heldOut: [40], memory: 0.9, interpolation: 0.95 },
      beyond: { before: { slice: 29, memory: 0.918, grow: 0.846 }, after: { slice: 136, memory: 0, grow: 0.706 } },
    } as const;
    expect(describeGate(decision, 'Femur')).toBe(
      'Femur: interpolation between your slices (held-out Dice: memory 0.90, interpolation 0.95); memory before (slice 30 predicted: memory 0.92, growing 0.85), nothing after them (slice 137 predicted: memory 0.00, growing 0.71)',
    );
  });

  it('says which method ran from one given slice, and how each came back to it', () => {
    expect(describeGate({ label: 2, between: 'memory', before: 'grow', after: 'grow', oneSlice: { memory: 0.7, grow: 0.856 } }, 'Ventricle')).toBe(
      'Ventricle: from your one slice, grown slice to slice (out and back to your slice, Dice: memory 0.70, growing 0.86)',
    );
    expect(describeGate({ label: 3, between: 'memory', before: 'memory', after: 'memory', oneSlice: { memory: 0.9, grow: 0.8 } }, 'Thalamus')).toBe(
      'Thalamus: from your one slice, the memory network (out and back to your slice, Dice: memory 0.90, growing 0.80)',
    );
  });
});
