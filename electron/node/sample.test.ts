import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareGeometry } from '../common/geometry-compare';
import { readVolume } from './io/read-volume';
import { SAMPLE_FILE, sampleLoader } from './sample';

const resources = fileURLToPath(new URL('../../resources', import.meta.url));

describe('the bundled sample', () => {
  it('opens as a small int16 knee image with matching labels in the knee preset', async () => {
    const { volume, name } = await sampleLoader(resources)();
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

  it('falls back to the parametric phantom where resources are missing', async () => {
    const { name, volume } = await sampleLoader('/nonexistent')();
    expect(name).toMatch(/phantom/i);
    expect(volume.voxels.length).toBeGreaterThan(0);
  });
});
