import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLabelMapFor } from './load-label-map';
import { SAMPLE_IMAGE as image, sampleLabelMap as labelMap } from './test-support/sample-label-map';
import { serviceErrorOf as errorOf } from './test-support/service-error';
import { syntheticVolume } from './test-support/synthetic-volume';
import { useTempDir } from './test-support/temp-dir';
import { writeLabelMap } from './write-label-map';
import { writeVolume } from './write-volume';

const temp = useTempDir('load-labels');

describe('loadLabelMapFor', () => {
  it('loads a matching label map in the image geometry, with its sidecar', async () => {
    const path = join(temp.path, 'match.nii.gz');
    await writeLabelMap(
      path,
      labelMap((n) => n % 3),
    );
    const loaded = await loadLabelMapFor(path, image.geometry);
    expect(loaded.labels.geometry).toBe(image.geometry);
    expect(loaded.labels.componentType).toBe('uint8');
    expect(loaded.sidecar?.labels.map((l) => l.name)).toEqual(['femur', 'femoral cartilage']);
  });

  it('still reads a sidecar that an older version wrote as <stem>.labels.json', async () => {
    const path = join(temp.path, 'older.nii.gz');
    const written = await writeLabelMap(
      path,
      labelMap((n) => n % 3),
    );
    await rename(written.sidecarPath, join(temp.path, 'older.labels.json'));
    const loaded = await loadLabelMapFor(path, image.geometry);
    expect(loaded.sidecar?.labels.map((l) => l.name)).toEqual(['femur', 'femoral cartilage']);
  });

  it('names every difference when the label map belongs to another image', async () => {
    const other = syntheticVolume({
      size: [12, 10, 9],
      spacing: [0.5, 0.5, 1],
      origin: [-12.51178, -69.36525, 84.04359],
    });
    const path = join(temp.path, 'other.nii.gz');
    await writeLabelMap(path, {
      ...labelMap(() => 1),
      voxels: new Uint8Array(12 * 10 * 9),
      geometry: other.geometry,
    });
    const error = await errorOf(loadLabelMapFor(path, image.geometry));
    expect(error.code).toBe('geometry-mismatch');
    expect(error.message).toBe(
      'Label map other.nii.gz does not match the image: size 12×10×9 vs 12×10×8; spacing 0.5×0.5×1 vs 0.3646×0.3646×0.7 mm (label map vs image).',
    );
  });

  it('refuses an image of non-integer values as a label map', async () => {
    const path = join(temp.path, 'intensity.nii.gz');
    await writeVolume(
      syntheticVolume({ ...image.geometry, componentType: 'float32', value: (n) => n / 3 }),
      path,
    );
    const error = await errorOf(loadLabelMapFor(path, image.geometry));
    expect(error.code).toBe('unreadable');
    expect(error.message).toMatch(
      /^intensity\.nii\.gz is not a label map: it holds the non-integer value 0\.33/,
    );
  });

  it('refuses a damaged sidecar rather than dropping the names silently', async () => {
    const path = join(temp.path, 'broken.nii.gz');
    const written = await writeLabelMap(
      path,
      labelMap((n) => n % 3),
    );
    await writeFile(written.sidecarPath, '{ "format": ');
    expect((await errorOf(loadLabelMapFor(path, image.geometry))).message).toBe(
      'broken.nii.gz.json is not valid JSON.',
    );
  });
});
