/**
 * The project's volume type, modelled on itk-wasm's `Image`: geometry plus one typed voxel buffer.
 *
 * World coordinates are ITK's LPS millimetres. Voxel (i, j, k) sits at
 *   world = origin + D · diag(spacing) · [i, j, k]ᵀ
 * where D is the 3×3 direction matrix stored row-major: D[r][c] = direction[r * 3 + c], so column c
 * is the world direction of index axis c. Voxels are stored with i fastest, then j, then k.
 */

export type Vec3 = readonly [number, number, number];
export type Mat3 = readonly [number, number, number, number, number, number, number, number, number];

export const COMPONENT_TYPES = [
  'uint8',
  'int8',
  'uint16',
  'int16',
  'uint32',
  'int32',
  'float32',
  'float64',
] as const;
export type ComponentType = (typeof COMPONENT_TYPES)[number];

export type VoxelArray =
  Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export interface VolumeGeometry {
  /** Voxel counts along i, j, k. */
  readonly size: Vec3;
  /** Millimetres between voxel centres along i, j, k. */
  readonly spacing: Vec3;
  /** World (LPS, mm) position of voxel (0, 0, 0). */
  readonly origin: Vec3;
  /** Row-major direction cosines; column c is index axis c in world space. */
  readonly direction: Mat3;
}

export interface Volume {
  readonly geometry: VolumeGeometry;
  readonly componentType: ComponentType;
  readonly voxels: VoxelArray;
  /** DICOM Modality (0008,0060) of the series it was read from; file formats carry none. */
  readonly modality?: string;
}

export const IDENTITY_DIRECTION: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function bytesPerVoxel(type: ComponentType): number {
  switch (type) {
    case 'uint8':
    case 'int8':
      return 1;
    case 'uint16':
    case 'int16':
      return 2;
    case 'uint32':
    case 'int32':
    case 'float32':
      return 4;
    case 'float64':
      return 8;
  }
}

/** The centre voxel of a grid: where the views open. */
export function centreIndex(g: { readonly size: Vec3 }): Vec3 {
  return [Math.floor((g.size[0] - 1) / 2), Math.floor((g.size[1] - 1) / 2), Math.floor((g.size[2] - 1) / 2)];
}

export function voxelCount(size: Vec3): number {
  return size[0] * size[1] * size[2];
}

/** Views `buffer` as the typed array of `type`; throws if the byte length does not fit. */
export function typedArrayFor(
  type: ComponentType,
  buffer: ArrayBufferLike,
  byteOffset = 0,
  length?: number,
): VoxelArray {
  switch (type) {
    case 'uint8':
      return new Uint8Array(buffer, byteOffset, length);
    case 'int8':
      return new Int8Array(buffer, byteOffset, length);
    case 'uint16':
      return new Uint16Array(buffer, byteOffset, length);
    case 'int16':
      return new Int16Array(buffer, byteOffset, length);
    case 'uint32':
      return new Uint32Array(buffer, byteOffset, length);
    case 'int32':
      return new Int32Array(buffer, byteOffset, length);
    case 'float32':
      return new Float32Array(buffer, byteOffset, length);
    case 'float64':
      return new Float64Array(buffer, byteOffset, length);
  }
}

export function componentTypeOf(array: VoxelArray): ComponentType {
  if (array instanceof Uint8Array) return 'uint8';
  if (array instanceof Int8Array) return 'int8';
  if (array instanceof Uint16Array) return 'uint16';
  if (array instanceof Int16Array) return 'int16';
  if (array instanceof Uint32Array) return 'uint32';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Float32Array) return 'float32';
  return 'float64';
}

/** A volume of `voxels` on the plain grid: unit spacing, at the origin, identity direction. */
export function gridVolume(size: Vec3, voxels: VoxelArray): Volume {
  if (voxels.length !== voxelCount(size)) throw new Error(`${voxels.length} voxels do not fill a ${size.join('×')} grid.`);
  return { geometry: { size, spacing: [1, 1, 1], origin: [0, 0, 0], direction: IDENTITY_DIRECTION }, componentType: componentTypeOf(voxels), voxels };
}

export function isIntegerComponentType(type: ComponentType): boolean {
  return type !== 'float32' && type !== 'float64';
}

export function allocateVoxels(type: ComponentType, count: number): VoxelArray {
  return typedArrayFor(type, new ArrayBuffer(count * bytesPerVoxel(type)));
}

/** Linear index of voxel (i, j, k). */
export function linearIndex(size: Vec3, i: number, j: number, k: number): number {
  return i + size[0] * (j + size[1] * k);
}

export function indexToWorld(g: VolumeGeometry, index: Vec3): [number, number, number] {
  const d = g.direction;
  const si = index[0] * g.spacing[0];
  const sj = index[1] * g.spacing[1];
  const sk = index[2] * g.spacing[2];
  return [
    g.origin[0] + d[0] * si + d[1] * sj + d[2] * sk,
    g.origin[1] + d[3] * si + d[4] * sj + d[5] * sk,
    g.origin[2] + d[6] * si + d[7] * sj + d[8] * sk,
  ];
}

/** Continuous index of a world point (inverse of indexToWorld; D is orthonormal so D⁻¹ = Dᵀ). */
export function worldToIndex(g: VolumeGeometry, world: Vec3): [number, number, number] {
  const d = g.direction;
  const x = world[0] - g.origin[0];
  const y = world[1] - g.origin[1];
  const z = world[2] - g.origin[2];
  return [
    (d[0] * x + d[3] * y + d[6] * z) / g.spacing[0],
    (d[1] * x + d[4] * y + d[7] * z) / g.spacing[1],
    (d[2] * x + d[5] * y + d[8] * z) / g.spacing[2],
  ];
}

/**
 * 4×4 row-major affine from index to world in the given convention. ITK/DICOM use LPS; NIfTI and
 * nibabel use RAS, which flips the signs of the first two world axes.
 */
export function indexToWorldAffine(g: VolumeGeometry, convention: 'LPS' | 'RAS' = 'LPS'): number[] {
  const d = g.direction;
  const flip = convention === 'RAS' ? [-1, -1, 1] : [1, 1, 1];
  const rows: number[] = [];
  for (let r = 0; r < 3; r++) {
    const f = flip[r] ?? 1;
    rows.push(
      f * (d[r * 3] ?? 0) * g.spacing[0],
      f * (d[r * 3 + 1] ?? 0) * g.spacing[1],
      f * (d[r * 3 + 2] ?? 0) * g.spacing[2],
      f * (g.origin[r] ?? 0),
    );
  }
  rows.push(0, 0, 0, 1);
  return rows;
}

const LPS_LETTERS: readonly [string, string][] = [
  ['L', 'R'],
  ['P', 'A'],
  ['S', 'I'],
];

function orientationLetters(direction: Mat3, pointsTowards: boolean): string {
  let code = '';
  for (let c = 0; c < 3; c++) {
    let best = 0;
    for (let r = 1; r < 3; r++) {
      if (Math.abs(direction[r * 3 + c] ?? 0) > Math.abs(direction[best * 3 + c] ?? 0)) best = r;
    }
    const positive = (direction[best * 3 + c] ?? 0) >= 0;
    const letters = LPS_LETTERS[best] ?? ['?', '?'];
    code += positive === pointsTowards ? letters[0] : letters[1];
  }
  return code;
}

/**
 * The three-letter orientation code: for each index axis i, j, k, the anatomical direction it points
 * towards, e.g. "LPS" when i→left, j→posterior, k→superior. The letters name anatomy, not a world
 * convention, so nibabel's aff2axcodes prints the same code for the same file even though it works
 * in RAS coordinates (FreeSurfer's conformed space is "LIA" in both). ITK's legacy SpatialOrientation
 * names and ITK-SNAP use the opposite, "from" letters: see `fromOrientationCode`.
 */
export function orientationCode(direction: Mat3): string {
  return orientationLetters(direction, true);
}

/**
 * The same orientation in the "from" convention of ITK's SpatialOrientation enum names and ITK-SNAP,
 * which name where each index axis starts rather than where it points: "LPS" becomes "RAI".
 */
export function fromOrientationCode(direction: Mat3): string {
  return orientationLetters(direction, false);
}

export type ViewAxis = 'axial' | 'coronal' | 'sagittal';
export const VIEW_AXES: readonly ViewAxis[] = ['axial', 'sagittal', 'coronal'];

/** World axis (0 = x L/R, 1 = y P/A, 2 = z S/I) that is normal to each anatomical view. */
const VIEW_NORMAL_WORLD_AXIS: Record<ViewAxis, number> = { sagittal: 0, coronal: 1, axial: 2 };

/**
 * Index axis (0 = i, 1 = j, 2 = k) whose world direction is closest to the view's normal.
 * Slicing follows the direction matrix, not the array layout: a sagittal scan stored with k along
 * L/R still shows its native slices in the sagittal view.
 */
export function indexAxisForView(direction: Mat3, view: ViewAxis): 0 | 1 | 2 {
  const worldAxis = VIEW_NORMAL_WORLD_AXIS[view];
  let best: 0 | 1 | 2 = 0;
  let bestValue = -1;
  for (const c of [0, 1, 2] as const) {
    const value = Math.abs(direction[worldAxis * 3 + c] ?? 0);
    if (value > bestValue) {
      best = c;
      bestValue = value;
    }
  }
  return best;
}

export function checkGeometry(g: VolumeGeometry): string | undefined {
  for (const n of g.size)
    if (!Number.isInteger(n) || n < 1) return `size ${g.size.join('×')} is not a positive integer size`;
  for (const s of g.spacing)
    if (!(s > 0) || !Number.isFinite(s)) return `spacing ${g.spacing.join(', ')} is not positive`;
  for (const o of g.origin) if (!Number.isFinite(o)) return 'origin is not finite';
  for (let c = 0; c < 3; c++) {
    const norm = Math.hypot(g.direction[c] ?? 0, g.direction[3 + c] ?? 0, g.direction[6 + c] ?? 0);
    if (Math.abs(norm - 1) > 1e-3) return `direction column ${c} is not a unit vector`;
  }
  return undefined;
}
