import { describe, expect, it } from 'vitest';
import { gateDecisionSchema } from './contract-propagation';

describe('gateDecisionSchema', () => {
  const grown = { label: 83, between: 'grow', before: 'grow', after: 'grow', oneSlice: { memory: 0.6, grow: 0.79 } };

  it("accepts what auto records from one slice, with or without growing's leak per side", () => {
    expect(gateDecisionSchema.parse(grown)).toEqual(grown);
    expect(gateDecisionSchema.parse({ ...grown, leakFrom: { before: 171 } })).toEqual({ ...grown, leakFrom: { before: 171 } });
    expect(gateDecisionSchema.parse({ ...grown, leakFrom: { before: 171, after: 250 } }).leakFrom).toEqual({ before: 171, after: 250 });
  });

  it('refuses a leak at no slice, and scores outside 0–1', () => {
    expect(gateDecisionSchema.safeParse({ ...grown, leakFrom: { after: -1 } }).success).toBe(false);
    expect(gateDecisionSchema.safeParse({ ...grown, leakFrom: { after: 1.5 } }).success).toBe(false);
    expect(gateDecisionSchema.safeParse({ ...grown, oneSlice: { memory: 1.2, grow: 0.5 } }).success).toBe(false);
  });
});
