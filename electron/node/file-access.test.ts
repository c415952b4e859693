import { describe, expect, it } from 'vitest';
import { linkSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { companionPaths, FileAccessPolicy } from './file-access';

function tree(): { base: string; root: string; inside: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), 'iseg-access-'));
  const root = join(base, 'scans');
  mkdirSync(root);
  const inside = join(root, 'a.nii.gz');
  const outside = join(base, 'secret.txt');
  writeFileSync(inside, 'x');
  writeFileSync(outside, 'x');
  return { base, root, inside, outside };
}

/** Awaits a refusal: code 'not-allowed' and a sentence containing `text`. */
async function expectRefusal(attempt: Promise<unknown>, text: string): Promise<void> {
  const error = await attempt.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toMatchObject({ code: 'not-allowed' });
  expect(error instanceof Error ? error.message : '').toContain(text);
}

describe('FileAccessPolicy', () => {
  it('allows files under a root and refuses everything else', async () => {
    const { root, inside, outside } = tree();
    const policy = new FileAccessPolicy();
    await policy.addRoot(root);
    await expect(policy.check(inside)).resolves.toMatch(/a\.nii\.gz$/);
    await expect(policy.check(join(root, '..', 'secret.txt'))).rejects.toMatchObject({ code: 'not-allowed' });
    await expect(policy.check(outside)).rejects.toMatchObject({ code: 'not-allowed' });
    await expect(policy.check('/etc/passwd')).rejects.toMatchObject({ code: 'not-allowed' });
    await expect(policy.check(`${inside}\0`)).rejects.toMatchObject({ code: 'not-allowed' });
  });

  it('refuses a symlink under a root that points outside', async () => {
    const { root, outside } = tree();
    const link = join(root, 'link.nii.gz');
    symlinkSync(outside, link);
    const policy = new FileAccessPolicy();
    await policy.addRoot(root);
    await expect(policy.check(link)).rejects.toMatchObject({ code: 'not-allowed' });
  });

  it('allows exactly the files granted, and hides whether others exist', async () => {
    const { inside, outside, base } = tree();
    const policy = new FileAccessPolicy();
    await policy.grant(inside);
    await expect(policy.check(inside)).resolves.toBeTruthy();
    await expect(policy.check(outside)).rejects.toMatchObject({ code: 'not-allowed' });
    await expect(policy.check(join(base, 'missing'))).rejects.toMatchObject({ code: 'not-allowed' });
  });

  it('says not-found for a missing file inside a root', async () => {
    const { root } = tree();
    const policy = new FileAccessPolicy();
    await policy.addRoot(root);
    await expect(policy.check(join(root, 'missing.nii'))).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('FileAccessPolicy for writing', () => {
  async function served(): Promise<{ base: string; root: string; output: string; inside: string; policy: FileAccessPolicy }> {
    const { base, root, inside } = tree();
    const output = join(base, 'exports');
    mkdirSync(output);
    const policy = new FileAccessPolicy();
    await policy.addRoot(root);
    await policy.setOutputFolder(output);
    return { base, root, output, inside, policy };
  }

  it('writes new label maps, sidecars and sessions under the output folder only', async () => {
    const { root, output, base, policy } = await served();
    await expect(policy.checkWritable(join(output, 'out.nii.gz'))).resolves.toBe(join(output, 'out.nii.gz'));
    await expect(policy.checkWritable(join(output, 'out.nii.gz.json'))).resolves.toMatch(/out\.nii\.gz\.json$/);
    await expect(policy.checkWritable(join(output, 'work.iseg.json'))).resolves.toMatch(/work\.iseg\.json$/);
    // A read root is not a write grant.
    await expectRefusal(policy.checkWritable(join(root, 'out.nii.gz')), output);
    await expect(policy.checkWritable(join(base, 'out.nii.gz'))).rejects.toMatchObject({ code: 'not-allowed' });
    await expect(policy.checkWritable(join(output, 'missing-folder', 'out.nii.gz'))).rejects.toMatchObject({ code: 'not-allowed' });
    await expect(policy.checkWritable('/etc/cron.d/x.nii')).rejects.toMatchObject({ code: 'not-allowed' });
  });

  it('refuses names iSeg never writes (the .bashrc and evil.sh of the security review)', async () => {
    const { output, policy } = await served();
    for (const name of ['.bashrc', 'evil.sh', 'evil.sh.json', 'notes.txt', '.nii.gz', 'x.nii.gz\0.sh']) {
      await expect(policy.checkWritable(join(output, name)), name).rejects.toMatchObject({ code: 'not-allowed' });
    }
  });

  it('never overwrites an existing file it did not write, but may rewrite its own until it reads it', async () => {
    const { output, policy } = await served();
    const existing = join(output, 'earlier.nii.gz');
    writeFileSync(existing, 'x');
    await expectRefusal(policy.checkWritable(existing), 'already exists');
    const mine = await policy.checkWritable(join(output, 'mine.nii.gz'));
    writeFileSync(mine, 'labels');
    policy.noteWritten(mine);
    await expect(policy.checkWritable(mine)).resolves.toBe(mine);
    await expect(policy.check(mine)).resolves.toBe(mine);
    await policy.noteRead(mine);
    await expectRefusal(policy.checkWritable(mine), 'never overwritten');
  });

  it('never writes over a file it read, even by a save-dialog choice or through a hard link', async () => {
    const { output, inside, policy } = await served();
    await policy.noteRead(await policy.check(inside));
    policy.grantWritable(inside);
    await expect(policy.checkWritable(inside)).rejects.toMatchObject({ code: 'not-allowed' });
    const alias = join(output, 'alias.nii.gz');
    linkSync(inside, alias);
    await expectRefusal(policy.checkWritable(alias), 'never overwritten');
  });

  it('refuses writing through a symlink, even one that stays inside the output folder', async () => {
    const { output, policy } = await served();
    const target = join(output, 'target.nii.gz');
    writeFileSync(target, 'x');
    symlinkSync(target, join(output, 'link.nii.gz'));
    await expect(policy.checkWritable(join(output, 'link.nii.gz'))).rejects.toMatchObject({ code: 'not-allowed' });
  });

  it('in the desktop app writes only where a save dialog chose, with the files saved beside it', async () => {
    const { base, inside } = tree();
    const policy = new FileAccessPolicy();
    const opened = await policy.grant(inside);
    // An open-dialog grant is not a write grant.
    await expectRefusal(policy.checkWritable(opened), 'save dialog');
    const chosen = policy.grantWritable(join(base, 'chosen.iseg.json'));
    await expect(policy.checkWritable(chosen)).resolves.toBe(chosen);
    await expect(policy.checkWritable(join(base, 'chosen.labels.nii.gz'))).resolves.toMatch(/chosen\.labels\.nii\.gz$/);
    await expect(policy.checkWritable(join(base, 'chosen.labels.nii.gz.json'))).resolves.toBeTruthy();
    await expect(policy.checkWritable(join(base, 'other.nii.gz'))).rejects.toMatchObject({ code: 'not-allowed' });
    // A save-dialog grant is not a read grant.
    writeFileSync(chosen, '{}');
    await expect(policy.check(chosen)).rejects.toMatchObject({ code: 'not-allowed' });
  });
});

describe('companionPaths', () => {
  it('names a label map\'s sidecar and a session\'s label map with its sidecar', () => {
    expect(companionPaths('/d/knee.nii.gz')).toEqual(['/d/knee.nii.gz.json']);
    expect(companionPaths('/d/knee.seg.nrrd')).toEqual(['/d/knee.seg.nrrd.json']);
    expect(companionPaths('/d/work.iseg.json')).toEqual(['/d/work.labels.nii.gz', '/d/work.labels.nii.gz.json']);
    expect(companionPaths('/d/evil.sh')).toEqual([]);
  });
});
