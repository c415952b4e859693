/**
 * Whether two volumes share one voxel grid, within what file formats can store: NIfTI keeps the
 * affine in float32 and DICOM derives the slice step from rounded positions, so exact equality
 * would reject a label map saved from the very image it is laid on.
 */
import type { Vec3, VolumeGeometry } from './volume';

export type GeometryField = 'size' | 'spacing' | 'origin' | 'direction';

export interface GeometryDifference {
  readonly field: GeometryField;
  readonly a: readonly number[];
  readonly b: readonly number[];
  /** Largest element-wise absolute difference. */
  readonly largest: number;
}

export interface GeometryTolerances {
  /** Allowed |Δspacing| / spacing on each axis. */
  readonly spacingRelative: number;
  /** Allowed origin distance per axis, as a fraction of the smallest voxel spacing. */
  readonly originVoxelFraction: number;
  /** Allowed absolute difference of each direction cosine. */
  readonly direction: number;
}

export const DEFAULT_GEOMETRY_TOLERANCES: GeometryTolerances = {
  spacingRelative: 1e-4,
  originVoxelFraction: 1e-3,
  direction: 1e-4,
};

function largestDifference(a: readonly number[], b: readonly number[]): number {
  let largest = 0;
  for (let n = 0; n < a.length; n++) largest = Math.max(largest, Math.abs((a[n] ?? 0) - (b[n] ?? 0)));
  return largest;
}

function relativeSpacingDifference(a: Vec3, b: Vec3): number {
  let largest = 0;
  for (let n = 0; n < 3; n++) {
    const x = a[n] ?? 0;
    const y = b[n] ?? 0;
    largest = Math.max(largest, Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y)));
  }
  return largest;
}

/** Every field in which `a` and `b` differ beyond the tolerances; empty when they share a grid. */
export function compareGeometry(
  a: VolumeGeometry,
  b: VolumeGeometry,
  tolerances: GeometryTolerances = DEFAULT_GEOMETRY_TOLERANCES,
): GeometryDifference[] {
  const differences: GeometryDifference[] = [];
  const add = (field: GeometryField, x: readonly number[], y: readonly number[], exceeds: boolean) => {
    if (exceeds) differences.push({ field, a: x, b: y, largest: largestDifference(x, y) });
  };
  add('size', a.size, b.size, largestDifference(a.size, b.size) > 0);
  add(
    'spacing',
    a.spacing,
    b.spacing,
    relativeSpacingDifference(a.spacing, b.spacing) > tolerances.spacingRelative,
  );
  const originTolerance = tolerances.originVoxelFraction * Math.min(...a.spacing, ...b.spacing);
  add('origin', a.origin, b.origin, largestDifference(a.origin, b.origin) > originTolerance);
  add(
    'direction',
    a.direction,
    b.direction,
    largestDifference(a.direction, b.direction) > tolerances.direction,
  );
  return differences;
}

/** A number as people read it: at most four decimals, no trailing zeros, no "-0". */
export function formatNumber(value: number): string {
  const rounded = Number(value.toFixed(4));
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

function formatField(field: GeometryField, values: readonly number[]): string {
  const numbers = values.map(formatNumber);
  switch (field) {
    case 'size':
    case 'spacing':
      return numbers.join('×');
    case 'origin':
      return `(${numbers.join(', ')})`;
    case 'direction':
      return `[${[0, 3, 6].map((row) => numbers.slice(row, row + 3).join(' ')).join('; ')}]`;
  }
}

/** "spacing 0.5×0.5×1 vs 0.36×0.36×0.7; origin (0, 0, 0) vs (1, 2, 3) mm". */
export function describeGeometryDifferences(differences: readonly GeometryDifference[]): string {
  return differences
    .map((d) => {
      const unit = d.field === 'origin' || d.field === 'spacing' ? ' mm' : '';
      return `${d.field} ${formatField(d.field, d.a)} vs ${formatField(d.field, d.b)}${unit}`;
    })
    .join('; ');
}
