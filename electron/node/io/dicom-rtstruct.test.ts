import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { indexToWorld, type Volume } from '../../common/volume';
import { completeImageReferences, cxtFile, readReferencedSeries, writeRtStruct } from './dicom-rtstruct';
import { seriesReferenceFiles } from './dicom-seg';
import { readDicomSeries } from './dicom-series';
import { serviceErrorOf } from './test-support/service-error';
import { writeSyntheticDicom, writeSyntheticSeries } from './test-support/synthetic-dicom';
import { useTempDir } from './test-support/temp-dir';

const temp = useTempDir('rtstruct-unit');
const UID = '1.2.826.0.1.3680043.99.31';

describe('writeRtStruct on a small synthetic series', () => {
  let folder: string;
  let series: Volume;
  let files: string[];
  let labels: Uint8Array;

  beforeAll(async () => {
    folder = join(temp.path, 'series');
    await mkdir(folder);
    await writeSyntheticSeries(folder, { uid: UID, count: 6, rows: 16, columns: 12 });
    series = await readDicomSeries(folder);
    files = await seriesReferenceFiles(folder);
    const [nx, ny] = series.geometry.size;
    labels = new Uint8Array(series.voxels.length);
    // Value 5: a 6×8 block on slices 1 and 4; value 9: one pixel on slice 2.
    for (const k of [1, 4])
      for (let j = 4; j < 12; j++) for (let i = 3; i < 9; i++) labels[i + nx * (j + ny * k)] = 5;
    labels[2 + nx * (2 + ny * 2)] = 9;
  }, 60_000);

  it('writes one ROI per value with one contour per slice that holds it, named from the labels', async () => {
    const written = await writeRtStruct(join(temp.path, 'small.dcm'), {
      voxels: labels,
      geometry: series.geometry,
      labels: [{ value: 5, name: 'Tibia', color: [1, 2, 3] }],
      referenceFiles: files,
    });
    expect(written.rois).toEqual([
      { number: 1, value: 5, name: 'Tibia', contours: 2, points: 16 },
      { number: 2, value: 9, name: 'Segment 9', contours: 1, points: 4 },
    ]);
  }, 60_000);

  it('reads the identifiers an RTSTRUCT copies from the series files', async () => {
    const referenced = await readReferencedSeries(files);
    expect(referenced).toMatchObject({
      studyInstanceUid: `${UID}.99`,
      seriesInstanceUid: UID,
      frameOfReferenceUid: `${UID}.0.1`,
      patientName: 'Phantom^Knee',
      patientId: 'SYNTH01',
    });
    expect(referenced.slices.map((s) => s.position[2]).sort((a, b) => a - b)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(new Set(referenced.slices.map((s) => s.sopClassUid))).toEqual(
      new Set(['1.2.840.10008.5.1.4.1.1.4']),
    );
  });

  it('refuses, in one sentence each, labels drawn on another grid, an empty label map and a series without a frame of reference', async () => {
    const g = series.geometry;
    const shifted = { ...g, origin: indexToWorld(g, [0, 0, 0.5]) };
    const mismatch = await serviceErrorOf(
      writeRtStruct(join(temp.path, 'x.dcm'), {
        voxels: labels,
        geometry: shifted,
        labels: [],
        referenceFiles: files,
      }),
    );
    expect(mismatch.code).toBe('geometry-mismatch');
    expect(mismatch.message).toMatch(
      /^Cannot write an RTSTRUCT: no file of the series lies at slice 0 \(.*\), so the labels were not drawn on this series\.$/,
    );
    const empty = await serviceErrorOf(
      writeRtStruct(join(temp.path, 'x.dcm'), {
        voxels: new Uint8Array(labels.length),
        geometry: g,
        labels: [],
        referenceFiles: files,
      }),
    );
    expect(empty.message).toBe('Cannot save x.dcm: the label map is empty, so there is no segment to write.');

    const bare = join(temp.path, 'bare');
    await mkdir(bare);
    const slice = {
      seriesUid: '1.2.3.4',
      seriesNumber: 1,
      description: 'x',
      position: [0, 0, 0] as const,
      orientation: [1, 0, 0, 0, 1, 0] as const,
      rows: 2,
      columns: 2,
      pixelSpacing: [1, 1] as const,
      pixels: new Int16Array(4),
      frameOfReferenceUid: '',
    };
    await writeSyntheticDicom(join(bare, 'a.dcm'), { ...slice, instanceNumber: 1 });
    const noFrame = await serviceErrorOf(readReferencedSeries([join(bare, 'a.dcm')]));
    expect(noFrame.message).toBe(
      'Cannot write an RTSTRUCT: the series file a.dcm has no Frame of Reference UID (contours need one).',
    );
  }, 60_000);
});

describe('cxtFile', () => {
  it('keeps the field separator, line breaks and non-Latin-1 characters out of names and header values', () => {
    const text = cxtFile(
      {
        studyInstanceUid: '1.2',
        seriesInstanceUid: '1.3',
        frameOfReferenceUid: '1.4',
        patientName: 'A|B',
        patientId: 'x\ny',
        patientSex: '',
        studyId: '',
        slices: [],
      },
      [{ number: 1, name: 'Left|right\nfémur Ω', color: [1, 2, 3] }],
      [
        {
          roi: 1,
          slice: 0,
          sopInstanceUid: '1.5',
          points: [
            [0, 0, 0],
            [1, 0, 0],
            [1, 1, 0],
          ],
        },
      ],
    );
    expect(text.split('\n')).toEqual([
      'CT_SERIES_UID 1.3',
      'CT_STUDY_UID 1.2',
      'CT_FRAME_OF_REFERENCE_UID 1.4',
      'PATIENT_NAME A B',
      'PATIENT_ID x y',
      'PATIENT_SEX ',
      'STUDY_ID ',
      'ROI_NAMES',
      '1|1 2 3|Left right fémur ?',
      'END_OF_ROI_NAMES',
      '1||3|0|1.5|0.0000\\0.0000\\0.0000\\1.0000\\0.0000\\0.0000\\1.0000\\1.0000\\0.0000',
      '',
    ]);
  });
});

describe('completeImageReferences', () => {
  it('refuses output whose items have a defined length (inserting would break their lengths)', () => {
    const definedItem = Uint8Array.from([0xfe, 0xff, 0x00, 0xe0, 8, 0, 0, 0]);
    const referenced = {
      studyInstanceUid: '',
      seriesInstanceUid: '1.2',
      frameOfReferenceUid: '',
      patientName: '',
      patientId: '',
      patientSex: '',
      studyId: '',
      slices: [],
    };
    expect(completeImageReferences(definedItem, referenced, '1.2.840.10008.5.1.4.1.1.4')).toBeUndefined();
  });
});
