/**
 * The desktop app's read grants, remembered across restarts: the page's recent files name paths
 * the user chose in a dialog (or dropped on the window) in an earlier run, and a restarted app
 * would otherwise refuse them as outside what this session may open. Only paths the policy
 * granted are written here (never a path the page merely names), newest first, capped.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from './atomic-write';

/** Above the page's ten recent files: label maps and sessions chosen in dialogs are granted too. */
export const MAX_REMEMBERED_GRANTS = 50;

const storedSchema = z.array(z.string().min(1).max(4096)).max(1000);

export class RememberedGrants {
  private paths: string[] = [];
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  /** The remembered paths, newest first; a missing or damaged file reads as none. */
  async load(): Promise<readonly string[]> {
    try {
      const parsed = storedSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      this.paths = parsed.success ? parsed.data.slice(0, MAX_REMEMBERED_GRANTS) : [];
    } catch {
      this.paths = [];
    }
    return this.paths;
  }

  /** Puts `path` first and saves the list (writes are queued, each one whole: temp file, then rename). */
  remember(path: string): Promise<void> {
    this.paths = [path, ...this.paths.filter((other) => other !== path)].slice(0, MAX_REMEMBERED_GRANTS);
    const snapshot = JSON.stringify(this.paths);
    this.writing = this.writing
      .then(async () => {
        await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
        await writeFileAtomically(this.file, snapshot, { mode: 0o600 });
      })
      .catch(() => {
        // A read-only profile only costs the recent files their grant after a restart.
      });
    return this.writing;
  }
}
