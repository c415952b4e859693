import { describe, expect, it } from 'vitest';
import type { VolumeMeta } from '../../../electron/common/contract';
import { volumeFromMessage } from './volume-message';

const meta: VolumeMeta = {
  id: 'v1',
  name: 'phantom',
  geometry: {
    size: [4, 3, 2],
    spacing: [1, 1, 2],
    origin: [0, 0, 0],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  },
  componentType: 'int16',
  range: [0, 10],
  orientation: 'LPS',
  source: 'sample',
};

describe('volumeFromMessage', () => {
  it('views the buffer in place as the meta type', () => {
    const buffer = new ArrayBuffer(4 * 3 * 2 * 2);
    const loaded = volumeFromMessage({ meta, voxels: buffer });
    expect(loaded.voxels).toBeInstanceOf(Int16Array);
    expect(loaded.voxels.buffer).toBe(buffer);
    expect(loaded.voxels.length).toBe(24);
  });

  it('rejects a buffer of the wrong length and bad geometry with a clear message', () => {
    expect(() => volumeFromMessage({ meta, voxels: new ArrayBuffer(10) })).toThrow(/10 bytes.*needs 48/);
    const skew = {
      ...meta,
      geometry: {
        ...meta.geometry,
        direction: [2, 0, 0, 0, 1, 0, 0, 0, 1] as VolumeMeta['geometry']['direction'],
      },
    };
    expect(() => volumeFromMessage({ meta: skew, voxels: new ArrayBuffer(48) })).toThrow(/bad geometry/);
  });
});
