/** Path arithmetic the file browser and the recent files need (the page has no node:path). */

/** "/data/knee/scan.nii.gz" → "/data/knee"; undefined for a path with no folder part. */
export function parentFolder(path: string): string | undefined {
  const cut = path.replace(/[\\/]+$/, '').search(/[\\/][^\\/]*$/);
  return cut > 0 ? path.slice(0, cut) : cut === 0 ? path.slice(0, 1) : undefined;
}

/** Whether `path` is `folder` or lies under it (compared by whole path parts). */
export function isUnder(path: string, folder: string): boolean {
  if (path === folder) return true;
  const prefix = /[\\/]$/.test(folder)
    ? folder
    : `${folder}${folder.includes('\\') && !folder.includes('/') ? '\\' : '/'}`;
  return path.startsWith(prefix);
}

export interface RootChoice {
  readonly path: string;
  readonly label: string;
}

/** The folders the root picker offers: every served root, then the output folder unless a root holds it. */
export function rootChoices(roots: readonly string[], output: string | undefined): RootChoice[] {
  const choices = roots.map((path) => ({ path, label: path }));
  if (output !== undefined && !roots.some((root) => isUnder(output, root)))
    choices.push({ path: output, label: `${output} (exports)` });
  return choices;
}

/** The choice holding `folder` (the innermost one where roots nest); undefined when none does. */
export function rootOf(folder: string, choices: readonly RootChoice[]): RootChoice | undefined {
  let best: RootChoice | undefined;
  for (const choice of choices)
    if (isUnder(folder, choice.path) && (best === undefined || choice.path.length > best.path.length))
      best = choice;
  return best;
}
