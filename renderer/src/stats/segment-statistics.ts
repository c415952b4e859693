/**
 * Segment statistics in the manner of 3D Slicer's Segment Statistics: per label value, the voxel
 * count, the volume in millilitres (voxel count × voxel volume, from the spacing), the first and
 * last slice holding it along each index axis, and the mean, standard deviation, minimum and
 * maximum of the image intensity inside it. One pass over the volume; background (0) is skipped.
 */
import type { Vec3, VoxelArray } from '../../../electron/common/volume';

export interface SegmentStatisticsInput {
  /** Label value per voxel, i fastest. */
  readonly labels: Uint8Array | Uint16Array;
  /** Image intensity per voxel, same layout. */
  readonly intensities: VoxelArray;
  readonly size: Vec3;
  /** Millimetres between voxel centres along i, j, k. */
  readonly spacing: Vec3;
}

export interface SegmentStatistics {
  readonly value: number;
  readonly voxels: number;
  /** Millilitres (cm³). */
  readonly volumeMl: number;
  /** First and last index (0-based) holding the segment along i, j and k. */
  readonly first: Vec3;
  readonly last: Vec3;
  /** Intensity inside the segment; NaN when it has no voxel. */
  readonly mean: number;
  /** Population standard deviation (as Slicer reports it). */
  readonly sd: number;
  readonly min: number;
  readonly max: number;
}

/** Statistics of every non-zero value present, ascending. */
export function computeSegmentStatistics(input: SegmentStatisticsInput): SegmentStatistics[] {
  const { labels, intensities, size, spacing } = input;
  const [nx, ny, nz] = size;
  if (labels.length !== nx * ny * nz || intensities.length !== labels.length) {
    throw new Error(`Segment statistics need ${nx * ny * nz} labels and intensities; got ${labels.length} and ${intensities.length}.`);
  }
  const slots = labels instanceof Uint16Array ? 65536 : 256;
  const count = new Float64Array(slots);
  // Sums of (x − shift) and its square, with each segment's first intensity as its shift, so the
  // variance does not cancel catastrophically when the SD is small beside the mean.
  const shift = new Float64Array(slots);
  const sum = new Float64Array(slots);
  const sumSquares = new Float64Array(slots);
  const min = new Float64Array(slots).fill(Infinity);
  const max = new Float64Array(slots).fill(-Infinity);
  const firstI = new Int32Array(slots).fill(nx);
  const lastI = new Int32Array(slots).fill(-1);
  const firstJ = new Int32Array(slots).fill(ny);
  const lastJ = new Int32Array(slots).fill(-1);
  const firstK = new Int32Array(slots).fill(nz);
  const lastK = new Int32Array(slots).fill(-1);
  let n = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, n++) {
        const v = labels[n] ?? 0;
        if (v === 0) continue;
        const x = intensities[n] ?? 0;
        const c = count[v] ?? 0;
        if (c === 0) {
          shift[v] = x;
          firstK[v] = k;
        }
        count[v] = c + 1;
        const d = x - (shift[v] ?? 0);
        sum[v] = (sum[v] ?? 0) + d;
        sumSquares[v] = (sumSquares[v] ?? 0) + d * d;
        if (x < (min[v] ?? Infinity)) min[v] = x;
        if (x > (max[v] ?? -Infinity)) max[v] = x;
        if (i < (firstI[v] ?? nx)) firstI[v] = i;
        if (i > (lastI[v] ?? -1)) lastI[v] = i;
        if (j < (firstJ[v] ?? ny)) firstJ[v] = j;
        if (j > (lastJ[v] ?? -1)) lastJ[v] = j;
        // Voxels come in k order: the first one seen has the smallest k, the last the largest.
        lastK[v] = k;
      }
    }
  }
  const voxelMl = (spacing[0] * spacing[1] * spacing[2]) / 1000;
  const result: SegmentStatistics[] = [];
  for (let v = 1; v < slots; v++) {
    const c = count[v] ?? 0;
    if (c === 0) continue;
    const meanShifted = (sum[v] ?? 0) / c;
    const variance = Math.max(0, (sumSquares[v] ?? 0) / c - meanShifted * meanShifted);
    result.push({
      value: v,
      voxels: c,
      volumeMl: c * voxelMl,
      first: [firstI[v] ?? 0, firstJ[v] ?? 0, firstK[v] ?? 0],
      last: [lastI[v] ?? 0, lastJ[v] ?? 0, lastK[v] ?? 0],
      mean: (shift[v] ?? 0) + meanShifted,
      sd: Math.sqrt(variance),
      min: min[v] ?? NaN,
      max: max[v] ?? NaN,
    });
  }
  return result;
}
