/**
 * Where a NIfTI header puts its voxels in the world, in iSeg's (ITK's) terms: spacing from pixdim,
 * origin and direction cosines in LPS from the sform or the qform, chosen as ITK's NIfTI reader
 * chooses. The cases ITK settles in ways not reproduced here (an Analyze header with neither form,
 * an sform with shear or skew, units other than millimetres, an sform and qform that disagree)
 * come back as `undefined`, and the caller leaves the file to ITK's own full read.
 */
import type { Mat3, Vec3, VolumeGeometry } from '../../common/volume';
import type { NiftiHeader } from './nifti-header';

/** A 3×4 voxel-to-RAS matrix: rows x, y, z; columns i, j, k and the translation. */
type Affine = readonly (readonly number[])[];

const UNKNOWN = 0;
const SCANNER_ANAT = 1;
const UNITS_UNKNOWN = 0;
const UNITS_MM = 2;

/** The qform's matrix (NIfTI-1 "method 2"): a unit quaternion, pixdim scales and qfac's sign on k. */
export function qformAffine(header: NiftiHeader): Affine {
  let [b, c, d] = header.quatern;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // A quaternion at (or numerically past) 180°: normalise (b, c, d) and take a = 0.
    const norm = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= norm;
    c *= norm;
    d *= norm;
    a = 0;
  } else {
    a = Math.sqrt(a);
  }
  const scale = (value: number | undefined): number => (value !== undefined && value > 0 ? value : 1);
  const qfac = (header.pixdim[0] ?? 1) < 0 ? -1 : 1;
  const [dx, dy, dz] = [scale(header.pixdim[1]), scale(header.pixdim[2]), qfac * scale(header.pixdim[3])];
  const [x, y, z] = header.qoffset;
  return [
    [(a * a + b * b - c * c - d * d) * dx, 2 * (b * c - a * d) * dy, 2 * (b * d + a * c) * dz, x],
    [2 * (b * c + a * d) * dx, (a * a + c * c - b * b - d * d) * dy, 2 * (c * d - a * b) * dz, y],
    [2 * (b * d - a * c) * dx, 2 * (c * d + a * b) * dy, (a * a + d * d - c * c - b * b) * dz, z],
  ];
}

function column(m: Affine, c: number): Vec3 {
  return [m[0]?.[c] ?? NaN, m[1]?.[c] ?? NaN, m[2]?.[c] ?? NaN];
}

function norm(v: Vec3): number {
  return Math.hypot(v[0], v[1], v[2]);
}

function dot(u: Vec3, v: Vec3): number {
  return u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
}

/** Whether the 3×3 part, columns normalised, is orthonormal to 1e-4 (ITK's test for a usable sform). */
function isRotationAndScale(m: Affine): boolean {
  const columns = [0, 1, 2].map((c) => column(m, c));
  if (columns.some((v) => !Number.isFinite(norm(v)) || norm(v) === 0)) return false;
  const unit = columns.map((v) => v.map((x) => x / norm(v)) as unknown as Vec3);
  for (let r = 0; r < 3; r++) {
    // Rows of U·Uᵀ: with columns normalised, U·Uᵀ = I exactly when the columns are orthonormal.
    for (let s = 0; s < 3; s++) {
      const rowR: Vec3 = [unit[0]?.[r] ?? NaN, unit[1]?.[r] ?? NaN, unit[2]?.[r] ?? NaN];
      const rowS: Vec3 = [unit[0]?.[s] ?? NaN, unit[1]?.[s] ?? NaN, unit[2]?.[s] ?? NaN];
      if (Math.abs(dot(rowR, rowS) - (r === s ? 1 : 0)) > 1e-4) return false;
    }
  }
  return true;
}

function elementwiseClose(p: Affine, q: Affine, rotation: number, translation: number): boolean {
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) if (Math.abs((p[r]?.[c] ?? NaN) - (q[r]?.[c] ?? NaN)) > rotation) return false;
  }
  const offsetDifference = [0, 1, 2].reduce((sum, r) => sum + Math.abs((p[r]?.[3] ?? NaN) - (q[r]?.[3] ?? NaN)), 0);
  return offsetDifference <= translation;
}

/** The matrix ITK would use, or undefined where its choice is not reproduced here. */
function chosenAffine(header: NiftiHeader): Affine | undefined {
  const { qformCode, sformCode } = header;
  if (qformCode <= UNKNOWN && sformCode <= UNKNOWN) return undefined; // Analyze-style orientation
  const qform = qformCode > UNKNOWN ? qformAffine(header) : undefined;
  const sform = sformCode > UNKNOWN ? header.srow : undefined;
  if (sform && qform && elementwiseClose(sform, qform, 1e-5, 1e-7)) return sform;
  if (sform && isRotationAndScale(sform)) {
    if (!qform || sformCode === SCANNER_ANAT) return sform;
    // Both known, sform aligned/Talairach/MNI: ITK compares them by SVD; agreeing ones read the same.
    return elementwiseClose(sform, qform, 1e-4, 1e-4 * 3) ? sform : undefined;
  }
  return qform;
}

/**
 * Spacing, origin and direction of a 3D NIfTI header in ITK's LPS convention, or undefined when
 * ITK should decide (see the file comment). `size` is the header's dim[1..3].
 */
export function niftiGeometry(header: NiftiHeader, size: Vec3): VolumeGeometry | undefined {
  const units = header.xyztUnits & 7;
  if (units !== UNITS_UNKNOWN && units !== UNITS_MM) return undefined; // ITK rescales metres and microns
  const spacing: Vec3 = [header.pixdim[1] ?? NaN, header.pixdim[2] ?? NaN, header.pixdim[3] ?? NaN];
  if (spacing.some((s) => !Number.isFinite(s) || s <= 0)) return undefined;
  const affine = chosenAffine(header);
  if (!affine || affine.some((r) => r.some((x) => !Number.isFinite(x)))) return undefined;
  // RAS → LPS: x and y change sign, in the origin and in every direction vector.
  const origin: Vec3 = [-(affine[0]?.[3] ?? NaN), -(affine[1]?.[3] ?? NaN), affine[2]?.[3] ?? NaN];
  const directions = [0, 1, 2].map((c) => {
    const v = column(affine, c);
    const length = norm(v);
    return [-v[0] / length, -v[1] / length, v[2] / length] as const;
  });
  if (directions.some((v) => v.some((x) => !Number.isFinite(x)))) return undefined;
  // Row r, column c: component r of index axis c's direction.
  const direction = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => directions[c]?.[r] ?? NaN)) as unknown as Mat3;
  return { size, spacing, origin, direction };
}
