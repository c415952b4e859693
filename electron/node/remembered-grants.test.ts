import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAccessPolicy } from './file-access';
import { MAX_REMEMBERED_GRANTS, RememberedGrants } from './remembered-grants';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'iseg-grants-'));
}

describe('remembered grants (the desktop app across restarts)', () => {
  it('remembers what the user chose, newest first, and a restarted policy may read it again', async () => {
    const folder = scratch();
    const image = join(folder, 'knee.nii.gz');
    writeFileSync(image, 'x');
    const file = join(folder, 'profile', 'recent-grants.json');
    const first = new FileAccessPolicy();
    const remembered = new RememberedGrants(file);
    await remembered.load();
    const writes: Promise<void>[] = [];
    first.onGrant = (real) => writes.push(remembered.remember(real));
    const real = await first.grant(image);
    await Promise.all(writes);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const restarted = new FileAccessPolicy();
    await expect(restarted.check(image)).rejects.toMatchObject({ code: 'not-allowed' });
    for (const path of await new RememberedGrants(file).load()) restarted.grantRemembered(path);
    await expect(restarted.check(image)).resolves.toBe(real);
    // Gone since: it says so, rather than that it is not allowed.
    rmSync(image);
    await expect(restarted.check(image)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('moves a repeated path to the front and keeps at most the cap', async () => {
    const file = join(scratch(), 'grants.json');
    const remembered = new RememberedGrants(file);
    for (let n = 0; n < MAX_REMEMBERED_GRANTS + 5; n++) await remembered.remember(`/data/${n}.nii`);
    await remembered.remember('/data/7.nii');
    const saved = await new RememberedGrants(file).load();
    expect(saved).toHaveLength(MAX_REMEMBERED_GRANTS);
    expect(saved[0]).toBe('/data/7.nii');
    expect(saved.filter((p) => p === '/data/7.nii')).toHaveLength(1);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(saved);
  });

  it('reads a damaged or foreign file as nothing remembered', async () => {
    const folder = scratch();
    for (const content of ['not json', '{"a":1}', '[1,2]', '[""]']) {
      writeFileSync(join(folder, 'g.json'), content);
      expect(await new RememberedGrants(join(folder, 'g.json')).load()).toEqual([]);
    }
    expect(await new RememberedGrants(join(folder, 'missing.json')).load()).toEqual([]);
  });
});
