/**
 * Size and shape limits on a decoded payload, checked before zod sees it. zod (like any recursive
 * validator) overflows the stack on a value nested a few thousand levels deep, and a huge array or
 * string costs time and memory to validate; this walk is iterative, so no payload can crash it, and
 * it stops at the first limit passed.
 */

export interface PayloadLimits {
  /** Nesting of arrays and objects (the top-level value is depth 1). */
  readonly maxDepth: number;
  readonly maxArrayLength: number;
  /** In UTF-16 code units, for values and keys alike. */
  readonly maxStringLength: number;
  readonly maxKeys: number;
  /** Arrays, objects and scalars together. */
  readonly maxNodes: number;
}

/**
 * Far above anything the contract accepts (its deepest input is under 10 levels; its longest
 * array is 65,535 labels; paths are 4,096 characters), far below what costs anything to check.
 */
export const DEFAULT_PAYLOAD_LIMITS: PayloadLimits = {
  maxDepth: 64,
  maxArrayLength: 1 << 20,
  maxStringLength: 1 << 20,
  maxKeys: 1 << 16,
  maxNodes: 1 << 22,
};

/** Binary payloads are leaves: their size is the transport's frame limit's business. */
function isLeaf(value: object): boolean {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/**
 * Why the value passes a limit (one sentence), or undefined when it is within all of them.
 * Shared references are walked once per reference, so a graph built to repeat one node is
 * bounded by `maxNodes` like any other.
 */
export function payloadLimitProblem(value: unknown, limits: PayloadLimits = DEFAULT_PAYLOAD_LIMITS): string | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  // Counted when pushed, so the stack itself never holds more than maxNodes entries.
  let nodes = 1;
  const tooMany = `The message has more than ${limits.maxNodes} values.`;
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof current === 'string') {
      if (current.length > limits.maxStringLength) return `The message has a text of more than ${limits.maxStringLength} characters.`;
      continue;
    }
    if (typeof current !== 'object' || current === null || isLeaf(current)) continue;
    if (depth > limits.maxDepth) return `The message is nested more than ${limits.maxDepth} levels deep.`;
    if (Array.isArray(current)) {
      if (current.length > limits.maxArrayLength) return `The message has a list of more than ${limits.maxArrayLength} items.`;
      nodes += current.length;
      if (nodes > limits.maxNodes) return tooMany;
      for (const item of current as unknown[]) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(current);
    if (keys.length > limits.maxKeys) return `The message has an object of more than ${limits.maxKeys} keys.`;
    nodes += keys.length;
    if (nodes > limits.maxNodes) return tooMany;
    for (const key of keys) {
      if (key.length > limits.maxStringLength) return `The message has a key of more than ${limits.maxStringLength} characters.`;
      stack.push({ value: (current as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return undefined;
}
