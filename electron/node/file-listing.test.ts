import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAccessPolicy } from './file-access';
import { listFolder, listUnderRoots } from './file-listing';
import { writeSyntheticSeries } from './io/test-support/synthetic-dicom';

/** Two roots side by side, a secret file beside them, and an output folder. */
async function servedTree(): Promise<{
  base: string;
  knees: string;
  spines: string;
  output: string;
  policy: FileAccessPolicy;
}> {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'iseg-listing-')));
  const knees = join(base, 'knees');
  const spines = join(base, 'spines');
  const output = join(base, 'exports');
  for (const folder of [knees, join(knees, 'left'), spines, output]) mkdirSync(folder);
  writeFileSync(join(knees, 'left', 'scan.nii.gz'), 'x');
  writeFileSync(join(spines, 'cord.nrrd'), 'x');
  writeFileSync(join(base, 'secret.nii.gz'), 'x');
  const policy = new FileAccessPolicy();
  await policy.addRoot(knees);
  await policy.addRoot(spines);
  await policy.setOutputFolder(output);
  return { base, knees, spines, output, policy };
}

describe('listing folders under the served roots', () => {
  it('starts at the first root and names every root and the output folder', async () => {
    const { knees, spines, output, policy } = await servedTree();
    const first = await listUnderRoots(policy);
    expect(first.folder).toBe(knees);
    expect(first.roots).toEqual([knees, spines]);
    expect(first.output).toBe(output);
    expect(first.entries.map((e) => [e.name, e.kind])).toEqual([['left', 'folder']]);
    const second = await listUnderRoots(policy, spines);
    expect(second.entries.map((e) => e.name)).toEqual(['cord.nrrd']);
  });

  it('goes up to each root and never above it', async () => {
    const { knees, spines, policy } = await servedTree();
    const inner = await listUnderRoots(policy, join(knees, 'left'));
    expect(inner.parent).toBe(knees);
    expect((await listUnderRoots(policy, knees)).parent).toBeUndefined();
    expect((await listUnderRoots(policy, spines)).parent).toBeUndefined();
  });

  it('refuses paths that climb out of a root, however they are spelled', async () => {
    const { base, knees, policy } = await servedTree();
    symlinkSync(base, join(knees, 'escape'));
    for (const attempt of [
      join(knees, '..'),
      `${knees}/left/../../`,
      '/',
      '/etc',
      join(knees, 'escape'),
      `${knees}\0`,
    ]) {
      await expect(listUnderRoots(policy, attempt), attempt).rejects.toMatchObject({ code: 'not-allowed' });
    }
  });

  it('says whether a folder holds DICOM images, whatever their file names', async () => {
    const { knees, policy } = await servedTree();
    const series = join(knees, 'series');
    mkdirSync(series);
    await writeSyntheticSeries(series, { uid: '1.2.3.9', count: 3, rows: 4, columns: 3 });
    expect((await listUnderRoots(policy, series)).dicom).toBe(true);
    expect((await listUnderRoots(policy, knees)).dicom).toBeUndefined();
    writeFileSync(join(knees, 'notes.txt'), 'not DICOM');
    expect((await listFolder(knees)).dicom).toBe(false);
  });
});
