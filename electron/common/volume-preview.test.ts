import { describe, expect, it } from 'vitest';
import { AUTO_WINDOW_SAMPLES, autoWindowLevel, previewPlanes, previewProblem } from './volume-preview';
import { histogram, robustWindowLevel } from './window-level';
import type { VolumeGeometry } from './volume';

const SIZE = [5, 4, 3] as const;
const GEOMETRY: VolumeGeometry = { size: [...SIZE], spacing: [1, 1, 2], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };

/** Voxel (i, j, k) holds 1000 i + 100 j + k, so each plane's values say where they came from. */
function labelled(): Float32Array {
  const voxels = new Float32Array(SIZE[0] * SIZE[1] * SIZE[2]);
  for (let k = 0; k < SIZE[2]; k++)
    for (let j = 0; j < SIZE[1]; j++) for (let i = 0; i < SIZE[0]; i++) voxels[i + SIZE[0] * (j + SIZE[1] * k)] = 1000 * i + 100 * j + k;
  return voxels;
}

describe('previewPlanes', () => {
  it('copies the slices through the centre voxel, the lower remaining index axis fastest', () => {
    const { center, planes } = previewPlanes(labelled(), 'float32', SIZE);
    expect(center).toEqual([2, 1, 1]);
    const [i, j, k] = planes.map((b) => [...new Float32Array(b)]);
    // Normal to i at i = 2: j fastest, then k.
    expect(i).toEqual([2000, 2100, 2200, 2300, 2001, 2101, 2201, 2301, 2002, 2102, 2202, 2302]);
    // Normal to j at j = 1: i fastest, then k.
    expect(j).toEqual([100, 1100, 2100, 3100, 4100, 101, 1101, 2101, 3101, 4101, 102, 1102, 2102, 3102, 4102]);
    // Normal to k at k = 1: i fastest, then j.
    expect(k?.slice(0, 6)).toEqual([1, 1001, 2001, 3001, 4001, 101]);
    expect(k).toHaveLength(20);
  });

  it('keeps the component type (int16 stays two bytes a voxel)', () => {
    const { planes } = previewPlanes(Int16Array.from(labelled(), (v) => v % 30000), 'int16', SIZE);
    expect(planes.map((b) => b.byteLength)).toEqual([24, 30, 40]);
  });
});

describe('previewProblem', () => {
  it('accepts its own planes, and names a plane of the wrong size or slices off the centre', () => {
    const preview = previewPlanes(labelled(), 'float32', SIZE);
    expect(previewProblem(GEOMETRY, 'float32', preview)).toBeUndefined();
    expect(previewProblem(GEOMETRY, 'int16', preview)).toMatch(/normal to i has 48 bytes; it needs 24/);
    expect(previewProblem(GEOMETRY, 'float32', { ...preview, planes: [preview.planes[1], preview.planes[0], preview.planes[2]] })).toMatch(/normal to i/);
    expect(previewProblem(GEOMETRY, 'float32', { ...preview, center: [0, 1, 1] })).toMatch(/not of the centre slices/);
  });
});

describe('autoWindowLevel', () => {
  it('samples a large volume and lands within 0.5 % of the window a full pass gives', () => {
    // A skewed, speckled 4 Mi-voxel image: a dark background, a bright structure and outliers.
    const voxels = new Float32Array(4 << 20);
    let seed = 12345;
    const random = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let n = 0; n < voxels.length; n++) {
      const r = random();
      voxels[n] = r < 0.6 ? 20 * random() : r < 0.999 ? 300 + 200 * random() : 5000 * random();
    }
    const range: [number, number] = [0, 5000];
    expect(voxels.length / AUTO_WINDOW_SAMPLES).toBeGreaterThan(15);
    const sampled = autoWindowLevel(voxels, range);
    const full = robustWindowLevel(histogram(voxels, range, { maxSamples: 0 }), range);
    expect(Math.abs(sampled.window - full.window) / full.window).toBeLessThan(0.005);
    expect(Math.abs(sampled.level - full.level) / full.window).toBeLessThan(0.005);
  });
});
