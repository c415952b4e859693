/**
 * Which folders serve mode exposes. The browser reads only under the --root folders (without one,
 * only under the data folder, never the working directory), and writes only new files under the
 * output folder (--output, else the data folder's exports/).
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ServeFolders {
  readonly roots: readonly string[];
  readonly output: string;
  /** What start-up says about them, one line each. */
  readonly notice: readonly string[];
}

export interface ServeFolderOptions {
  readonly roots: readonly string[] | undefined;
  readonly output: string | undefined;
  /** ISEG_DATA_DIR overrides the default data folder (~/iseg-data). */
  readonly env?: NodeJS.ProcessEnv;
  readonly home?: string;
}

export function dataFolder(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const configured = env.ISEG_DATA_DIR;
  return resolve(configured !== undefined && configured !== '' ? configured : join(home, 'iseg-data'));
}

/** Resolves the folders and creates the data and output folders if they are missing (owner-only). */
export function serveFolders(options: ServeFolderOptions): ServeFolders {
  const data = dataFolder(options.env, options.home);
  const explicitRoots = options.roots !== undefined && options.roots.length > 0;
  const roots = explicitRoots ? options.roots.map((root) => resolve(root)) : [data];
  const output = resolve(options.output ?? join(data, 'exports'));
  if (!explicitRoots) mkdirSync(data, { recursive: true, mode: 0o700 });
  mkdirSync(output, { recursive: true, mode: 0o700 });
  const notice = [
    explicitRoots
      ? `The browser may open files under: ${roots.join(', ')}.`
      : `No --root given: the browser may open files only under the data folder ${data} (put images there, or pass --root DIR).`,
    `Exports and sessions are written as new files under ${output} (change with --output DIR).`,
  ];
  return { roots, output, notice };
}
