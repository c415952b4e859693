import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexToWorldAffine } from '../../common/volume';
import { readVolume } from './read-volume';
import { referenceMissingReason, readWithReference, voxelDigest } from './test-support/reference-reader';
import { SAMPLE_IMAGE as image, sampleLabelMap as labelMap } from './test-support/sample-label-map';
import { serviceErrorOf as errorOf } from './test-support/service-error';
import { useTempDir } from './test-support/temp-dir';
import { writeLabelMap } from './write-label-map';

const temp = useTempDir('labels');

describe('writeLabelMap', () => {
  it('writes uint8 when the largest label fits, with the source geometry and a sidecar', async () => {
    const path = join(temp.path, 'small.nii.gz');
    const written = await writeLabelMap(
      path,
      labelMap((n) => n % 3),
    );
    expect(written).toEqual({
      path,
      sidecarPath: join(temp.path, 'small.nii.gz.json'),
      componentType: 'uint8',
    });
    const read = await readVolume(path);
    expect(read.componentType).toBe('uint8');
    expect(read.geometry.size).toEqual(image.geometry.size);
    const sidecar: unknown = JSON.parse(await readFile(written.sidecarPath, 'utf8'));
    expect(sidecar).toMatchObject({
      format: 'iseg-label-map',
      version: 1,
      provenance: { clicks: 7, sourceImage: 'knee.nii.gz' },
    });
  });

  it('writes uint16 when a label exceeds 255', async () => {
    const written = await writeLabelMap(
      join(temp.path, 'large.nrrd'),
      labelMap((n) => (n % 5 === 0 ? 300 : 1)),
    );
    expect(written.componentType).toBe('uint16');
    expect((await readVolume(written.path)).componentType).toBe('uint16');
  });

  it('names the segments in a NRRD header the way 3D Slicer reads them', async () => {
    const written = await writeLabelMap(
      join(temp.path, 'slicer.seg.nrrd'),
      labelMap((n) => n % 3),
    );
    const header = (await readFile(written.path)).toString('latin1').split('\n\n')[0] ?? '';
    expect(header).toContain('Segment0_Name:=femur');
    expect(header).toContain('Segment1_LabelValue:=2');
    expect(header).toContain('Segment1_Color:=0.3529 0.7059 0.9804');
    expect(written.sidecarPath).toBe(join(temp.path, 'slicer.seg.nrrd.json'));
  });

  it('refuses values that are not labels and leaves no file behind', async () => {
    const before = await readdir(temp.path);
    const error = await errorOf(
      writeLabelMap(
        join(temp.path, 'bad.nii.gz'),
        labelMap((n) => n * 0.5, 'float32'),
      ),
    );
    expect(error.code).toBe('bad-request');
    expect(error.message).toBe('Cannot save the label map bad.nii.gz: it holds the non-integer value 0.5.');
    expect(await readdir(temp.path)).toEqual(before);
  });

  it('refuses an invalid sidecar before writing anything', async () => {
    const map = labelMap((n) => n % 3);
    const error = await errorOf(
      writeLabelMap(join(temp.path, 'nosidecar.nii.gz'), {
        ...map,
        provenance: { ...map.provenance, clicks: -1 },
      }),
    );
    expect(error.code).toBe('bad-request');
    expect(error.message).toMatch(
      /^nosidecar\.nii\.gz\.json is not a valid label sidecar at provenance\.clicks: /,
    );
  });

  it('refuses formats other than NIfTI and NRRD', async () => {
    const error = await errorOf(
      writeLabelMap(
        join(temp.path, 'labels.mha'),
        labelMap((n) => n % 3),
      ),
    );
    expect(error.message).toBe(
      'Cannot save the label map as labels.mha: use .nii.gz or .nii or .seg.nrrd or .nrrd.',
    );
  });
});

const referenceMissing = referenceMissingReason();

describe.skipIf(referenceMissing !== undefined)(
  `label maps read back by nibabel${referenceMissing ? ` (${referenceMissing})` : ''}`,
  () => {
    it.each(['nibabel.nii.gz', 'nibabel.nii', 'nibabel.nrrd'])(
      '%s has the source affine and voxels',
      async (name) => {
        const map = labelMap((n) => (n * 13) % 4);
        const written = await writeLabelMap(join(temp.path, name), map);
        const [reference] = await readWithReference([written.path]);
        expect(reference?.shape).toEqual([...image.geometry.size]);
        expect(reference?.dtype).toBe('uint8');
        const expected = indexToWorldAffine(image.geometry, 'RAS');
        reference?.affine.flat().forEach((v, n) => expect(v).toBeCloseTo(expected[n] ?? NaN, 5));
        expect(reference?.sha256).toBe(voxelDigest(map.voxels));
      },
    );
  },
);
