/**
 * The security review's write findings, reproduced through the services as the page calls them:
 * each was possible before the write policy (file-access.ts) and must now be refused.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatch, type DispatchResult } from '../common/dispatch';
import type { MethodName } from '../common/contract';
import { makeKneePhantom } from '../common/phantom';
import { FileAccessPolicy } from './file-access';
import { InferenceHost } from './inference-host';
import { writeVolume } from './io/write-volume';
import { serviceHandlersForTests } from './testing/service-handlers';

const SIZE: [number, number, number] = [16, 12, 8];

interface Served {
  call: (method: MethodName, input: unknown) => Promise<DispatchResult>;
  scans: string;
  output: string;
  outside: string;
  imagePath: string;
  volumeId: string;
}

async function serve(): Promise<Served> {
  const base = mkdtempSync(join(tmpdir(), 'iseg-writes-'));
  const scans = join(base, 'scans');
  const output = join(base, 'exports');
  const outside = join(base, 'outside');
  for (const folder of [scans, output, outside]) mkdirSync(folder);
  const imagePath = join(scans, 'knee.nii.gz');
  await writeVolume(makeKneePhantom({ size: SIZE }).image, imagePath);
  const files = new FileAccessPolicy();
  await files.addRoot(scans);
  await files.setOutputFolder(output);
  // Never started: these calls do not reach the inference worker.
  const inference = new InferenceHost(() => {
    throw new Error('no worker in this test');
  });
  const handlers = serviceHandlersForTests(inference, files, base);
  const call = (method: MethodName, input: unknown): Promise<DispatchResult> => dispatch(handlers, method, input);
  const opened = await call('volume.openFile', { path: imagePath });
  const volumeId = opened.ok ? (opened.output as { meta: { id: string } }).meta.id : '';
  return { call, scans, output, outside, imagePath, volumeId };
}

const exportInput = (volumeId: string, path: string): unknown => ({
  volumeId,
  path,
  labelMap: { componentType: 'uint8', voxels: new Uint8Array(SIZE[0] * SIZE[1] * SIZE[2]).fill(1).buffer },
  labels: [{ value: 1, name: 'femur', color: [1, 2, 3] }],
  provenance: { models: [], clicks: 0 },
});

describe('the write policy, through the services', () => {
  let served: Served;
  beforeEach(async () => {
    served = await serve();
  });

  it('labels.export never overwrites the open image, even inside the output folder', async () => {
    const { call, imagePath, volumeId, output } = served;
    const before = statSync(imagePath).size;
    expect(await call('labels.export', exportInput(volumeId, imagePath))).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(statSync(imagePath).size).toBe(before);
    // An image opened from the output folder, where new files may be written, is protected too.
    const inOutput = join(output, 'copy.nii.gz');
    copyFileSync(imagePath, inOutput);
    const opened = await call('volume.openFile', { path: inOutput });
    const copyId = opened.ok ? (opened.output as { meta: { id: string } }).meta.id : '';
    const refused = await call('labels.export', exportInput(copyId, inOutput));
    expect(refused).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    if (!refused.ok) expect(refused.error.message).toContain('never overwritten');
    expect(statSync(inOutput).size).toBe(before);
  });

  it('session.write refuses .bashrc, evil.sh and an existing image, and writes a new session', async () => {
    const { call, output, volumeId } = served;
    const labelsPath = join(output, 'work.labels.nii.gz');
    expect(await call('labels.export', exportInput(volumeId, labelsPath))).toMatchObject({ ok: true });
    const existing = join(output, 'earlier.nii.gz');
    writeFileSync(existing, 'someone else\'s file');
    for (const path of [join(output, '.bashrc'), join(output, 'evil.sh'), existing]) {
      expect(await call('session.write', { path, volumeId, labelsPath }), path).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    }
    expect(existsSync(join(output, '.bashrc')) || existsSync(join(output, 'evil.sh'))).toBe(false);
    expect(readFileSync(existing, 'utf8')).toBe('someone else\'s file');
    expect(await call('session.write', { path: join(output, 'work.iseg.json'), volumeId, labelsPath })).toMatchObject({ ok: true });
  });

  it('a read root is not a write grant, and an export is refused rather than written outside the output folder', async () => {
    const { call, scans, outside, volumeId } = served;
    expect(await call('labels.export', exportInput(volumeId, join(scans, 'new.nii.gz')))).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(await call('labels.export', exportInput(volumeId, join(outside, 'new.nii.gz')))).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(existsSync(join(scans, 'new.nii.gz')) || existsSync(join(outside, 'new.nii.gz'))).toBe(false);
  });

  it('re-exports to a file it wrote, but not once that file was loaded back', async () => {
    const { call, output, volumeId } = served;
    const path = join(output, 'again.nii.gz');
    expect(await call('labels.export', exportInput(volumeId, path))).toMatchObject({ ok: true });
    expect(await call('labels.export', exportInput(volumeId, path))).toMatchObject({ ok: true });
    expect(await call('labels.load', { volumeId, path })).toMatchObject({ ok: true });
    expect(await call('labels.export', exportInput(volumeId, path))).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
  });

  it('a crafted session under a root opens nothing outside it and grants no write', async () => {
    const { call, scans, outside, volumeId } = served;
    const victim = join(outside, 'victim.nii.gz');
    writeFileSync(victim, 'precious');
    const crafted = join(scans, 'crafted.iseg.json');
    writeFileSync(crafted, JSON.stringify({ format: 'iseg-session', version: 1, image: 'knee.nii.gz', labels: '../outside/victim.nii.gz', saved: 'x' }));
    expect(await call('session.read', { path: crafted })).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(await call('labels.export', exportInput(volumeId, victim))).toMatchObject({ ok: false, error: { code: 'not-allowed' } });
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });
});
