import { describe, expect, it } from 'vitest';
import { signedArea, simplify, sliceContours } from './marching-squares';
import { rasterizePolygons } from './polygon-raster';

/** A mask from rows of '#' (inside) and '.' (outside). */
function maskOf(rows: readonly string[]): { width: number; height: number; mask: Uint8Array } {
  const width = rows[0]?.length ?? 0;
  const height = rows.length;
  const mask = new Uint8Array(width * height);
  rows.forEach((row, j) => {
    for (let i = 0; i < width; i++) mask[i + j * width] = row.charAt(i) === '#' ? 1 : 0;
  });
  return { width, height, mask };
}

function roundTrip(width: number, height: number, mask: Uint8Array, tolerance?: number): Uint8Array {
  const contours = sliceContours(
    width,
    height,
    (n) => mask[n] === 1,
    tolerance === undefined ? {} : { tolerance },
  );
  return rasterizePolygons(
    width,
    height,
    contours.map((c) => c.points),
  );
}

function dice(a: Uint8Array, b: Uint8Array): number {
  let both = 0;
  let sum = 0;
  for (let n = 0; n < a.length; n++) {
    both += (a[n] ?? 0) & (b[n] ?? 0);
    sum += (a[n] ?? 0) + (b[n] ?? 0);
  }
  return (2 * both) / sum;
}

describe('sliceContours', () => {
  it('outlines one pixel as a diamond through its edge midpoints, counter-clockwise', () => {
    const { width, height, mask } = maskOf(['...', '.#.', '...']);
    const [only, ...others] = sliceContours(width, height, (n) => mask[n] === 1);
    expect(others).toEqual([]);
    expect(only?.hole).toBe(false);
    expect(new Set(only?.points.map(([i, j]) => `${i},${j}`))).toEqual(
      new Set(['1,0.5', '1.5,1', '1,1.5', '0.5,1']),
    );
    expect(signedArea(only?.points ?? [])).toBeCloseTo(0.5);
  });

  it('keeps only the corners of a rectangle (straight runs are dropped) and closes contours at the slice border', () => {
    const { width, height, mask } = maskOf(['####', '####', '####']);
    const [only] = sliceContours(width, height, (n) => mask[n] === 1, { tolerance: 0 });
    // Corners cut diagonally at the midpoints: 8 vertices, area 4×3 minus four half-quarter triangles.
    expect(only?.points).toHaveLength(8);
    expect(signedArea(only?.points ?? [])).toBeCloseTo(4 * 3 - 4 * 0.125);
    expect(Math.min(...(only?.points.map(([i]) => i) ?? []))).toBe(-0.5);
  });

  it('gives a ring an outline and a clockwise hole, and rasterising both gives the ring back exactly', () => {
    const { width, height, mask } = maskOf([
      '.......',
      '.#####.',
      '.#...#.',
      '.#...#.',
      '.#####.',
      '.......',
    ]);
    const contours = sliceContours(width, height, (n) => mask[n] === 1);
    expect(contours.map((c) => c.hole).sort()).toEqual([false, true]);
    const hole = contours.find((c) => c.hole);
    expect(signedArea(hole?.points ?? [])).toBeLessThan(0);
    expect(roundTrip(width, height, mask)).toEqual(mask);
  });

  it('keeps separate components (and diagonal-only neighbours) as separate polygons that rasterise back exactly', () => {
    const { width, height, mask } = maskOf(['##....#', '##...#.', '....#..', '.###...', '.#.#...']);
    const contours = sliceContours(width, height, (n) => mask[n] === 1);
    // The square, three diagonal pixels, and the U shape.
    expect(contours.filter((c) => !c.hole)).toHaveLength(5);
    expect(roundTrip(width, height, mask)).toEqual(mask);
  });

  it('simplifies a disc to far fewer vertices while every pixel centre stays on its side', () => {
    const width = 80;
    const height = 70;
    const mask = new Uint8Array(width * height);
    for (let j = 0; j < height; j++)
      for (let i = 0; i < width; i++)
        if ((i - 40.3) ** 2 + ((j - 33.1) * 1.3) ** 2 < 28 ** 2) mask[i + j * width] = 1;
    let boundaryPixels = 0;
    for (let j = 1; j < height - 1; j++)
      for (let i = 1; i < width - 1; i++) {
        const n = i + j * width;
        if (
          mask[n] === 1 &&
          (mask[n - 1] === 0 || mask[n + 1] === 0 || mask[n - width] === 0 || mask[n + width] === 0)
        )
          boundaryPixels++;
      }
    const simplified = sliceContours(width, height, (n) => mask[n] === 1);
    expect(simplified).toHaveLength(1);
    // One crossing per boundary cell before simplification; straight and 45° runs collapse.
    expect(simplified[0]?.points.length ?? 0).toBeLessThan(boundaryPixels * 0.6);
    expect(roundTrip(width, height, mask)).toEqual(mask);
    // A coarse tolerance moves pixels across the boundary: the check above is not vacuous.
    const coarse = roundTrip(width, height, mask, 2);
    expect(coarse).not.toEqual(mask);
    expect(dice(coarse, mask)).toBeGreaterThan(0.95);
  });

  it('finds nothing in an empty slice and refuses a slice without pixels', () => {
    expect(sliceContours(3, 2, () => false)).toEqual([]);
    expect(() => sliceContours(0, 4, () => true)).toThrow('A slice of 0 × 4 pixels has no contour.');
  });
});

describe('simplify', () => {
  it('drops points on straight runs, including across the closing edge', () => {
    const square: [number, number][] = [
      [0, 0],
      [1, 0],
      [2, 0],
      [2, 1],
      [2, 2],
      [1, 2],
      [0, 2],
      [0, 1],
    ];
    expect(simplify(square, 0)).toEqual([
      [0, 0],
      [2, 0],
      [2, 2],
      [0, 2],
    ]);
  });
});
