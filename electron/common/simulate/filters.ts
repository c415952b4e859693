/**
 * Volume filters for the simulator, written for speed on large volumes in plain JavaScript: no
 * per-voxel allocation, separable passes, inner loops over contiguous memory.
 * Volumes are Float32Arrays laid out i fastest, then j, then k (as in `Volume`).
 */
import type { Vec3 } from '../volume';

/** Normalised, sampled Gaussian kernel of the given σ (in samples), radius max(1, ⌈2.5σ⌉). */
export function gaussianKernel(sigma: number): Float32Array {
  if (!(sigma > 0)) return Float32Array.of(1);
  const radius = Math.max(1, Math.ceil(2.5 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let t = -radius; t <= radius; t++) {
    const w = Math.exp((-0.5 * t * t) / (sigma * sigma));
    kernel[t + radius] = w;
    sum += w;
  }
  for (let t = 0; t < kernel.length; t++) kernel[t] = (kernel[t] ?? 0) / sum;
  return kernel;
}

/**
 * Separable Gaussian blur in place, σ per index axis in voxels (convert from mm by dividing by
 * the spacing). Edges are clamped (the border voxel repeats), so a constant volume is unchanged.
 * Axes with σ below 0.05 voxels are left alone.
 */
export function gaussianBlur3d(data: Float32Array, size: Vec3, sigmaVoxels: Vec3): void {
  const kernel = (sigma: number): Float32Array =>
    sigma >= 0.05 ? gaussianKernel(sigma) : Float32Array.of(1);
  separableFilter3d(data, size, [kernel(sigmaVoxels[0]), kernel(sigmaVoxels[1]), kernel(sigmaVoxels[2])]);
}

/** In place: convolution with kernels[a] along index axis a (odd lengths, centred, edges clamped). */
export function separableFilter3d(
  data: Float32Array,
  size: Vec3,
  kernels: readonly [Float32Array, Float32Array, Float32Array],
): void {
  const [nx, ny, nz] = size;
  if (data.length !== nx * ny * nz) throw new Error('separableFilter3d: buffer does not match the size');
  const [kx, ky, kz] = kernels;
  if (kx.length > 1 && nx > 1) {
    const radius = (kx.length - 1) >> 1;
    const padded = new Float32Array(nx + 2 * radius);
    for (let row = 0; row < ny * nz; row++) {
      padLine(data, row * nx, nx, radius, padded);
      convolveLine(padded, nx, kx, data, row * nx);
    }
  }
  if (ky.length > 1 && ny > 1) {
    const scratch = new Float32Array(nx * ny);
    for (let k = 0; k < nz; k++) blurAcrossRows(data, k * nx * ny, nx, nx, ny, ky, scratch);
  }
  if (kz.length > 1 && nz > 1) {
    const scratch = new Float32Array(nx * nz);
    for (let j = 0; j < ny; j++) blurAcrossRows(data, j * nx, nx, nx * ny, nz, kz, scratch);
  }
}

/** Copies `n` values from `source` at `offset` into `padded`, with `radius` clamped copies of each end. */
export function padLine(
  source: Float32Array,
  offset: number,
  n: number,
  radius: number,
  padded: Float32Array,
): void {
  const first = source[offset] ?? 0;
  const last = source[offset + n - 1] ?? 0;
  for (let t = 0; t < radius; t++) {
    padded[t] = first;
    padded[radius + n + t] = last;
  }
  padded.set(source.subarray(offset, offset + n), radius);
}

/** out[outOffset + i] = Σₜ kernel[t] · padded[i + t] for i < n (`padded` as made by `padLine`). */
export function convolveLine(
  padded: Float32Array,
  n: number,
  kernel: Float32Array,
  out: Float32Array,
  outOffset: number,
): void {
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0] = kernel;
  switch (kernel.length) {
    case 3:
      for (let i = 0; i < n; i++) {
        out[outOffset + i] = w0 * (padded[i] ?? 0) + w1 * (padded[i + 1] ?? 0) + w2 * (padded[i + 2] ?? 0);
      }
      return;
    case 5:
      for (let i = 0; i < n; i++) {
        out[outOffset + i] =
          w0 * (padded[i] ?? 0) +
          w1 * (padded[i + 1] ?? 0) +
          w2 * (padded[i + 2] ?? 0) +
          w3 * (padded[i + 3] ?? 0) +
          w4 * (padded[i + 4] ?? 0);
      }
      return;
    default:
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let t = 0; t < kernel.length; t++) acc += (kernel[t] ?? 0) * (padded[i + t] ?? 0);
        out[outOffset + i] = acc;
      }
  }
}

/**
 * Blur across rows: `count` rows of `rowLength` contiguous values start at data[base + p·rowStride];
 * row p becomes Σₜ kernel[t] · row(clamp(p + t)). `scratch` holds count·rowLength values. After
 * each output row is written, `onRow(offset)` may post-process it in place.
 */
export function blurAcrossRows(
  data: Float32Array,
  base: number,
  rowLength: number,
  rowStride: number,
  count: number,
  kernel: Float32Array,
  scratch: Float32Array,
  onRow?: (offset: number) => void,
): void {
  for (let p = 0; p < count; p++) {
    const from = base + p * rowStride;
    scratch.set(data.subarray(from, from + rowLength), p * rowLength);
  }
  const radius = (kernel.length - 1) >> 1;
  const at = (p: number): number => Math.min(count - 1, Math.max(0, p)) * rowLength;
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0] = kernel;
  for (let p = 0; p < count; p++) {
    const out = base + p * rowStride;
    if (kernel.length === 3) {
      const s0 = at(p - 1);
      const s1 = at(p);
      const s2 = at(p + 1);
      for (let i = 0; i < rowLength; i++) {
        data[out + i] =
          w0 * (scratch[s0 + i] ?? 0) + w1 * (scratch[s1 + i] ?? 0) + w2 * (scratch[s2 + i] ?? 0);
      }
    } else if (kernel.length === 5) {
      const s0 = at(p - 2);
      const s1 = at(p - 1);
      const s2 = at(p);
      const s3 = at(p + 1);
      const s4 = at(p + 2);
      for (let i = 0; i < rowLength; i++) {
        data[out + i] =
          w0 * (scratch[s0 + i] ?? 0) +
          w1 * (scratch[s1 + i] ?? 0) +
          w2 * (scratch[s2 + i] ?? 0) +
          w3 * (scratch[s3 + i] ?? 0) +
          w4 * (scratch[s4 + i] ?? 0);
      }
    } else {
      data.fill(0, out, out + rowLength);
      for (let t = -radius; t <= radius; t++) {
        const w = kernel[t + radius] ?? 0;
        const s = at(p + t);
        for (let i = 0; i < rowLength; i++) data[out + i] = (data[out + i] ?? 0) + w * (scratch[s + i] ?? 0);
      }
    }
    onRow?.(out);
  }
}

/**
 * Gaussian-like blur in place by three box passes per axis (cost independent of σ), for smoothing
 * noise at large σ. σ per index axis in voxels; axes with σ below 0.5 are left alone.
 */
export function boxBlur3d(data: Float32Array, size: Vec3, sigmaVoxels: Vec3): void {
  const [nx, ny, nz] = size;
  if (data.length !== nx * ny * nz) throw new Error('boxBlur3d: buffer does not match the size');
  const strides: Vec3 = [1, nx, nx * ny];
  for (let axis = 0; axis < 3; axis++) {
    const sigma = sigmaVoxels[axis] ?? 0;
    const n = size[axis] ?? 1;
    if (sigma < 0.5 || n < 2) continue;
    // Three boxes of width w have variance 3(w² − 1)/12 = σ².
    const radius = Math.max(1, Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
    const stride = strides[axis] ?? 1;
    const padded = new Float64Array(n + 2 * radius + 1);
    for (let k = 0; k < (axis === 2 ? 1 : nz); k++) {
      for (let j = 0; j < (axis === 1 ? 1 : ny); j++) {
        for (let i = 0; i < (axis === 0 ? 1 : nx); i++) {
          const start = i + nx * (j + ny * k);
          for (let pass = 0; pass < 3; pass++) boxLine(data, start, stride, n, radius, padded);
        }
      }
    }
  }
}

/** One box-mean pass over the line of n values at data[start + p·stride], edges clamped. */
function boxLine(
  data: Float32Array,
  start: number,
  stride: number,
  n: number,
  radius: number,
  padded: Float64Array,
): void {
  const first = data[start] ?? 0;
  const last = data[start + (n - 1) * stride] ?? 0;
  // padded[p] is the prefix sum of the clamped line up to (not including) position p − radius.
  let sum = 0;
  padded[0] = 0;
  for (let p = 0; p < n + 2 * radius; p++) {
    const q = p - radius;
    sum += q < 0 ? first : q >= n ? last : (data[start + q * stride] ?? 0);
    padded[p + 1] = sum;
  }
  const width = 2 * radius + 1;
  for (let p = 0; p < n; p++)
    data[start + p * stride] = ((padded[p + width] ?? 0) - (padded[p] ?? 0)) / width;
}

/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher) in place: `f` holds 0
 * at seeds and a large value elsewhere; afterwards it holds the squared distance, in units of
 * `spacing`, to the nearest seed.
 */
export function squaredDistanceTransform3d(f: Float64Array, size: Vec3, spacing: Vec3): void {
  const [nx, ny, nz] = size;
  const longest = Math.max(nx, ny, nz);
  const line = new Float64Array(longest);
  const out = new Float64Array(longest);
  const hull = new Int32Array(longest);
  const bounds = new Float64Array(longest + 1);
  const strides: Vec3 = [1, nx, nx * ny];
  for (let axis = 0; axis < 3; axis++) {
    const n = size[axis] ?? 1;
    const stride = strides[axis] ?? 1;
    const s2 = (spacing[axis] ?? 1) ** 2;
    // Every line along `axis` starts at a voxel whose coordinate on that axis is 0.
    for (let k = 0; k < (axis === 2 ? 1 : nz); k++) {
      for (let j = 0; j < (axis === 1 ? 1 : ny); j++) {
        for (let i = 0; i < (axis === 0 ? 1 : nx); i++) {
          const start = i + nx * (j + ny * k);
          for (let p = 0; p < n; p++) line[p] = f[start + p * stride] ?? 0;
          distance1d(line, n, s2, out, hull, bounds);
          for (let p = 0; p < n; p++) f[start + p * stride] = out[p] ?? 0;
        }
      }
    }
  }
}

/** 1-D lower envelope of parabolas; positions are p·√s2 apart. */
function distance1d(
  f: Float64Array,
  n: number,
  s2: number,
  d: Float64Array,
  v: Int32Array,
  z: Float64Array,
): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    const fq = f[q] ?? 0;
    let s = 0;
    // z[0] is −∞, so k never drops below 0.
    for (;;) {
      const vk = v[k] ?? 0;
      s = (fq + s2 * q * q - ((f[vk] ?? 0) + s2 * vk * vk)) / (2 * s2 * (q - vk));
      if (s > (z[k] ?? 0)) break;
      k--;
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while ((z[k + 1] ?? Infinity) < q) k++;
    const vk = v[k] ?? 0;
    d[q] = s2 * (q - vk) * (q - vk) + (f[vk] ?? 0);
  }
}

/**
 * A coarse control grid over a volume, evaluated with cubic B-splines: smooth fields (body outline,
 * noise, bias) cost a few coarse nodes each. Node c on axis a sits at voxel coordinate
 * (c − PAD) · step[a]; the grid carries PAD nodes of margin on each side so every voxel has its
 * 4×4×4 support. Rows are evaluated exactly at every `sampleStep`-th voxel along i (and at the last
 * one); in between, callers interpolate linearly with `sampleIndex` and `sampleWeight`.
 */
export class CoarseGrid {
  static readonly PAD = 2;
  readonly dims: Vec3;
  readonly count: number;
  /** Number of samples per row. */
  readonly samples: number;
  /** For voxel i of a row: the sample at or before it (always < samples − 1 when samples > 1)… */
  readonly sampleIndex: Int32Array;
  /** …and its weight towards the next sample. */
  readonly sampleWeight: Float32Array;
  /** Per axis: first support node and the 4 weights for every evaluated coordinate. */
  private readonly base: readonly [Int32Array, Int32Array, Int32Array];
  private readonly weights: readonly [Float32Array, Float32Array, Float32Array];

  constructor(
    readonly size: Vec3,
    /** Voxels between nodes, per axis. */
    readonly step: Vec3,
    sampleStep = 1,
  ) {
    const dims = [0, 1, 2].map(
      (a) => Math.floor(((size[a] ?? 1) - 1) / (step[a] ?? 1)) + 2 * CoarseGrid.PAD + 2,
    );
    this.dims = [dims[0] ?? 1, dims[1] ?? 1, dims[2] ?? 1];
    this.count = this.dims[0] * this.dims[1] * this.dims[2];
    const nx = size[0];
    const stride = Math.max(1, Math.floor(sampleStep));
    this.samples = Math.ceil((nx - 1) / stride) + 1;
    const positions = Array.from({ length: this.samples }, (_, s) => Math.min(s * stride, nx - 1));
    this.sampleIndex = new Int32Array(nx);
    this.sampleWeight = new Float32Array(nx);
    for (let i = 0; i < nx; i++) {
      const s = Math.min(Math.floor(i / stride), Math.max(0, this.samples - 2));
      const from = positions[s] ?? 0;
      const to = positions[s + 1] ?? from;
      this.sampleIndex[i] = s;
      this.sampleWeight[i] = to > from ? (i - from) / (to - from) : 0;
    }
    const t0 = CoarseGrid.axisTables(positions, step[0]);
    const t1 = CoarseGrid.axisTables(
      Array.from({ length: size[1] }, (_, j) => j),
      step[1],
    );
    const t2 = CoarseGrid.axisTables(
      Array.from({ length: size[2] }, (_, k) => k),
      step[2],
    );
    this.base = [t0.base, t1.base, t2.base];
    this.weights = [t0.weights, t1.weights, t2.weights];
  }

  private static axisTables(
    positions: readonly number[],
    step: number,
  ): { base: Int32Array; weights: Float32Array } {
    const base = new Int32Array(positions.length);
    const weights = new Float32Array(4 * positions.length);
    positions.forEach((p, index) => {
      const u = p / step + CoarseGrid.PAD;
      const c = Math.floor(u);
      const t = u - c;
      const t2 = t * t;
      const t3 = t2 * t;
      base[index] = c - 1;
      weights[4 * index] = (1 - 3 * t + 3 * t2 - t3) / 6;
      weights[4 * index + 1] = (3 * t3 - 6 * t2 + 4) / 6;
      weights[4 * index + 2] = (-3 * t3 + 3 * t2 + 3 * t + 1) / 6;
      weights[4 * index + 3] = t3 / 6;
    });
    return { base, weights };
  }

  /** Voxel coordinate of node c on an axis. */
  nodePosition(axis: 0 | 1 | 2, c: number): number {
    return (c - CoarseGrid.PAD) * this.step[axis];
  }

  /** Nearest node to voxel coordinate p on an axis. */
  nearestNode(axis: 0 | 1 | 2, p: number): number {
    return Math.round(p / this.step[axis]) + CoarseGrid.PAD;
  }

  /**
   * A row evaluator for several fields on this grid at once (they share the weights): call
   * `plane(k)` once per k (in any order), then `row(j, out)` for rows of that plane; `out`
   * receives, interleaved, the fields at the row's samples: out[s·C + c] is field c at sample s,
   * C the number of fields.
   */
  evaluator(fields: readonly Float32Array[]): {
    plane(k: number): void;
    row(j: number, out: Float32Array): void;
  } {
    const channels = fields.length;
    const [cx, cy] = this.dims;
    const stride = cx * cy;
    const interleaved = new Float32Array(this.count * channels);
    fields.forEach((field, c) => {
      if (field.length !== this.count) throw new Error('CoarseGrid: field does not match the grid');
      for (let n = 0; n < this.count; n++) interleaved[n * channels + c] = field[n] ?? 0;
    });
    const planeValues = new Float32Array(stride * channels);
    const line = new Float32Array(cx * channels);
    const [b0, b1, b2] = this.base;
    const [w0, w1, w2] = this.weights;
    const samples = this.samples;
    return {
      plane: (k: number): void => {
        const wa = w2[4 * k] ?? 0;
        const wb = w2[4 * k + 1] ?? 0;
        const wc = w2[4 * k + 2] ?? 0;
        const wd = w2[4 * k + 3] ?? 0;
        const s = stride * channels;
        const o = (b2[k] ?? 0) * s;
        for (let q = 0; q < s; q++) {
          planeValues[q] =
            wa * (interleaved[o + q] ?? 0) +
            wb * (interleaved[o + s + q] ?? 0) +
            wc * (interleaved[o + 2 * s + q] ?? 0) +
            wd * (interleaved[o + 3 * s + q] ?? 0);
        }
      },
      row: (j: number, out: Float32Array): void => {
        const wa = w1[4 * j] ?? 0;
        const wb = w1[4 * j + 1] ?? 0;
        const wc = w1[4 * j + 2] ?? 0;
        const wd = w1[4 * j + 3] ?? 0;
        const s = cx * channels;
        const o = (b1[j] ?? 0) * s;
        for (let q = 0; q < s; q++) {
          line[q] =
            wa * (planeValues[o + q] ?? 0) +
            wb * (planeValues[o + s + q] ?? 0) +
            wc * (planeValues[o + 2 * s + q] ?? 0) +
            wd * (planeValues[o + 3 * s + q] ?? 0);
        }
        for (let i = 0; i < samples; i++) {
          const q = (b0[i] ?? 0) * channels;
          const x0 = w0[4 * i] ?? 0;
          const x1 = w0[4 * i + 1] ?? 0;
          const x2 = w0[4 * i + 2] ?? 0;
          const x3 = w0[4 * i + 3] ?? 0;
          const to = i * channels;
          for (let c = 0; c < channels; c++) {
            out[to + c] =
              x0 * (line[q + c] ?? 0) +
              x1 * (line[q + channels + c] ?? 0) +
              x2 * (line[q + 2 * channels + c] ?? 0) +
              x3 * (line[q + 3 * channels + c] ?? 0);
          }
        }
      },
    };
  }
}
