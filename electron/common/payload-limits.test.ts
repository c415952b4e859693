import { describe, expect, it } from 'vitest';
import { DEFAULT_PAYLOAD_LIMITS, payloadLimitProblem, type PayloadLimits } from './payload-limits';

function nestedArrays(depth: number): unknown {
  let value: unknown = 1;
  for (let n = 0; n < depth; n++) value = [value];
  return value;
}

const small: PayloadLimits = { maxDepth: 4, maxArrayLength: 5, maxStringLength: 8, maxKeys: 3, maxNodes: 20 };

describe('payloadLimitProblem', () => {
  it('passes ordinary payloads, binary buffers included', () => {
    expect(payloadLimitProblem({ a: [1, 'two', { b: null }], c: new ArrayBuffer(1 << 20), d: new Uint8Array(9) })).toBeUndefined();
    expect(payloadLimitProblem(nestedArrays(DEFAULT_PAYLOAD_LIMITS.maxDepth - 1))).toBeUndefined();
    expect(payloadLimitProblem(undefined)).toBeUndefined();
  });

  it('refuses nesting past the limit without overflowing the stack, even 100,000 levels deep', () => {
    expect(payloadLimitProblem(nestedArrays(DEFAULT_PAYLOAD_LIMITS.maxDepth + 1))).toBe('The message is nested more than 64 levels deep.');
    expect(payloadLimitProblem(nestedArrays(100_000))).toMatch(/nested more than 64 levels/);
    let object: unknown = {};
    for (let n = 0; n < 100_000; n++) object = { a: object };
    expect(payloadLimitProblem(object)).toMatch(/nested more than 64 levels/);
  });

  it('refuses long lists, long texts and keys, wide objects and too many values', () => {
    expect(payloadLimitProblem([1, 2, 3, 4, 5, 6], small)).toBe('The message has a list of more than 5 items.');
    expect(payloadLimitProblem({ a: 'x'.repeat(9) }, small)).toBe('The message has a text of more than 8 characters.');
    expect(payloadLimitProblem({ ['k'.repeat(9)]: 1 }, small)).toBe('The message has a key of more than 8 characters.');
    expect(payloadLimitProblem({ a: 1, b: 2, c: 3, d: 4 }, small)).toBe('The message has an object of more than 3 keys.');
    expect(payloadLimitProblem([[1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]], small)).toBe(
      'The message has more than 20 values.',
    );
    expect(payloadLimitProblem([[1, 2], 'abc', { a: 1 }], small)).toBeUndefined();
  });

  it('bounds a value that repeats one shared node many times', () => {
    const shared = [1, 2, 3, 4, 5];
    const wide = [shared, shared, shared, shared, shared];
    expect(payloadLimitProblem([wide, wide, wide, wide, wide], { ...small, maxNodes: 100 })).toBe('The message has more than 100 values.');
  });
});
