import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newToken } from './server';
import { savedToken, saveToken, tokenFor } from './serve-token';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'iseg-token-'));
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('serve token file', () => {
  it('is written readable only by the user and reused on the same port', async () => {
    const token = newToken();
    await saveToken(folder, 4321, token);
    expect(statSync(join(folder, 'serve-token.json')).mode & 0o777).toBe(0o600);
    expect(await savedToken(folder, 4321)).toBe(token);
    expect(await tokenFor(folder, 4321)).toBe(token);
    expect(await tokenFor(folder, 4322)).not.toBe(token);
  });

  it('is not reused on another port, on a random port, or when others can read it', async () => {
    const token = newToken();
    await saveToken(folder, 4321, token);
    expect(await savedToken(folder, 4322)).toBeUndefined();
    expect(await savedToken(folder, 0)).toBeUndefined();
    chmodSync(join(folder, 'serve-token.json'), 0o644);
    expect(await savedToken(folder, 4321)).toBeUndefined();
  });

  it('ignores a file that is not a token file', async () => {
    writeFileSync(join(folder, 'serve-token.json'), '{"port": 4321, "token": "short"}', { mode: 0o600 });
    expect(await savedToken(folder, 4321)).toBeUndefined();
    expect(await savedToken(join(folder, 'missing'), 4321)).toBeUndefined();
  });
});
