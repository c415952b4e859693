/** A fresh folder under the OS temp dir for one test file, removed afterwards. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export function useTempDir(prefix: string): { readonly path: string } {
  const holder = { path: '' };
  beforeAll(async () => {
    holder.path = await mkdtemp(join(tmpdir(), `iseg-${prefix}-`));
  });
  afterAll(async () => {
    if (holder.path) await rm(holder.path, { recursive: true, force: true });
  });
  return holder;
}
