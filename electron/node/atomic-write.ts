/**
 * Writes a file so that readers see the old content or the new, never a half-written file: the
 * bytes go to a uniquely named partial file beside the target, which is renamed over it. A failed
 * write removes the partial file and leaves the target as it was.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the new file (e.g. 0o600 for secrets); default 0o666 less the umask. */
  readonly mode?: number;
  /** fsync the file and its folder, so the new content survives a power cut (journal, token). */
  readonly durable?: boolean;
}

/** A hidden, unique partial-file path beside `path`. */
export function partialPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.partial`);
}

/**
 * Runs `produce(partial)` to write the file at `partial` (for writers that take a path, such as
 * ITK-Wasm's), then renames it over `path`. On failure the partial file is removed and the error
 * rethrown.
 */
export async function replaceFileWith(path: string, produce: (partial: string) => Promise<void>): Promise<void> {
  const partial = partialPathFor(path);
  try {
    await produce(partial);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

export async function writeFileAtomically(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  await replaceFileWith(path, async (partial) => {
    const file = await open(partial, 'wx', options.mode ?? 0o666);
    try {
      await file.writeFile(data);
      if (options.durable === true) await file.sync();
    } finally {
      await file.close();
    }
  });
  if (options.durable === true) await syncFolder(dirname(path));
}

/** Makes a rename in the folder durable (not possible on Windows, where rename is durable enough). */
export async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not supported on this platform.
  }
}
