/**
 * Every file in the shared data folder (../shared/data, or ISEG_SHARED_DATA): our reader must agree
 * with the independent reader (nibabel, or the spec-based NRRD parser) on size, spacing, RAS affine,
 * orientation and every voxel, and with the README's facts where nibabel cannot read the format
 * (GIPL, DICOM). Label maps are written back and read by the independent reader again.
 */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { distinctValueCounts } from '../../common/volume-stats';
import { indexToWorldAffine, orientationCode, type Volume } from '../../common/volume';
import { readVolume } from './read-volume';
import {
  readWithReference,
  referenceMissingReason,
  SHARED_DATA,
  sharedDataMissingReason,
  voxelDigest,
  type ReferenceInfo,
} from './test-support/reference-reader';
import { serviceErrorOf } from './test-support/service-error';
import { useTempDir } from './test-support/temp-dir';
import { writeLabelMap } from './write-label-map';

/** Geometry facts from ../shared/data/README.md (itself written from an independent reader). */
interface Facts {
  readonly size: readonly [number, number, number];
  readonly spacing: readonly [number, number, number];
  readonly type: string;
  readonly orientation?: string;
  /** Distinct label values (background 0 included) where the README gives them. */
  readonly labelValues?: readonly number[];
  readonly labelCount?: number;
}

const README_FACTS: Record<string, Facts> = {
  'knee/oaizib-9092628_label.nii.gz': {
    size: [384, 384, 160],
    spacing: [0.365, 0.365, 0.7],
    type: 'uint8',
    labelValues: [0, 1, 2, 3, 4],
  },
  'knee/spl-knee-atlas_seg.nrrd': {
    size: [512, 512, 119],
    spacing: [0.277, 0.277, 1],
    type: 'int16',
    labelCount: 50,
  },
  'knee/clair-knee-103r_template.nii.gz': {
    size: [64, 128, 128],
    spacing: [1.4, 0.729, 0.729],
    type: 'float32',
  },
  'knee/clair-knee-103r_labels.nii.gz': {
    size: [64, 128, 128],
    spacing: [1.4, 0.729, 0.729],
    type: 'uint8',
    labelValues: [0, 1, 2, 3, 4, 5],
  },
  'knee/pykneer-dess01': { size: [512, 512, 80], spacing: [0.3125, 0.3125, 1.5], type: 'int16' },
  'brain/mricrop_t1.gipl.gz': { size: [78, 110, 64], spacing: [1, 1, 1], type: 'int16' },
  'brain/mricrop_labels.gipl.gz': {
    size: [78, 110, 64],
    spacing: [1, 1, 1],
    type: 'uint8',
    labelValues: [0, 1, 2, 3, 4, 5, 6, 7, 8],
  },
  'brain/fs_norm.mgz': { size: [256, 256, 256], spacing: [1, 1, 1], type: 'uint8', orientation: 'LIA' },
  'brain/fs_aparc.a2009s+aseg.mgz': {
    size: [256, 256, 256],
    spacing: [1, 1, 1],
    type: 'int32',
    orientation: 'LIA',
    labelCount: 189,
  },
  'ct/spleen2_ct.nii.gz': { size: [164, 166, 26], spacing: [0.795, 0.795, 5], type: 'float32' },
  'ct/spleen2_labels.nii.gz': {
    size: [164, 166, 26],
    spacing: [0.795, 0.795, 5],
    type: 'uint8',
    labelValues: [0, 1],
  },
  'spine/unf01_t2w.nii.gz': { size: [131, 141, 16], spacing: [1, 1, 1], type: 'float32' },
  'spine/unf01_t2w_cord.nii.gz': {
    size: [131, 141, 16],
    spacing: [1, 1, 1],
    type: 'float32',
    labelValues: [0, 1],
  },
  'multi/totalseg_ct.nii.gz': { size: [122, 101, 30], spacing: [3, 3, 3], type: 'int16' },
  'multi/totalseg_ct_labels.nii.gz': {
    size: [122, 101, 30],
    spacing: [3, 3, 3],
    type: 'uint8',
    labelCount: 42,
  },
  'multi/totalseg_mr.nii.gz': { size: [117, 91, 20], spacing: [3, 3, 3], type: 'int16' },
  'multi/totalseg_mr_labels.nii.gz': {
    size: [117, 91, 20],
    spacing: [3, 3, 3],
    type: 'uint8',
    labelCount: 24,
  },
};

/** Files that are not images (colour tables, notes): the reader must refuse them cleanly. */
const NOT_IMAGES = new Set([
  'README.md',
  'knee/spl-knee-atlas_labels.ctbl',
  'brain/mricrop_labels.label.txt',
]);
/** Formats nibabel cannot read; checked against README_FACTS only. */
const WITHOUT_REFERENCE = new Set([
  'knee/pykneer-dess01',
  'brain/mricrop_t1.gipl.gz',
  'brain/mricrop_labels.gipl.gz',
]);
const isLabelMap = (entry: string) => /label|_seg|aparc|cord/.test(entry);

/** Entries to check: each file, except that a folder of .dcm files is one series. */
async function sharedEntries(): Promise<string[]> {
  const entries: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    const children = await readdir(folder, { withFileTypes: true });
    if (children.some((c) => c.isFile() && c.name.toLowerCase().endsWith('.dcm'))) {
      entries.push(relative(SHARED_DATA, folder));
      return;
    }
    for (const child of children) {
      const path = join(folder, child.name);
      if (child.isDirectory()) await walk(path);
      else entries.push(relative(SHARED_DATA, path));
    }
  };
  await walk(SHARED_DATA);
  return entries.sort();
}

function expectFacts(volume: Volume, facts: Facts): void {
  expect(volume.geometry.size).toEqual(facts.size);
  volume.geometry.spacing.forEach((s, n) =>
    expect(Math.abs(s - (facts.spacing[n] ?? NaN))).toBeLessThan(0.001),
  );
  expect(volume.componentType).toBe(facts.type);
  if (facts.orientation) expect(orientationCode(volume.geometry.direction)).toBe(facts.orientation);
  const values = facts.labelValues || facts.labelCount ? distinctValueCounts(volume.voxels) : undefined;
  const floatValues = volume.componentType.startsWith('float')
    ? [...new Set(volume.voxels)].sort((a, b) => a - b)
    : undefined;
  if (facts.labelValues) expect(floatValues ?? values?.map((v) => v.value)).toEqual(facts.labelValues);
  if (facts.labelCount) expect(values).toHaveLength(facts.labelCount);
}

function expectAgreesWithReference(volume: Volume, reference: ReferenceInfo | undefined): void {
  expect(reference, 'the reference reader returned nothing').toBeDefined();
  if (!reference) return;
  expect(reference.shape).toEqual([...volume.geometry.size]);
  reference.zooms.forEach((z, n) => expect(z).toBeCloseTo(volume.geometry.spacing[n] ?? NaN, 5));
  const affine = indexToWorldAffine(volume.geometry, 'RAS');
  reference.affine
    .flat()
    .forEach((v, n) => expect(v, `affine element ${n}`).toBeCloseTo(affine[n] ?? NaN, 4));
  expect(orientationCode(volume.geometry.direction)).toBe(reference.axcodes);
  expect(voxelDigest(volume.voxels), 'voxels differ from the reference reader').toBe(reference.sha256);
}

const missing = sharedDataMissingReason();
const referenceMissing = referenceMissingReason();

describe.skipIf(missing !== undefined)(
  `every file in the shared data${missing ? ` (${missing})` : ''}`,
  () => {
    const temp = useTempDir('shared');
    let entries: string[] = [];
    let references = new Map<string, ReferenceInfo>();

    beforeAll(async () => {
      entries = await sharedEntries();
      if (referenceMissing) return;
      const withReference = entries.filter((e) => !NOT_IMAGES.has(e) && !WITHOUT_REFERENCE.has(e));
      const infos = await readWithReference(withReference.map((e) => join(SHARED_DATA, e)));
      references = new Map(withReference.map((e, n) => [e, infos[n] as ReferenceInfo]));
    }, 180_000);

    it('has an expectation for each entry', () => {
      const unknown = entries.filter((e) => !NOT_IMAGES.has(e) && README_FACTS[e] === undefined);
      expect(unknown, 'entries in the shared data with no expectation here').toEqual([]);
    });

    it.each([...NOT_IMAGES])('refuses %s as not an image', async (entry) => {
      const error = await serviceErrorOf(readVolume(join(SHARED_DATA, entry)));
      expect(error.message).toMatch(/is not in a supported image format/);
    });

    it.each(Object.keys(README_FACTS))(
      '%s matches the README and the independent reader, and survives a label-map round trip',
      async (entry) => {
        const facts = README_FACTS[entry];
        if (!facts) throw new Error(`no facts for ${entry}`);
        const volume = await readVolume(join(SHARED_DATA, entry));
        expectFacts(volume, facts);
        if (referenceMissing) {
          console.info(`${entry}: comparison with nibabel ${referenceMissing}`);
          return;
        }
        if (!WITHOUT_REFERENCE.has(entry)) expectAgreesWithReference(volume, references.get(entry));
        if (!isLabelMap(entry)) return;
        const saved = await writeLabelMap(join(temp.path, `${entry.replace(/[/.+]/g, '_')}.nii.gz`), {
          voxels: volume.voxels,
          geometry: volume.geometry,
          labels: [],
          provenance: {
            app: { name: 'iSeg Studio', version: 'test' },
            created: new Date().toISOString(),
            sourceImage: entry,
            models: [],
            clicks: 0,
          },
        });
        const [reread] = await readWithReference([saved.path]);
        expectAgreesWithReference(volume, reread);
      },
      180_000,
    );
  },
);
