import { describe, expect, it } from 'vitest';
import { describeGate } from './propagation-panel';

describe('describeGate', () => {
  it('says what the gate chose between the given slices, with the held-out Dice, and what runs beyond them', () => {
    expect(
      describeGate({ label: 1, between: 'interpolation', before: 'consensus', after: 'consensus', scores: { heldOut: [5], memory: 0.5, interpolation: 0.9, grow: 0.7, consensus: 0.88 } }, 'Femur'),
    ).toBe('Femur: interpolation between your slices (held-out Dice: memory 0.50, interpolation 0.90, growing 0.70, consensus 0.88); memory and growing where they agree beyond them');
    expect(
      describeGate({ label: 1, between: 'consensus', before: 'consensus', after: 'consensus', scores: { heldOut: [5, 9], memory: 0.6, interpolation: 0.7, grow: 0.9, consensus: 0.856 } }, 'Femur'),
    ).toBe(
      'Femur: the consensus of memory, interpolation and growing between your slices (held-out Dice: memory 0.60, interpolation 0.70, growing 0.90, consensus 0.86); memory and growing where they agree beyond them',
    );
  });

  it('says when one method ran alone', () => {
    expect(describeGate({ label: 1, between: 'grow', before: 'grow', after: 'grow', scores: { heldOut: [5], memory: 0, interpolation: 0.05, grow: 0.92, consensus: 0.09 } }, 'Femur')).toBe(
      'Femur: growing alone between your slices (held-out Dice: memory 0.00, interpolation 0.05, growing 0.92, consensus 0.09); growing beyond them',
    );
  });

  it('says which method ran from one given slice, and how each came back to it', () => {
    expect(describeGate({ label: 2, between: 'grow', before: 'grow', after: 'grow', oneSlice: { memory: 0.7, grow: 0.856 } }, 'Ventricle')).toBe(
      'Ventricle: from your one slice, grown slice to slice (out and back to your slice, Dice: memory 0.70, growing 0.86)',
    );
    expect(describeGate({ label: 3, between: 'consensus', before: 'consensus', after: 'consensus', oneSlice: { memory: 0.9, grow: 0.8 } }, 'Thalamus')).toBe(
      'Thalamus: from your one slice, where the memory network and growing agree (out and back to your slice, Dice: memory 0.90, growing 0.80)',
    );
  });

  it('says from which slices (counted from 1, as the views show them) growing was held to the memory network', () => {
    const grown = { label: 2, between: 'grow', before: 'grow', after: 'grow', oneSlice: { memory: 0.7, grow: 0.856 } } as const;
    expect(describeGate({ ...grown, leakFrom: { after: 40 } }, 'Meniscus')).toBe(
      'Meniscus: from your one slice, grown slice to slice (out and back to your slice, Dice: memory 0.70, growing 0.86); where growing spread too far (from slice 41 outward), only what the memory network also holds',
    );
    expect(describeGate({ ...grown, leakFrom: { before: 9, after: 40 } }, 'Meniscus')).toContain('(from slice 10 and 41 outward)');
  });
});
