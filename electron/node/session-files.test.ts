import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAccessPolicy } from './file-access';
import { readSessionFile, writeSessionFile } from './session-files';

/** base/victim.nii.gz (outside), base/work/{session folder with image and labels}. */
function layout(): { base: string; work: string; victim: string } {
  const base = mkdtempSync(join(tmpdir(), 'iseg-session-'));
  const work = join(base, 'work');
  mkdirSync(work);
  writeFileSync(join(work, 'knee.nii.gz'), 'image');
  writeFileSync(join(work, 'knee.labels.nii.gz'), 'labels');
  const victim = join(base, 'victim.nii.gz');
  writeFileSync(victim, 'precious');
  return { base, work, victim };
}

function session(image: string, labels: string): string {
  return JSON.stringify({ format: 'iseg-session', version: 1, image, labels, saved: '2026-01-01T00:00:00Z' });
}

describe('readSessionFile', () => {
  it('resolves the paths a session names against its folder', async () => {
    const { work } = layout();
    const path = join(work, 'a.iseg.json');
    writeFileSync(path, session('knee.nii.gz', 'knee.labels.nii.gz'));
    const files = new FileAccessPolicy();
    await files.addRoot(work);
    const read = await readSessionFile(await files.check(path), files);
    expect(read.imagePath).toBe(join(work, 'knee.nii.gz'));
    expect(read.labelsPath).toBe(join(work, 'knee.labels.nii.gz'));
  });

  it('grants nothing by itself: a crafted session under a root cannot name a file outside it', async () => {
    const { work, victim } = layout();
    const path = join(work, 'crafted.iseg.json');
    writeFileSync(path, session('knee.nii.gz', '../victim.nii.gz'));
    const files = new FileAccessPolicy();
    await files.addRoot(work);
    await expect(readSessionFile(await files.check(path), files)).rejects.toMatchObject({ code: 'not-allowed' });
    await expect(files.check(victim)).rejects.toMatchObject({ code: 'not-allowed' });
  });

  it('a session chosen by hand vouches for reading files in its own folder only, never for writing', async () => {
    const { work, victim } = layout();
    const files = new FileAccessPolicy();
    const crafted = join(work, 'crafted.iseg.json');
    writeFileSync(crafted, session('knee.nii.gz', victim));
    await expect(readSessionFile(await files.grant(crafted), files)).rejects.toMatchObject({ code: 'not-allowed' });
    await expect(files.check(victim)).rejects.toMatchObject({ code: 'not-allowed' });

    const honest = join(work, 'honest.iseg.json');
    writeFileSync(honest, session('knee.nii.gz', 'knee.labels.nii.gz'));
    const read = await readSessionFile(await files.grant(honest), files);
    await expect(files.check(read.labelsPath)).resolves.toBe(read.labelsPath);
    await expect(files.checkWritable(read.labelsPath)).rejects.toMatchObject({ code: 'not-allowed' });
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('does not vouch for a link in the session folder that leads out of it', async () => {
    const { work, victim } = layout();
    symlinkSync(victim, join(work, 'link.nii.gz'));
    const path = join(work, 'linked.iseg.json');
    writeFileSync(path, session('knee.nii.gz', 'link.nii.gz'));
    const files = new FileAccessPolicy();
    await expect(readSessionFile(await files.grant(path), files)).rejects.toMatchObject({ code: 'not-allowed' });
  });

  it('round-trips what writeSessionFile wrote, with paths beside it stored relative', async () => {
    const { work } = layout();
    const path = join(work, 'saved.iseg.json');
    await writeSessionFile(path, { image: join(work, 'knee.nii.gz'), labels: join(work, 'knee.labels.nii.gz'), activeSegment: 3 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ image: 'knee.nii.gz', labels: 'knee.labels.nii.gz', activeSegment: 3 });
    const files = new FileAccessPolicy();
    await files.addRoot(work);
    const read = await readSessionFile(path, files);
    expect(read.session.activeSegment).toBe(3);
  });
});
