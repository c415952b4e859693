import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareGeometry } from '../common/geometry-compare';
import { readVolume } from './io/read-volume';
import { orientationCode } from '../common/volume';
import { SAMPLE_FILE, firstRunSample, sampleLoader } from './sample';

const resources = fileURLToPath(new URL('../../resources', import.meta.url));

describe('the bundled sample', () => {
  it('opens as a small int16 knee image with matching labels in the knee preset', async () => {
    const { volume, name } = await sampleLoader(resources)('knee-simulated');
    expect(name).toMatch(/simulated/i);
    expect(volume.componentType).toBe('int16');
    expect(volume.geometry.size).toEqual([64, 128, 128]);
    const labels = await readVolume(join(resources, SAMPLE_FILE.replace('.nii.gz', '_labels.nii.gz')));
    expect(compareGeometry(labels.geometry, volume.geometry)).toEqual([]);
    const present = new Set(labels.voxels);
    expect([...present].sort()).toEqual([0, 1, 2, 3, 4]);
    // Cartilage is brighter than bone marrow in the simulated DESS-like contrast.
    const mean = (value: number): number => {
      let sum = 0;
      let count = 0;
      labels.voxels.forEach((l, n) => {
        if (l === value) {
          sum += Number(volume.voxels[n]);
          count++;
        }
      });
      return sum / count;
    };
    expect(mean(2)).toBeGreaterThan(mean(1) * 1.5);
  });

  it('opens the real knee MRI first: a sagittal DESS series binned to 256² at 0.625 mm', async () => {
    const { volume, name } = await sampleLoader(resources, firstRunSample(undefined))();
    expect(name).toMatch(/real/i);
    expect(volume.componentType).toBe('int16');
    expect(volume.geometry.size).toEqual([256, 256, 80]);
    expect(volume.geometry.spacing.map((s) => Number(s.toFixed(4)))).toEqual([0.625, 0.625, 1.5]);
    // Read with dcmdump from the series' first slice: ImagePositionPatient (13.0848, -68.3588,
    // 79.8372), rows along +P, columns along +I at 0.3125 mm; the 2×2 bin's centre is half a
    // source pixel further along both.
    const expected = [13.0848, -68.3588 + 0.15625, 79.8372 - 0.15625];
    volume.geometry.origin.forEach((o, c) => expect(o).toBeCloseTo(expected[c] ?? NaN, 3));
    expect(orientationCode(volume.geometry.direction)).toBe('PIR');
  });

  it('takes the first-run sample from ISEG_SAMPLE and refuses an unknown one in a sentence', () => {
    expect(firstRunSample('knee-simulated')).toBe('knee-simulated');
    expect(firstRunSample('')).toBe('knee-mri');
    expect(() => firstRunSample('brain')).toThrow('ISEG_SAMPLE must be one of knee-mri, knee-simulated, not "brain".');
  });

  it('falls back to the parametric phantom where resources are missing', async () => {
    const { name, volume } = await sampleLoader('/nonexistent')();
    expect(name).toMatch(/phantom/i);
    expect(volume.voxels.length).toBeGreaterThan(0);
  });
});
