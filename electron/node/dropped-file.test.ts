import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_DROPPED_FILE_BYTES, droppedFileProblem } from '../common/dropped-files';
import { numberedName, saveDroppedFile } from './dropped-file';

describe('a file dropped on the page in serve mode', () => {
  it('is copied under the output folder, never over an earlier drop', async () => {
    const output = mkdtempSync(join(tmpdir(), 'iseg-drop-'));
    const first = await saveDroppedFile(output, 'knee.nii.gz', new Uint8Array([1, 2, 3]).buffer);
    const second = await saveDroppedFile(output, 'knee.nii.gz', new Uint8Array([4]).buffer);
    expect(first).toBe(join(output, 'dropped', 'knee.nii.gz'));
    expect(second).toBe(join(output, 'dropped', 'knee-2.nii.gz'));
    expect([...readFileSync(first)]).toEqual([1, 2, 3]);
    expect([...readFileSync(second)]).toEqual([4]);
  });

  it('numbers a name before its whole suffix', () => {
    expect(numberedName('knee.nii.gz', 1)).toBe('knee.nii.gz');
    expect(numberedName('knee.nii.gz', 3)).toBe('knee-3.nii.gz');
    expect(numberedName('a.b.mha', 2)).toBe('a.b-2.mha');
  });

  it('refuses, in one sentence each, what a drop cannot open', async () => {
    expect(droppedFileProblem('knee.nii.gz', 10)).toBeUndefined();
    expect(droppedFileProblem('brain.mgz', 10)).toBeUndefined();
    expect(droppedFileProblem('scan.mhd', 10)).toMatch(
      /^scan\.mhd is a header whose voxels are in another file/,
    );
    expect(droppedFileProblem('notes.txt', 10)).toMatch(/^notes\.txt is not an image iSeg reads from a drop/);
    expect(droppedFileProblem('../evil.nii', 10)).toMatch(/is not a file name/);
    expect(droppedFileProblem('.hidden.nii', 10)).toMatch(/is not a file name/);
    expect(droppedFileProblem('big.nii', MAX_DROPPED_FILE_BYTES + 1)).toMatch(
      /^big\.nii is \d+ MiB; a drop in the browser carries at most \d+ MiB/,
    );
    await expect(
      saveDroppedFile(mkdtempSync(join(tmpdir(), 'iseg-drop-')), '../../x.nii', new ArrayBuffer(1)),
    ).rejects.toMatchObject({ code: 'bad-request' });
    await expect(saveDroppedFile(undefined, 'x.nii', new ArrayBuffer(1))).rejects.toMatchObject({
      code: 'not-allowed',
    });
  });
});
