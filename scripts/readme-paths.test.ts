/**
 * The READMEs cite source files by path; a renamed or deleted file must not leave a README
 * pointing at nothing (issue #19 found `app/zod-csp.ts` cited but absent). A cited path counts as
 * present when it resolves against the README's folder, its `src/` (the renderer README cites
 * paths under `renderer/src`), or the repository root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(__dirname, '..');

const READMES = ['README.md', 'renderer/README.md', 'electron/common/propagation/README.md', 'native-models/README.md', 'resources/README.md'];

/** Backticked tokens that look like a source path: a folder part and a known source extension. */
const SOURCE_PATH = /^[\w.@-]+(?:\/[\w.@-]+)+\.(?:ts|mts|mjs|js|py|json|md|css|html|sh|yml)$/;

/** Generated or per-machine outputs the READMEs describe but the repository does not hold. */
const GENERATED = [/^(?:native-models\/)?runs\//, /^dist\//, /^e2e\/artifacts\//, /^node_modules\//, /^\.\.\//];

export function citedPaths(markdown: string): string[] {
  const paths = new Set<string>();
  for (const match of markdown.matchAll(/`([^`\s]+)`/g)) {
    const token = (match[1] ?? '').replace(/[:,;]+$/, '');
    if (SOURCE_PATH.test(token) && !GENERATED.some((pattern) => pattern.test(token))) paths.add(token);
  }
  return [...paths];
}

function resolves(readme: string, cited: string): boolean {
  const folder = dirname(join(repoRoot, readme));
  return [folder, join(folder, 'src'), repoRoot].some((base) => existsSync(join(base, cited)));
}

describe('README path citations', () => {
  it('recognises source paths and skips generated ones', () => {
    expect(citedPaths('see `a/b.ts`, `runs/x/last.pt`, `dist/x.js`, `npm test` and `c/d.mjs`')).toEqual(['a/b.ts', 'c/d.mjs']);
  });

  for (const readme of READMES) {
    it(`${readme} cites only files that exist`, () => {
      const missing = citedPaths(readFileSync(join(repoRoot, readme), 'utf8')).filter((cited) => !resolves(readme, cited));
      expect(missing).toEqual([]);
    });
  }
});
