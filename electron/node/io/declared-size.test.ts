import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { checkDeclaredSize, contentHead, declaredImage, formatBytes, inflatedHead, volumeByteLimit } from './declared-size';
import { readVolume } from './read-volume';
import { niftiHeader } from './test-support/hostile-files';
import { serviceErrorOf } from './test-support/service-error';

const folder = mkdtempSync(join(tmpdir(), 'iseg-declared-'));

describe('declared sizes', () => {
  it('reads what an MGH header claims and refuses it before allocating, naming the size', () => {
    const header = new DataView(new ArrayBuffer(384));
    [1, 30000, 30000, 30000, 1, 3].forEach((v, n) => header.setInt32(4 * n, v, false));
    const declared = declaredImage('mgh', new Uint8Array(header.buffer));
    expect(declared).toMatchObject({ dims: [30000, 30000, 30000, 1], bytesPerComponent: 4, contentBytes: 284 + 4 * 30000 ** 3 });
    expect(() => checkDeclaredSize(declared ?? { dims: [], components: 1, bytesPerComponent: 1 }, 'huge.mgh', 2e9)).toThrow(
      'huge.mgh declares 30000×30000×30000×1 voxels (108 TB), more than the 2.00 GB iSeg allows one image now (a quarter of free memory, at most 2 GiB).',
    );
  });

  it('refuses an int64 volume from its header, before inflating it', async () => {
    const path = join(folder, 'int64.nii.gz');
    writeFileSync(path, gzipSync(Buffer.concat([niftiHeader({ dims: [64, 64, 64], datatype: 1024, bitpix: 64 }), Buffer.alloc(64 ** 3 * 8)])));
    expect((await serviceErrorOf(readVolume(path))).message).toBe('int64.nii.gz stores int64 voxels (64×64×64), which iSeg does not support.');
  });

  it('refuses a volume over the memory limit it is given', async () => {
    const path = join(folder, 'big.nii');
    writeFileSync(path, Buffer.concat([niftiHeader({ dims: [100, 100, 100], datatype: 2, bitpix: 8 }), Buffer.alloc(1e6)]));
    expect((await serviceErrorOf(readVolume(path, { maxVoxelBytes: 999_999 }))).message).toMatch(/^big\.nii declares 100×100×100 voxels \(1\.00 MB\), more than the 1000 KB/);
    expect((await readVolume(path, { maxVoxelBytes: 1e6 })).geometry.size).toEqual([100, 100, 100]);
  });

  it('refuses, from the header alone, a volume the viewer page could not hold, saying what would fit', async () => {
    const path = join(folder, 'huge-for-page.nii');
    // Header only: the refusal must come before any voxel is read (the file holds none).
    writeFileSync(path, niftiHeader({ dims: [1024, 1024, 1024], datatype: 4, bitpix: 16 }));
    expect((await serviceErrorOf(readVolume(path, { forViewer: true, maxVoxelBytes: 4 * 2 ** 30 }))).message).toBe(
      'huge-for-page.nii is 1024×1024×1024 voxels (2.15 GB), more than the 1.07 GB the viewer can hold; at 2 bytes per voxel about 812×812×812 would fit, so crop or downsample it first.',
    );
    // Without the viewer's limit it goes on to be read (and fails for want of voxels, not size).
    expect((await serviceErrorOf(readVolume(path, { maxVoxelBytes: 4 * 2 ** 30 }))).message).not.toMatch(/viewer/);
  });

  it('stops inflating at what the header declares: a gzip bomb is named as one', async () => {
    const path = join(folder, 'bomb.nii.gz');
    const zeros = gzipSync(Buffer.alloc(16 << 20), { level: 9 });
    writeFileSync(path, Buffer.concat([gzipSync(niftiHeader({ dims: [12, 10, 8], datatype: 2, bitpix: 8 })), ...Array.from({ length: 8 }, () => zeros)]));
    const error = await serviceErrorOf(readVolume(path));
    expect(error.message).toMatch(/^bomb\.nii\.gz inflates to more than the 1\.05 MB its header declares; it is not a valid image/);
  });

  it('takes the head of a gzip stream from its first bytes', () => {
    const stream = gzipSync(Buffer.concat([Buffer.from('header'), Buffer.alloc(8 << 20)]), { level: 9 });
    const head = inflatedHead(stream, 1024);
    expect(head.length).toBe(1024);
    expect(Buffer.from(head.subarray(0, 6)).toString()).toBe('header');
  });

  it('limits one image to a quarter of free memory, at most 2 GiB, and prints sizes briefly', () => {
    expect(volumeByteLimit(4e9)).toBe(1e9);
    expect(volumeByteLimit(64e9)).toBe(2 * 1024 ** 3);
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(54e12)).toBe('54.0 TB');
  });
});

describe('contentHead', () => {
  it('gives the start of the content and whether the file is gzip, in one read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iseg-head-'));
    const content = Uint8Array.from({ length: 3000 }, (_, n) => (n * 7) % 251);
    writeFileSync(join(dir, 'plain.nii'), content);
    writeFileSync(join(dir, 'packed.nii.gz'), gzipSync(content));
    const plain = await contentHead(join(dir, 'plain.nii'), 1000);
    const packed = await contentHead(join(dir, 'packed.nii.gz'), 1000);
    expect(plain.gzip).toBe(false);
    expect(packed.gzip).toBe(true);
    expect(Array.from(plain.bytes)).toEqual(Array.from(content.subarray(0, 1000)));
    expect(Array.from(packed.bytes)).toEqual(Array.from(content.subarray(0, 1000)));
  });
});
