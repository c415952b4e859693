import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { gunzipBinding, inflateFileInto } from './gunzip-into';
import { inflateInto } from './read-nifti';

const dir = mkdtempSync(join(tmpdir(), 'iseg-gunzip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function write(bytes: Uint8Array): string {
  const path = join(dir, `f${files++}.gz`);
  writeFileSync(path, bytes);
  return path;
}

/** Content that compresses a little (runs) and not at all (noise) in turns, crossing buffers. */
function content(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = (i >> 15) % 2 === 0 ? (i >> 9) & 0xff : state >>> 24;
  }
  return bytes;
}

type Path = 'direct' | 'stream';
const PATHS: readonly Path[] = ['direct', 'stream'];

async function inflate(
  path: string,
  via: Path,
  target: Uint8Array,
  skip: number,
  max = 1 << 30,
  onFilled?: (n: number) => void,
): Promise<number> {
  return inflateInto(path, 'x.nii.gz', target, skip, max, onFilled, { stream: via === 'stream' });
}

async function outcome(path: string, via: Path, length: number, skip: number, max?: number): Promise<string> {
  try {
    const target = new Uint8Array(length);
    const bytes = await inflate(path, via, target, skip, max);
    return `ok ${bytes} ${Buffer.from(target).toString('base64').slice(0, 64)}`;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('inflating a gzip file into a buffer the caller owns', () => {
  it('has the zlib binding it needs on this Node, so the tests below test the direct path', () => {
    const binding = gunzipBinding();
    expect(binding).toBeDefined();
    binding?.stream.close();
  });

  it('places exactly the asked-for bytes, across input buffers, a long skip and a dropped tail', async () => {
    const data = content(3_500_000);
    const path = write(gzipSync(data));
    for (const via of PATHS) {
      for (const [skip, length] of [
        [352, data.length - 352],
        [200_000, 1_000_000],
        [0, data.length],
        [data.length, 0],
      ] as const) {
        const target = new Uint8Array(length).fill(7);
        const filled: number[] = [];
        const contentBytes = await inflate(path, via, target, skip, 1 << 30, (n) => filled.push(n));
        expect(contentBytes, via).toBe(data.length);
        expect(Buffer.compare(target, data.subarray(skip, skip + length)), `${via} ${skip}`).toBe(0);
        expect(filled, via).toEqual([...filled].sort((a, b) => a - b));
        if (length > 0) expect(filled.at(-1), via).toBe(length);
      }
    }
  });

  it('reads several gzip members one after the other, and zero padding after the last, as gunzipSync does', async () => {
    const first = content(700_000, 3);
    const second = content(1_300_000, 4);
    const whole = Buffer.concat([first, second]);
    const members = write(Buffer.concat([gzipSync(first), gzipSync(second)]));
    const padded = write(Buffer.concat([gzipSync(first), new Uint8Array(5000)]));
    expect(gunzipSync(Buffer.concat([gzipSync(first), gzipSync(second)])).length).toBe(whole.length);
    for (const via of PATHS) {
      const target = new Uint8Array(whole.length - 100);
      expect(await inflate(members, via, target, 100)).toBe(whole.length);
      expect(Buffer.compare(target, whole.subarray(100))).toBe(0);
    }
    // Zero padding is read as gunzipSync reads it. (The streamed fallback aborts on it when the
    // padding shares a chunk with the member's end: a limit of Node's stream pipeline, kept there.)
    const alone = new Uint8Array(first.length);
    expect(await inflate(padded, 'direct', alone, 0)).toBe(first.length);
    expect(Buffer.compare(alone, first)).toBe(0);
  });

  it('says truncated, corrupt or too large in the same words on both paths', async () => {
    const data = content(2_000_000, 5);
    const gz = gzipSync(data);
    const cut = write(gz.subarray(0, gz.length - 1000));
    const damaged = Uint8Array.from(gz);
    for (let i = 5000; i < 5040; i++) damaged[i] = (damaged[i] ?? 0) ^ 0x5a;
    const bad = write(damaged);
    const garbage = write(Buffer.concat([gz, Buffer.from('trailing text')]));
    const direct = await outcome(cut, 'direct', data.length, 0);
    expect(direct).toBe('x.nii.gz is truncated: its compressed data ends early.');
    expect(await outcome(cut, 'stream', data.length, 0)).toBe(direct);
    expect(await outcome(bad, 'direct', data.length, 0)).toBe(
      'x.nii.gz is corrupt: its compressed data is damaged.',
    );
    expect(await outcome(bad, 'stream', data.length, 0)).toBe(await outcome(bad, 'direct', data.length, 0));
    expect(await outcome(garbage, 'direct', 10, 0)).toBe(await outcome(garbage, 'stream', 10, 0));
    const tooLarge = await outcome(write(gzipSync(new Uint8Array(8 << 20))), 'direct', 100, 0, 200_000);
    expect(tooLarge).toMatch(/^x\.nii\.gz inflates to more than the .* its header declares/);
    expect(await outcome(write(gzipSync(new Uint8Array(8 << 20))), 'stream', 100, 0, 200_000)).toBe(tooLarge);
  });

  it('ends where gunzipSync ends wherever its 1 MiB input buffers fall: zeros after a member end the content', async () => {
    const first = content(300_000, 6);
    const member = gzipSync(first);
    const toBoundary = new Uint8Array((1 << 20) - member.length);
    for (const tail of [Buffer.from('garbage!'), gzipSync(content(200_000, 7))]) {
      for (const zeros of [toBoundary, new Uint8Array(100)]) {
        const bytes = Buffer.concat([member, zeros, tail]);
        const expected = gunzipSync(bytes);
        const target = new Uint8Array(expected.length);
        expect(await inflate(write(bytes), 'direct', target, 0)).toBe(expected.length);
        expect(Buffer.compare(target, expected)).toBe(0);
        expect(expected.length).toBe(first.length);
      }
    }
  });

  it('agrees with gunzipSync on cut and bit-flipped copies of a three-member file', async () => {
    const parts = [content(400_000, 8), content(900_000, 9), content(300_000, 10)];
    const whole = Buffer.concat(parts.map((part) => gzipSync(part)));
    let state = 12345;
    const next = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    for (let trial = 0; trial < 24; trial++) {
      const bytes = Buffer.from(whole);
      const damaged = trial % 2 === 0 ? bytes.subarray(0, next(bytes.length)) : bytes;
      if (trial % 2 === 1)
        for (let flips = 0; flips < 3; flips++) {
          const at = next(damaged.length);
          damaged[at] = (damaged[at] ?? 0) ^ (1 << next(8));
        }
      let expected: string;
      try {
        const out = gunzipSync(damaged);
        expected = `ok ${out.length} ${out.subarray(0, 64).toString('base64')}`;
      } catch (error) {
        expected = (error as { code?: unknown }).code === 'Z_BUF_ERROR' ? 'truncated' : 'corrupt';
      }
      const length = 1_600_000;
      const got = await outcome(write(damaged), 'direct', length, 0);
      const gotClass = got.startsWith('ok') ? got : got.includes('truncated') ? 'truncated' : 'corrupt';
      if (expected.startsWith('ok')) {
        const out = gunzipSync(damaged);
        const target = new Uint8Array(Math.min(length, out.length));
        expect(await inflate(write(damaged), 'direct', target, 0), `trial ${trial}`).toBe(out.length);
        expect(Buffer.compare(target, out.subarray(0, target.length)), `trial ${trial}`).toBe(0);
      } else expect(gotClass, `trial ${trial}`).toBe(expected);
    }
  });

  it('stays off a Node it was not checked against, and off targets its 32-bit offsets cannot address', async () => {
    expect(gunzipBinding('26.0.0')).toBeUndefined();
    expect(gunzipBinding('18.20.0')).toBeUndefined();
    const known = gunzipBinding('22.12.0');
    expect(known).toBeDefined();
    known?.stream.close();
    const huge = new Uint8Array(1);
    Object.defineProperty(huge, 'length', { value: 2 ** 32 });
    const path = write(gzipSync(content(1000)));
    expect(await inflateFileInto(path, { target: huge, skip: 0, maxContentBytes: 2 ** 33 })).toBeUndefined();
  });

  it('throws file-system errors as they are, which inflateInto words as a read failure', async () => {
    await expect(
      inflateFileInto(join(dir, 'missing.gz'), { target: new Uint8Array(1), skip: 0, maxContentBytes: 10 }),
    ).rejects.toThrow(/ENOENT/);
    await expect(inflate(dir, 'direct', new Uint8Array(1), 0)).rejects.toThrow(
      /^x\.nii\.gz could not be read \(EISDIR\)\.$/,
    );
  });
});
