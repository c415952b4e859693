import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../volume';
import {
  boxBlur3d,
  CoarseGrid,
  gaussianBlur3d,
  gaussianKernel,
  separableFilter3d,
  squaredDistanceTransform3d,
} from './filters';
import { createRandom } from './random';

function index(size: Vec3, i: number, j: number, k: number): number {
  return i + size[0] * (j + size[1] * k);
}

describe('gaussianKernel', () => {
  it('is normalised, symmetric and has the requested σ', () => {
    const kernel = gaussianKernel(1.5);
    const radius = (kernel.length - 1) / 2;
    let sum = 0;
    let variance = 0;
    kernel.forEach((w, t) => {
      sum += w;
      variance += w * (t - radius) ** 2;
      expect(w).toBeCloseTo(kernel[kernel.length - 1 - t] ?? Number.NaN, 7);
    });
    expect(sum).toBeCloseTo(1, 6);
    expect(Math.sqrt(variance)).toBeCloseTo(1.5, 1);
  });

  it('is the identity for σ = 0', () => {
    expect([...gaussianKernel(0)]).toEqual([1]);
  });
});

describe('gaussianBlur3d', () => {
  const size: Vec3 = [12, 10, 8];

  it('leaves a constant volume unchanged (edges are clamped)', () => {
    const data = new Float32Array(12 * 10 * 8).fill(7);
    gaussianBlur3d(data, size, [1.2, 0.8, 2]);
    for (const v of data) expect(v).toBeCloseTo(7, 4);
  });

  it('turns a step into a ramp with intermediate values, only along the blurred axis', () => {
    const data = new Float32Array(12 * 10 * 8);
    for (let k = 0; k < 8; k++)
      for (let j = 0; j < 10; j++) for (let i = 6; i < 12; i++) data[index(size, i, j, k)] = 100;
    gaussianBlur3d(data, size, [1, 1, 1]);
    const profile = Array.from({ length: 12 }, (_, i) => data[index(size, i, 5, 4)] ?? 0);
    expect(profile[0]).toBeCloseTo(0, 3);
    expect(profile[11]).toBeCloseTo(100, 3);
    expect(profile[5]).toBeGreaterThan(10);
    expect(profile[5]).toBeLessThan(50);
    expect(profile[6]).toBeGreaterThan(50);
    expect(profile[6]).toBeLessThan(90);
    for (let i = 1; i < 12; i++) expect(profile[i] ?? 0).toBeGreaterThanOrEqual((profile[i - 1] ?? 0) - 1e-4);
    // The step runs along i only, so j and k blurs change nothing.
    expect(data[index(size, 5, 0, 0)]).toBeCloseTo(profile[5] ?? 0, 4);
  });

  it('blurs each axis by its own σ (anisotropic spacing)', () => {
    const impulse = (sigma: Vec3): Float32Array => {
      const data = new Float32Array(12 * 10 * 8);
      data[index(size, 6, 5, 4)] = 1;
      gaussianBlur3d(data, size, sigma);
      return data;
    };
    const data = impulse([1.5, 0.5, 0]);
    expect(data[index(size, 7, 5, 4)] ?? 0).toBeGreaterThan(data[index(size, 6, 6, 4)] ?? 0);
    expect(data[index(size, 6, 5, 5)]).toBe(0);
    let sum = 0;
    for (const v of data) sum += v;
    expect(sum).toBeCloseTo(1, 5);
  });
});

describe('separableFilter3d', () => {
  it('applies a different kernel per axis', () => {
    const size: Vec3 = [5, 5, 5];
    const data = new Float32Array(125);
    data[index(size, 2, 2, 2)] = 1;
    const half = Float32Array.of(0.5, 0, 0.5);
    separableFilter3d(data, size, [half, Float32Array.of(1), Float32Array.of(1)]);
    expect(data[index(size, 1, 2, 2)]).toBe(0.5);
    expect(data[index(size, 3, 2, 2)]).toBe(0.5);
    expect(data[index(size, 2, 2, 2)]).toBe(0);
  });
});

describe('boxBlur3d', () => {
  it('keeps constants and approximates a Gaussian of the given σ', () => {
    const size: Vec3 = [61, 3, 3];
    const constant = new Float32Array(61 * 9).fill(3);
    boxBlur3d(constant, size, [4, 4, 4]);
    for (const v of constant) expect(v).toBeCloseTo(3, 4);

    const data = new Float32Array(61 * 9);
    data[index(size, 30, 1, 1)] = 1;
    boxBlur3d(data, size, [4, 0, 0]);
    let sum = 0;
    let variance = 0;
    for (let i = 0; i < 61; i++) {
      const w = data[index(size, i, 1, 1)] ?? 0;
      sum += w;
      variance += w * (i - 30) ** 2;
    }
    expect(sum).toBeCloseTo(1, 5);
    expect(Math.sqrt(variance)).toBeGreaterThan(3.5);
    expect(Math.sqrt(variance)).toBeLessThan(4.5);
  });
});

describe('squaredDistanceTransform3d', () => {
  it('matches brute force on random seeds with anisotropic spacing', () => {
    const size: Vec3 = [9, 7, 6];
    const spacing: Vec3 = [1, 0.5, 2];
    const random = createRandom(3);
    const seeds: [number, number, number][] = [];
    const f = new Float64Array(9 * 7 * 6).fill(1e20);
    for (let s = 0; s < 5; s++) {
      const p: [number, number, number] = [
        Math.floor(random.next() * 9),
        Math.floor(random.next() * 7),
        Math.floor(random.next() * 6),
      ];
      seeds.push(p);
      f[index(size, ...p)] = 0;
    }
    squaredDistanceTransform3d(f, size, spacing);
    for (let k = 0; k < 6; k++) {
      for (let j = 0; j < 7; j++) {
        for (let i = 0; i < 9; i++) {
          const expected = Math.min(
            ...seeds.map(([a, b, c]) => ((i - a) * 1) ** 2 + ((j - b) * 0.5) ** 2 + ((k - c) * 2) ** 2),
          );
          expect(f[index(size, i, j, k)]).toBeCloseTo(expected, 6);
        }
      }
    }
  });
});

describe('CoarseGrid', () => {
  /** Full-resolution values of one field, by interpolating the row samples. */
  function evaluate(grid: CoarseGrid, field: Float32Array): Float32Array {
    const [nx, ny, nz] = grid.size;
    const out = new Float32Array(nx * ny * nz);
    const evaluator = grid.evaluator([field]);
    const samples = new Float32Array(grid.samples + 1);
    for (let k = 0; k < nz; k++) {
      evaluator.plane(k);
      for (let j = 0; j < ny; j++) {
        evaluator.row(j, samples);
        for (let i = 0; i < nx; i++) {
          const s = grid.sampleIndex[i] ?? 0;
          const w = grid.sampleWeight[i] ?? 0;
          const a = samples[s] ?? 0;
          out[i + nx * (j + ny * k)] = a + ((samples[s + 1] ?? 0) - a) * w;
        }
      }
    }
    return out;
  }

  it('reproduces linear functions exactly (cubic B-splines do), with or without row subsampling', () => {
    for (const sampleStep of [1, 3]) {
      const grid = new CoarseGrid([20, 9, 7], [4.5, 2, 3], sampleStep);
      const [cx, cy, cz] = grid.dims;
      const field = new Float32Array(grid.count);
      const linear = (x: number, y: number, z: number): number => 2 + 0.5 * x - 0.25 * y + 0.125 * z;
      for (let k = 0; k < cz; k++) {
        for (let j = 0; j < cy; j++) {
          for (let i = 0; i < cx; i++) {
            field[i + cx * (j + cy * k)] = linear(
              grid.nodePosition(0, i),
              grid.nodePosition(1, j),
              grid.nodePosition(2, k),
            );
          }
        }
      }
      const values = evaluate(grid, field);
      for (let k = 0; k < 7; k++) {
        for (let j = 0; j < 9; j++) {
          for (let i = 0; i < 20; i++) expect(values[i + 20 * (j + 9 * k)]).toBeCloseTo(linear(i, j, k), 4);
        }
      }
    }
  });

  it('covers a one-voxel-wide volume', () => {
    const grid = new CoarseGrid([1, 1, 1], [2, 2, 2], 3);
    expect(grid.samples).toBe(1);
    const values = evaluate(grid, new Float32Array(grid.count).fill(4));
    expect(values[0]).toBeCloseTo(4, 5);
  });
});
