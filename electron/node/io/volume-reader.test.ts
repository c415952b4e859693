import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { makeKneePhantom } from '../../common/phantom';
import { summarizeVoxels } from '../../common/volume-stats';
import { buildEntryForTests } from '../testing/build-worker';
import { readerPhasesText, ThreadedVolumeReader } from './volume-reader';
import { writeSyntheticSeries } from './test-support/synthetic-dicom';
import { writeVolume } from './write-volume';

let entry = '';
let folder = '';
const readers: ThreadedVolumeReader[] = [];

beforeAll(async () => {
  entry = await buildEntryForTests('node/io/volume-reader-worker.ts', 'volume-reader.mjs');
  folder = mkdtempSync(join(tmpdir(), 'iseg-reader-'));
}, 60_000);

afterAll(async () => {
  await Promise.all(readers.map((reader) => reader.close()));
});

function reader(): ThreadedVolumeReader {
  const made = new ThreadedVolumeReader(entry);
  readers.push(made);
  return made;
}

describe('ThreadedVolumeReader', () => {
  it('reads on another thread and hands back the voxels with their geometry', async () => {
    const { image } = makeKneePhantom({ size: [16, 12, 8] });
    const path = join(folder, 'phantom.nii.gz');
    await writeVolume(image, path);
    const threaded = reader();
    const volume = await threaded.read(path);
    expect(threaded.lastThreadId).toBeDefined();
    expect(threaded.lastThreadId).not.toBe(threadId);
    expect(volume.geometry.size).toEqual([16, 12, 8]);
    expect(volume.componentType).toBe(image.componentType);
    expect([...volume.voxels]).toEqual([...image.voxels]);
  });

  it('hands back the summary the thread counted, for NIfTI (while inflating) and other formats alike', async () => {
    const { image } = makeKneePhantom({ size: [16, 12, 8] });
    for (const name of ['summary.nii.gz', 'summary.nrrd']) {
      const path = join(folder, name);
      await writeVolume(image, path);
      const { volume, summary, phases } = await reader().readSummarized(path);
      expect(summary).toEqual(summarizeVoxels(image.voxels));
      expect(summary).toEqual(summarizeVoxels(volume.voxels));
      expect(phases.roundTripMs).toBeGreaterThanOrEqual(phases.readMs);
    }
  });

  it('can start its thread before the first read, and reads on that thread', async () => {
    const { image } = makeKneePhantom({ size: [16, 12, 8] });
    const path = join(folder, 'warm.nii.gz');
    await writeVolume(image, path);
    const threaded = reader();
    expect(threaded.started).toBe(false);
    threaded.warm();
    threaded.warm();
    expect(threaded.started).toBe(true);
    expect((await threaded.read(path)).geometry.size).toEqual([16, 12, 8]);
    await threaded.close();
    expect(threaded.started).toBe(false);
  });

  it('hands back a DICOM series\' modality, which the window/level presets follow', async () => {
    const series = join(folder, 'ct-series');
    mkdirSync(series);
    await writeSyntheticSeries(series, { uid: '1.2.826.99.1', count: 3, rows: 6, columns: 5, modality: 'CT' });
    expect((await reader().read(series)).modality).toBe('CT');
  });

  it('passes the reader\'s one-sentence refusals through with their code', async () => {
    const path = join(folder, 'text.nii');
    writeFileSync(path, 'not an image');
    await expect(reader().read(path)).rejects.toMatchObject({ name: 'ServiceError', code: 'unreadable', message: expect.stringMatching(/^text\.nii / ) as unknown });
  });

  it('fails pending reads in one sentence when the thread dies, and reads again afterwards', async () => {
    const { image } = makeKneePhantom({ size: [16, 12, 8] });
    const path = join(folder, 'again.nii.gz');
    await writeVolume(image, path);
    const threaded = reader();
    const pending = threaded.read(path);
    await threaded.close();
    await expect(pending).rejects.toMatchObject({ code: 'unreadable', message: 'again.nii.gz could not be read: the reader stopped unexpectedly.' });
    expect((await threaded.read(path)).geometry.size).toEqual([16, 12, 8]);
  });
});

describe('readerPhasesText', () => {
  it('says where a read\'s time went: the thread, its CPU, a pass after the read, the hand-over', () => {
    const mib = 2 ** 20;
    expect(readerPhasesText({ readMs: 100.4, summaryAfterMs: 0.1, processCpuMs: 80, roundTripMs: 130.4 }, 90 * mib)).toBe(
      '90 MiB read on the reader thread in 100 ms, 80 ms of CPU (summary counted while inflating), handed to the main thread in 30 ms',
    );
    expect(readerPhasesText({ readMs: 100, summaryAfterMs: 12, processCpuMs: 90, roundTripMs: 112 }, 4 * mib)).toBe(
      '4 MiB read on the reader thread in 100 ms, 90 ms of CPU (summary counted while inflating, then 12 ms for what it had not covered), handed to the main thread in 0 ms',
    );
  });
});
