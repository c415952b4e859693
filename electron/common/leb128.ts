/**
 * Unsigned LEB128 integers (7 bits per byte, high bit = more follows): the coding of packed label
 * diffs (label-diff.ts) and of a propagation's seed runs (propagation/seed-runs.ts), where most
 * numbers are small gaps and lengths that fit one byte.
 */

/** Appends unsigned LEB128 integers (below 2³²) to a growing byte buffer. */
export class Leb128Writer {
  private bytes: Uint8Array<ArrayBuffer>;
  length = 0;

  constructor(initialBytes = 256) {
    this.bytes = new Uint8Array(Math.max(8, initialBytes));
  }

  push(value: number): void {
    if (this.length + 5 > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    let v = value >>> 0;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.bytes[this.length++] = v;
  }

  /** The bytes written, in an array of their own. */
  finish(): Uint8Array<ArrayBuffer> {
    return this.bytes.slice(0, this.length);
  }
}

/** Reads unsigned LEB128 integers in order; `truncated` makes the error for codes that end mid-number. */
export class Leb128Reader {
  at = 0;

  constructor(
    private readonly codes: Uint8Array,
    private readonly truncated: () => Error,
  ) {}

  get done(): boolean {
    return this.at >= this.codes.length;
  }

  read(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = this.codes[this.at++];
      if (byte === undefined) throw this.truncated();
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  }
}
