import { describe, expect, it } from 'vitest';
import { NEED_MORE_BYTES, parseDicomHeader } from './dicom-header';
import { syntheticDicomBytes, type SyntheticSlice } from './test-support/synthetic-dicom';

const slice: SyntheticSlice = {
  seriesUid: '1.2.826.0.1.3680043.2.1125.7',
  seriesNumber: 5,
  description: 'Sag DESS',
  instanceNumber: 3,
  position: [13.0848, -68.3588, 79.8372],
  orientation: [0, 1, 0, 0, 0, -1],
  rows: 4,
  columns: 3,
  pixelSpacing: [0.3125, 0.3125],
  pixels: new Int16Array(12),
};

const expected = {
  seriesInstanceUid: slice.seriesUid,
  seriesDescription: 'Sag DESS',
  seriesNumber: 5,
  modality: 'MR',
  instanceNumber: 3,
  imagePosition: [13.0848, -68.3588, 79.8372],
  imageOrientation: [0, 1, 0, 0, 0, -1],
  rows: 4,
  columns: 3,
  frames: 1,
  truncated: false,
};

/** Parses a whole file's bytes. */
const parseWhole = (bytes: Uint8Array) => parseDicomHeader(bytes, bytes.length);

describe('parseDicomHeader', () => {
  it('reads explicit VR little endian', () => {
    expect(parseWhole(syntheticDicomBytes(slice))).toEqual(expected);
  });

  it('reads implicit VR little endian', () => {
    expect(parseWhole(syntheticDicomBytes({ ...slice, implicitVr: true }))).toEqual(expected);
  });

  it('skips nested sequences of undefined length in either encoding', () => {
    expect(parseWhole(syntheticDicomBytes({ ...slice, withSequence: true }))).toEqual(expected);
    expect(parseWhole(syntheticDicomBytes({ ...slice, withSequence: true, implicitVr: true }))).toEqual(
      expected,
    );
  });

  it('asks for more bytes when the header runs past what it was given', () => {
    const bytes = syntheticDicomBytes(slice);
    expect(parseDicomHeader(bytes.subarray(0, 300), bytes.length)).toBe(NEED_MORE_BYTES);
  });

  it('flags a file that ends inside its pixel data or its header', () => {
    const bytes = syntheticDicomBytes(slice);
    expect(parseWhole(bytes.subarray(0, bytes.length - 2))).toEqual({ ...expected, truncated: true });
    const cutInHeader = bytes.subarray(0, bytes.indexOf(Buffer.from('MONOCHROME2')));
    expect(parseWhole(cutInHeader)).toMatchObject({ seriesInstanceUid: slice.seriesUid, truncated: true });
  });

  it('says "not DICOM" for other files', () => {
    expect(parseWhole(new TextEncoder().encode('hello, this is not DICOM'))).toBeUndefined();
    expect(parseWhole(new Uint8Array(0))).toBeUndefined();
    expect(parseWhole(new Uint8Array(4096).fill(7))).toBeUndefined();
  });
});
