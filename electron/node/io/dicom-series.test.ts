import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { orientationCode, type Vec3 } from '../../common/volume';
import { listDicomSeries, readDicomSeries } from './dicom-series';
import { readVolume } from './read-volume';
import { SHARED_DATA, sharedDataMissingReason } from './test-support/reference-reader';
import { serviceErrorOf as errorOf } from './test-support/service-error';
import { writeSyntheticDicom } from './test-support/synthetic-dicom';
import { useTempDir } from './test-support/temp-dir';

const temp = useTempDir('dicom');
const ROWS = 4;
const COLUMNS = 3;

interface SeriesSpec {
  readonly uid: string;
  readonly number: number;
  readonly description: string;
  readonly count: number;
  /** Position of slice k (in acquisition order). */
  readonly position: (k: number) => Vec3;
  readonly orientation: readonly [number, number, number, number, number, number];
  /** File name of slice k. */
  readonly fileName: (k: number) => string;
}

/** Slice k is filled with 100·(k+1) plus the pixel index, so its place in the volume shows. */
async function writeSeries(folder: string, spec: SeriesSpec): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (let k = 0; k < spec.count; k++) {
    const pixels = Int16Array.from({ length: ROWS * COLUMNS }, (_, n) => 100 * (k + 1) + n);
    await writeSyntheticDicom(join(folder, spec.fileName(k)), {
      seriesUid: spec.uid,
      seriesNumber: spec.number,
      description: spec.description,
      instanceNumber: k + 1,
      position: spec.position(k),
      orientation: spec.orientation,
      rows: ROWS,
      columns: COLUMNS,
      pixelSpacing: [0.5, 0.75],
      pixels,
    });
  }
}

const axial = (uid: string, count = 5): SeriesSpec => ({
  uid,
  number: 3,
  description: 'Ax T1',
  count,
  position: (k) => [-10, 20, 30 + 2.5 * k],
  orientation: [1, 0, 0, 0, 1, 0],
  // File names run against the slice order.
  fileName: (k) => `${uid}-${String(count - k).padStart(3, '0')}.dcm`,
});

function sliceValues(voxels: ArrayLike<number>, k: number): number {
  return voxels[k * ROWS * COLUMNS] ?? NaN;
}

describe('DICOM series from synthetic files', () => {
  it('stacks slices by position along the normal, not by file name', async () => {
    const folder = join(temp.path, 'axial');
    await writeSeries(folder, axial('1.2.3.1'));
    const volume = await readDicomSeries(folder);
    expect(volume.geometry.size).toEqual([COLUMNS, ROWS, 5]);
    expect(volume.geometry.spacing).toEqual([0.75, 0.5, 2.5]);
    expect(volume.geometry.origin).toEqual([-10, 20, 30]);
    expect(orientationCode(volume.geometry.direction)).toBe('LPS');
    expect([0, 1, 2, 3, 4].map((k) => sliceValues(volume.voxels, k))).toEqual([100, 200, 300, 400, 500]);    // The series' Modality travels with the volume (the page picks window/level presets by it).
    expect(volume.modality).toBe('MR');
  });

  it('stacks a sagittal series whose normal points to the right (like the DESS knee)', async () => {
    const folder = join(temp.path, 'sagittal');
    await writeSeries(folder, {
      ...axial('1.2.3.2'),
      orientation: [0, 1, 0, 0, 0, -1],
      // Acquired left to right: x decreases, so position along the normal (−x) increases.
      position: (k) => [13 - 1.5 * k, -68, 79],
      fileName: (k) => `IM-${String((k * 7) % 5)}.dcm`,
    });
    const volume = await readDicomSeries(folder);
    expect(orientationCode(volume.geometry.direction)).toBe('PIR');
    expect(volume.geometry.origin).toEqual([13, -68, 79]);
    expect(volume.geometry.spacing[2]).toBeCloseTo(1.5, 6);
    expect([0, 1, 2, 3, 4].map((k) => sliceValues(volume.voxels, k))).toEqual([100, 200, 300, 400, 500]);
  });

  it('lists several series in a folder and makes the caller choose', async () => {
    const folder = join(temp.path, 'two-series');
    await writeSeries(folder, axial('1.2.3.10', 4));
    await writeSeries(folder, { ...axial('1.2.3.11', 3), number: 7, description: 'Sag PD' });
    await writeFile(join(folder, 'DICOMDIR-notes.txt'), 'not an image');

    expect(await listDicomSeries(folder)).toEqual([
      { seriesInstanceUid: '1.2.3.10', description: 'Ax T1', seriesNumber: 3, modality: 'MR', fileCount: 4 },
      { seriesInstanceUid: '1.2.3.11', description: 'Sag PD', seriesNumber: 7, modality: 'MR', fileCount: 3 },
    ]);
    const error = await errorOf(readDicomSeries(folder));
    expect(error.code).toBe('bad-request');
    expect(error.message).toBe(
      'The folder two-series holds 2 DICOM series; choose one: 1.2.3.10 "MR Ax T1" (4 files); 1.2.3.11 "MR Sag PD" (3 files).',
    );
    expect((await readDicomSeries(folder, '1.2.3.11')).geometry.size).toEqual([COLUMNS, ROWS, 3]);
    expect((await errorOf(readDicomSeries(folder, '9.9.9'))).code).toBe('not-found');
  });

  it('opens the series of a single DICOM file from its folder', async () => {
    const folder = join(temp.path, 'by-file');
    await writeSeries(folder, axial('1.2.3.20', 3));
    await writeSeries(folder, { ...axial('1.2.3.21', 4), number: 9 });
    const [first] = (await readdir(folder)).filter((name) => name.startsWith('1.2.3.21'));
    const volume = await readVolume(join(folder, first ?? ''));
    expect(volume.geometry.size).toEqual([COLUMNS, ROWS, 4]);
  });

  it('refuses a folder without DICOM images', async () => {
    const folder = join(temp.path, 'no-dicom');
    await mkdir(folder);
    await writeFile(join(folder, 'readme.txt'), 'nothing here');
    const error = await errorOf(readDicomSeries(folder));
    expect(error.message).toBe('The folder no-dicom holds no DICOM images.');
  });

  it('refuses slices that share a position instead of stacking them wrongly', async () => {
    const folder = join(temp.path, 'echoes');
    await writeSeries(folder, {
      ...axial('1.2.3.30', 4),
      position: (k) => [-10, 20, 30 + 2.5 * Math.floor(k / 2)],
    });
    const error = await errorOf(readDicomSeries(folder));
    expect(error.code).toBe('unreadable');
    expect(error.message).toMatch(
      /^The DICOM series in echoes cannot be stacked: .* lie at the same position/,
    );
  });

  it('refuses a series with a truncated file in one sentence', async () => {
    const folder = join(temp.path, 'truncated');
    await writeSeries(folder, axial('1.2.3.50', 3));
    const [victim] = await readdir(folder);
    const path = join(folder, victim ?? '');
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 10));
    const error = await errorOf(readDicomSeries(folder));
    expect(error.message).toBe(
      `The DICOM series in truncated has a truncated file: ${victim ?? ''} ends before its pixel data does.`,
    );
  });

  it('refuses a series of one slice as 2D', async () => {
    const folder = join(temp.path, 'one-slice');
    await writeSeries(folder, axial('1.2.3.40', 1));
    expect((await errorOf(readDicomSeries(folder))).message).toBe(
      'The DICOM series in one-slice is a single 2D slice; iSeg needs a 3D volume.',
    );
  });
});

const missing = sharedDataMissingReason();

describe.skipIf(missing !== undefined)(
  `DICOM knee series from the shared data${missing ? ` (${missing})` : ''}`,
  () => {
    const dess = join(SHARED_DATA, 'knee', 'pykneer-dess01');

    it('opens pykneer-dess01 as one 512×512×80 volume with 0.3125 mm pixels and a 1.5 mm step', async () => {
      const volume = await readVolume(dess);
      expect(volume.geometry.size).toEqual([512, 512, 80]);
      expect(volume.geometry.spacing[0]).toBeCloseTo(0.3125, 6);
      expect(volume.geometry.spacing[1]).toBeCloseTo(0.3125, 6);
      expect(volume.geometry.spacing[2]).toBeCloseTo(1.5, 4);
      expect(volume.componentType).toBe('int16');
      expect(orientationCode(volume.geometry.direction)).toBe('PIR');
    });

    it('gives the same volume when the file names run against the slice order', async () => {
      const shuffled = join(temp.path, 'dess-renamed');
      await mkdir(shuffled);
      const names = (await readdir(dess)).sort();
      await Promise.all(
        names.map((name, n) =>
          copyFile(
            join(dess, name),
            join(shuffled, `slice-${String(names.length - n).padStart(3, '0')}.dcm`),
          ),
        ),
      );
      const [original, renamed] = await Promise.all([readVolume(dess), readVolume(shuffled)]);
      expect(renamed.geometry).toEqual(original.geometry);
      expect(Buffer.compare(Buffer.from(renamed.voxels.buffer), Buffer.from(original.voxels.buffer))).toBe(0);
    });
  },
);
