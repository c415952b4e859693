/**
 * Serve mode's token, kept in the user's data folder (mode 0600) so that a server restarted on the
 * same port accepts the pages that were open: they reconnect with the token in their address. A
 * file anyone else could read, or one for another port, is not reused.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from '../node/atomic-write';
import { newToken } from './server';

const TOKEN_FILE = 'serve-token.json';
const tokenFileSchema = z.object({ port: z.number().int().min(1).max(65535), token: z.string().regex(/^[A-Za-z0-9_-]{32,64}$/) }).strict();

/** The saved token for `port`, or a new one. */
export async function tokenFor(dataFolder: string, port: number): Promise<string> {
  return (await savedToken(dataFolder, port)) ?? newToken();
}

/** The token saved for `port` if the file is the user's own (not readable by group or others). */
export async function savedToken(dataFolder: string, port: number): Promise<string | undefined> {
  if (port === 0) return undefined;
  const path = join(dataFolder, TOKEN_FILE);
  try {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) return undefined;
    if (typeof process.getuid === 'function' && info.uid !== process.getuid()) return undefined;
    const parsed = tokenFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success && parsed.data.port === port ? parsed.data.token : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the token for `port`, readable only by this user (written aside, then renamed over). */
export async function saveToken(dataFolder: string, port: number, token: string): Promise<void> {
  await mkdir(dataFolder, { recursive: true, mode: 0o700 });
  await writeFileAtomically(join(dataFolder, TOKEN_FILE), `${JSON.stringify({ port, token })}\n`, { mode: 0o600, durable: true });
}
