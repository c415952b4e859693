/**
 * Settings kept in the page's localStorage across restarts (both modes: Electron's page and the
 * browser in serve mode have one). Every read is checked with a zod schema: anything else in
 * storage (an older format, a hand edit, another page's junk) reads as nothing saved.
 */
import type { z } from 'zod';

/** The part of the Web Storage API the stores use (a Map-backed one in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The page's localStorage, or undefined where there is none or it is refused (opaque origins). */
export function browserStorage(): KeyValueStorage | undefined {
  try {
    return 'localStorage' in globalThis ? globalThis.localStorage : undefined;
  } catch {
    return undefined;
  }
}

/** The value saved under `key` if it passes `schema`; undefined otherwise. */
export function readStored<T>(storage: KeyValueStorage | undefined, key: string, schema: z.ZodType<T>): T | undefined {
  let raw: string | null;
  try {
    raw = storage?.getItem(key) ?? null;
  } catch {
    return undefined;
  }
  if (raw === null) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Saves `value` as JSON; a full or refused storage keeps it for this session only. */
export function writeStored(storage: KeyValueStorage | undefined, key: string, value: unknown): void {
  try {
    storage?.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or refused: nothing to do.
  }
}
