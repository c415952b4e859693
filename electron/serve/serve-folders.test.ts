import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataFolder, serveFolders } from './serve-folders';

describe('serveFolders', () => {
  it('without --root serves only the data folder, never the working directory, and says so', () => {
    const home = mkdtempSync(join(tmpdir(), 'iseg-home-'));
    const folders = serveFolders({ roots: undefined, output: undefined, env: {}, home });
    expect(folders.roots).toEqual([join(home, 'iseg-data')]);
    expect(folders.roots).not.toContain(process.cwd());
    expect(folders.output).toBe(join(home, 'iseg-data', 'exports'));
    expect(statSync(folders.output).mode & 0o777).toBe(0o700);
    expect(folders.notice[0]).toContain(`only under the data folder ${join(home, 'iseg-data')}`);
  });

  it('takes --root and --output as given, and ISEG_DATA_DIR for the data folder', () => {
    const base = mkdtempSync(join(tmpdir(), 'iseg-serve-'));
    const folders = serveFolders({ roots: [base], output: join(base, 'out'), env: {}, home: base });
    expect(folders.roots).toEqual([base]);
    expect(folders.output).toBe(join(base, 'out'));
    expect(existsSync(join(base, 'iseg-data'))).toBe(false);
    expect(dataFolder({ ISEG_DATA_DIR: join(base, 'data') }, base)).toBe(join(base, 'data'));
  });
});
