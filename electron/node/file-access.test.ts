import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAccessPolicy } from './file-access';

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
  it('allows new files inside a root and refuses other folders', async () => {
    const { root, base } = tree();
    const policy = new FileAccessPolicy();
    await policy.addRoot(root);
    await expect(policy.checkWritable(join(root, 'out.nii.gz'))).resolves.toMatch(/out\.nii\.gz$/);
    await expect(policy.checkWritable(join(base, 'out.nii.gz'))).rejects.toMatchObject({ code: 'not-allowed' });
    await expect(policy.checkWritable(join(root, 'missing-folder', 'out.nii.gz'))).rejects.toMatchObject({ code: 'not-allowed' });
    await expect(policy.checkWritable('/etc/cron.d/x')).rejects.toMatchObject({ code: 'not-allowed' });
  });

  it('refuses writing through a symlink that leads outside, and allows granted save paths', async () => {
    const { root, outside, base } = tree();
    symlinkSync(outside, join(root, 'evil.nii.gz'));
    const policy = new FileAccessPolicy();
    await policy.addRoot(root);
    await expect(policy.checkWritable(join(root, 'evil.nii.gz'))).rejects.toMatchObject({ code: 'not-allowed' });
    const chosen = policy.grantWritable(join(base, 'chosen.nii.gz'));
    await expect(policy.checkWritable(chosen)).resolves.toBe(chosen);
  });
});
