import { describe, expect, it } from 'vitest';
import { ServiceError } from './errors';
import { LABEL_SIDECAR_FORMAT, labelSidecarPath, legacyLabelSidecarPath, parseLabelSidecar } from './label-sidecar';

const valid = {
  format: LABEL_SIDECAR_FORMAT,
  version: 1,
  labels: [
    { value: 1, name: 'femur', color: [230, 220, 170] },
    { value: 2, name: 'femoral cartilage', color: [90, 180, 250] },
  ],
  provenance: {
    app: { name: 'iSeg Studio', version: '0.1.0' },
    created: '2025-11-26T14:00:00.000Z',
    sourceImage: 'knee.nii.gz',
    models: [{ id: 'isegformer-knee', sha256: 'a'.repeat(64) }],
    clicks: 12,
    propagation: { model: 'stcn', memoryEvery: 5, bidirectional: true },
  },
};

function errorOf(json: unknown, code?: 'bad-request'): ServiceError {
  try {
    parseLabelSidecar(json, 'knee.labels.json', code);
  } catch (error) {
    if (error instanceof ServiceError) return error;
  }
  throw new Error('expected a ServiceError');
}

describe('label sidecar schema', () => {
  it('accepts a complete sidecar', () => {
    expect(parseLabelSidecar(valid, 'x')).toEqual(valid);
  });

  it('keeps fields it does not know, so later versions survive a round trip', () => {
    const extended = { ...valid, reviewer: 'dr. k', provenance: { ...valid.provenance, gpu: 'none' } };
    expect(parseLabelSidecar(extended, 'x')).toEqual(extended);
  });

  it('names the file and the offending field', () => {
    const badColor = { ...valid, labels: [{ value: 1, name: 'femur', color: [300, 0, 0] }] };
    const error = errorOf(badColor);
    expect(error.code).toBe('unreadable');
    expect(error.message).toMatch(
      /^knee\.labels\.json is not a valid label sidecar at labels\.0\.color\.0: /,
    );
  });

  it('rejects duplicate values, bad hashes and a wrong format tag', () => {
    expect(
      errorOf({ ...valid, labels: [...valid.labels, { value: 2, name: 'again', color: [0, 0, 0] }] }).message,
    ).toMatch(/label value 2 is listed twice/);
    expect(
      errorOf({ ...valid, provenance: { ...valid.provenance, models: [{ id: 'm', sha256: 'xyz' }] } })
        .message,
    ).toMatch(/sha256/);
    expect(errorOf({ ...valid, format: 'something-else' }).message).toMatch(/at format/);
  });

  it('uses the caller-chosen error code', () => {
    expect(errorOf({}, 'bad-request').code).toBe('bad-request');
  });
});

describe('labelSidecarPath', () => {
  it.each([
    ['/d/knee.nii.gz', '/d/knee.nii.gz.json'],
    ['/d/knee.labels.nii.gz', '/d/knee.labels.nii.gz.json'],
    ['/d/seg.seg.nrrd', '/d/seg.seg.nrrd.json'],
    ['/d/labels.mha', '/d/labels.mha.json'],
  ])('%s → %s', (input, expected) => {
    expect(labelSidecarPath(input)).toBe(expected);
  });

  it('gives two exports of one stem in two formats two sidecars', () => {
    expect(labelSidecarPath('/d/femur.nii.gz')).not.toBe(labelSidecarPath('/d/femur.nrrd'));
  });
});

describe('legacyLabelSidecarPath (read for files written before 0.2)', () => {
  it.each([
    ['/d/knee.nii.gz', '/d/knee.labels.json'],
    ['/d/knee.NII', '/d/knee.labels.json'],
    ['/d/seg.seg.nrrd', '/d/seg.labels.json'],
    ['/d/seg.nrrd', '/d/seg.labels.json'],
    ['/d/labels.mha', '/d/labels.mha.labels.json'],
  ])('%s → %s', (input, expected) => {
    expect(legacyLabelSidecarPath(input)).toBe(expected);
  });
});
