import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replaceFileWith, writeFileAtomically } from './atomic-write';

describe('atomic writes', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'iseg-atomic-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('replaces the content and leaves no partial file', async () => {
    const path = join(folder, 'a.json');
    await writeFile(path, 'old');
    await writeFileAtomically(path, 'new', { durable: true });
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(folder)).toEqual(['a.json']);
  });

  it('creates the file with the requested mode', async () => {
    const path = join(folder, 'secret');
    await writeFileAtomically(path, new Uint8Array([1, 2, 3]), { mode: 0o600 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect([...(await readFile(path))]).toEqual([1, 2, 3]);
  });

  it('keeps the old file and removes the partial one when the writer fails', async () => {
    const path = join(folder, 'labels.dcm');
    await writeFile(path, 'old');
    await expect(
      replaceFileWith(path, async (partial) => {
        await writeFile(partial, 'half');
        throw new Error('writer refused');
      }),
    ).rejects.toThrow('writer refused');
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(folder)).toEqual(['labels.dcm']);
  });

  it('fails without a trace in a folder that does not exist', async () => {
    await expect(writeFileAtomically(join(folder, 'missing', 'x'), 'x')).rejects.toThrow();
    expect(await readdir(folder)).toEqual([]);
  });
});
