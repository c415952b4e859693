/**
 * A deterministic MR-like knee image made from a real knee label map: the stand-in for the images
 * that the public knee label maps lack. The contrast follows a DESS / PD-weighted scan (cartilage
 * and fluid bright, marrow dark-intermediate and grainy, muscle dark grey, fat intermediate-bright,
 * ligaments, tendons and menisci dark, vessels bright, air ~0). Steps:
 *
 * 1. label values → tissues (preset table, or names by keyword: see ./tissues);
 * 2. derived tissues: a thin dark cortical shell inside bone; in the joint space left unlabelled,
 *    synovial fluid in thin gaps between cartilage plates (the bright joint line) and meniscus in
 *    wider ones along the superior–inferior axis (dark wedges at the rim of the plateau);
 * 3. unlabelled voxels: a body outline grown a few cm around the labelled structures (distance
 *    transform on a 2 mm grid, wavy radius), skin and subcutaneous fat under its edge, inside it
 *    muscle crossed by fat planes (the zero set of smooth noise) and fatty regions; air outside;
 * 4. piecewise-constant tissue image × per-voxel texture × smooth texture × bias field (±≈20%);
 * 5. partial volume: separable Gaussian blur, σ in mm per axis from the spacing;
 * 6. Rician noise: magnitude of signal plus complex Gaussian noise, σ 2.5–3.5% of cartilage.
 *
 * Every random choice comes from streams derived from `seed` (taken as a 32-bit unsigned integer):
 * one seed gives bit-identical output (on a given JavaScript engine: Math.sin, Math.log and
 * Math.exp feed the smooth fields), different seeds differ. Images made with this are simulated
 * and must be labelled as such wherever they are shown.
 *
 * Cost: a few passes over the volume with no per-voxel allocation; memory is the float32 output
 * plus one byte per voxel and two slices of scratch.
 */
import {
  checkGeometry,
  indexAxisForView,
  voxelCount,
  type Vec3,
  type Volume,
  type VoxelArray,
} from '../volume';
import {
  blurAcrossRows,
  boxBlur3d,
  CoarseGrid,
  convolveLine,
  gaussianBlur3d,
  gaussianKernel,
  separableFilter3d,
  squaredDistanceTransform3d,
} from './filters';
import { createRandom, deriveSeed, NORMAL_TABLE, NORMAL_TABLE_BITS, type Sfc32 } from './random';
import { tissueForLabel, type KneePreset, type KneeTissue } from './tissues';

export type { KneePreset, KneeTissue } from './tissues';

export interface SimulateKneeMrOptions {
  /** Any number; used as a 32-bit unsigned integer (`seed >>> 0`). */
  readonly seed: number;
  /** How label values map to tissues: see ./tissues for the tables. */
  readonly preset: KneePreset;
  /** Label value → structure name (e.g. from a colour table); mapped to tissues by keyword. */
  readonly tissueNames?: ReadonlyMap<number, string>;
  /**
   * Soft tissue grown around the labelled structures, in mm. Default: 10 when the label map has
   * muscle labels (the leg's outline is mostly known), else 35 (only bone and cartilage labelled).
   */
  readonly bodyMarginMm?: number;
  /**
   * Which MR contrast the tissue table imitates (default `dess`, the table the embedded sample and
   * the evaluation knees were made with). `random` draws one of the sequences per seed and moves
   * every tissue's mean by up to ±20%, so images differ in appearance, not only by ±3% of one table:
   * what a dev benchmark of appearance generalisation needs.
   */
  readonly sequence?: KneeSequence;
}

export const KNEE_SEQUENCES = ['dess', 't1', 'pd-fs', 't2-fs', 'random'] as const;
export type KneeSequence = (typeof KNEE_SEQUENCES)[number];

/** Internal tissue codes: the label tissues plus what the simulator derives. */
const AIR = 0;
const MARROW = 1;
const CORTEX = 2;
const CARTILAGE = 3;
const FLUID = 4;
const MUSCLE = 5;
const FAT = 6;
const FIBROUS = 7;
const VESSEL = 8;
const NERVE = 9;
const SKIN = 10;
const UNLABELLED = 11;
const TISSUE_COUNT = 12;

const CODE_OF: Readonly<Record<KneeTissue, number>> = {
  background: UNLABELLED,
  bone: MARROW,
  cartilage: CARTILAGE,
  fluid: FLUID,
  muscle: MUSCLE,
  fat: FAT,
  fibrous: FIBROUS,
  vessel: VESSEL,
  nerve: NERVE,
  skin: SKIN,
};

/**
 * Texture per code: per-voxel texture (relative σ before the partial-volume blur, which takes it
 * down to about a third) and smooth texture (relative amplitude, ~4 mm).
 */
const TEXTURE: readonly (readonly [fine: number, smooth: number])[] = [
  [0, 0], // air
  [0.55, 0.12], // bone marrow
  [0.3, 0.05], // cortical bone
  [0.1, 0.04], // cartilage
  [0.05, 0.03], // synovial fluid
  [0.2, 0.06], // muscle
  [0.15, 0.05], // fat
  [0.3, 0.1], // ligament, tendon, meniscus
  [0.1, 0.05], // vessel
  [0.15, 0.05], // nerve
  [0.15, 0.05], // skin
  [0.2, 0.06], // unlabelled: synthesised, textured as muscle
];

/**
 * Mean intensity per code (air, marrow, cortex, cartilage, fluid, muscle, fat, fibrous, vessel,
 * nerve, skin, unlabelled) for each sequence, from the relative signal of knee tissues in the
 * literature's descriptions: DESS (cartilage and fluid bright, marrow dark), T1 (fat and fatty
 * marrow bright, fluid dark), PD fat-saturated (fluid bright, cartilage intermediate, fat and marrow
 * suppressed), T2 fat-saturated (fluid brightest, cartilage dark-intermediate).
 */
const SEQUENCE_MEANS: Readonly<Record<Exclude<KneeSequence, 'random'>, readonly number[]>> = {
  dess: [0, 240, 45, 720, 920, 330, 580, 70, 820, 450, 470, 330],
  t1: [0, 850, 40, 450, 200, 350, 900, 60, 130, 500, 600, 350],
  'pd-fs': [0, 180, 40, 600, 950, 380, 150, 70, 700, 500, 450, 380],
  't2-fs': [0, 120, 35, 300, 1000, 250, 120, 50, 800, 450, 350, 250],
};
const NAMED_SEQUENCES = ['dess', 't1', 'pd-fs', 't2-fs'] as const;
/** Rician noise scales with this mean (cartilage's in the DESS table). */
const NOISE_REFERENCE = 720;

/** Physical constants of the simulation, in mm unless named otherwise. */
const COARSE_MM = 2;
const CORTEX_MM = 0.8;
/** Unlabelled gaps between two different cartilage plates: fluid up to this width… */
const FLUID_GAP_MM = 1.5;
/** …and, along the superior–inferior axis, meniscus up to this width. */
const MENISCUS_GAP_MM = 10;
const SKIN_MM = 1.2;
const PSF_MM = 0.2;
const BIAS_AMPLITUDE = 0.2;

/** Independent random streams, so that changing one step leaves the others alone. */
const STREAM_CONTRAST = 1;
const STREAM_LABEL_GAIN = 2;
const STREAM_FIELDS = 3;
const STREAM_BIAS = 4;
const STREAM_TEXTURE = 5;
const STREAM_NOISE = 6;
const STREAM_SEQUENCE = 7;

/** Voxel classes (Uint8): background, derived joint fluid, one per label value, shared overflow. */
const CLASS_BACKGROUND = 0;
const CLASS_FLUID = 1;
const CLASS_MENISCUS = 2;
const FIRST_LABEL_CLASS = 3;
const CLASS_COUNT = 256;
/** Past this many label values, further values share one class per tissue (with gain 1). */
const OVERFLOW_CLASS = CLASS_COUNT - TISSUE_COUNT;

interface Classes {
  readonly voxelClass: Uint8Array;
  readonly tissue: Uint8Array;
  readonly gain: Float32Array;
  /** Per tissue code: 1 when some label value maps to it. */
  readonly present: Uint8Array;
  /** Bounding box of cartilage voxels, [i0, j0, k0, i1, j1, k1]; i0 > i1 when there is none. */
  readonly cartilageBox: readonly number[];
}

export function simulateKneeMr(labels: Volume, options: SimulateKneeMrOptions): Volume {
  const g = labels.geometry;
  const size = g.size;
  const spacing = g.spacing;
  const problem = checkGeometry(g);
  if (problem !== undefined) throw new Error(`simulateKneeMr: ${problem}`);
  const count = voxelCount(size);
  if (labels.voxels.length !== count) {
    throw new Error(`simulateKneeMr: ${labels.voxels.length} voxels for a ${size.join('×')} volume`);
  }
  const seed = options.seed >>> 0;
  // Smooth fields are evaluated exactly about every millimetre along i and interpolated between.
  const grid = new CoarseGrid(
    size,
    [COARSE_MM / spacing[0], COARSE_MM / spacing[1], COARSE_MM / spacing[2]],
    Math.floor(1 / spacing[0]),
  );
  // Squared distance to the labelled structures on the coarse grid: seeds marked while classifying.
  const distance = new Float64Array(grid.count).fill(1e20);

  const classes = classify(labels.voxels, size, options, seed, grid, distance);
  const longAxis = indexAxisForView(g.direction, 'axial');
  // Menisci are drawn only where the map labels no fibrous tissue (bone-and-cartilage maps).
  markJointSpace(classes, size, spacing, longAxis, classes.present[FIBROUS] !== 1);

  // Tissue contrast for this seed: each mean of the sequence's table moves by up to ±3% (±20% and a
  // random sequence for `random`).
  const { table, spread } = tissueTable(options.sequence ?? 'dess', seed);
  const contrastRandom = createRandom(deriveSeed(seed, STREAM_CONTRAST));
  const mean = new Float32Array(TISSUE_COUNT);
  const fine = new Float32Array(TISSUE_COUNT);
  const smooth = new Float32Array(TISSUE_COUNT);
  for (let t = 0; t < TISSUE_COUNT; t++) {
    const [f, s] = TEXTURE[t] ?? [0, 0];
    mean[t] = (table[t] ?? 0) * (1 + spread * (contrastRandom.next() - 0.5));
    fine[t] = f;
    smooth[t] = s;
  }
  // DESS keeps its noise tied to its cartilage mean (the images made before sequences existed).
  const noiseReference = options.sequence === undefined || options.sequence === 'dess' ? (mean[CARTILAGE] ?? NOISE_REFERENCE) : NOISE_REFERENCE;
  const noiseSigma = noiseReference * (0.025 + 0.01 * contrastRandom.next());

  const marginMm = options.bodyMarginMm ?? (classes.present[MUSCLE] === 1 ? 10 : 35);
  const fields = smoothFields(grid, distance, size, spacing, longAxis, seed, marginMm);

  // Partial volume: the scanner's point spread (σ half a voxel plus PSF_MM) blurs the tissue image.
  const sigma = [0, 1, 2].map(
    (a) => Math.sqrt((0.5 * (spacing[a] ?? 1)) ** 2 + PSF_MM ** 2) / (spacing[a] ?? 1),
  );
  const image = new Float32Array(count);
  compose(
    image,
    classes,
    grid,
    fields,
    size,
    spacing,
    { mean, fine, smooth },
    sigma[0] ?? 0,
    createRandom(deriveSeed(seed, STREAM_TEXTURE)),
  );
  const [nx, ny, nz] = size;
  if (ny > 1) {
    const kernel = gaussianKernel(sigma[1] ?? 0);
    const scratch = new Float32Array(nx * ny);
    for (let k = 0; k < nz; k++) blurAcrossRows(image, k * nx * ny, nx, nx, ny, kernel, scratch);
  }
  // The last blur pass adds the noise to each row as it is written.
  const noise = ricianNoise(image, nx, noiseSigma, createRandom(deriveSeed(seed, STREAM_NOISE)));
  const kernel = nz > 1 ? gaussianKernel(sigma[2] ?? 0) : Float32Array.of(1);
  const scratch = new Float32Array(nx * nz);
  for (let j = 0; j < ny; j++) blurAcrossRows(image, j * nx, nx, nx * ny, nz, kernel, scratch, noise);

  const d = g.direction;
  return {
    geometry: {
      size: [size[0], size[1], size[2]],
      spacing: [spacing[0], spacing[1], spacing[2]],
      origin: [g.origin[0], g.origin[1], g.origin[2]],
      direction: [d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8]],
    },
    componentType: 'float32',
    voxels: image,
  };
}

/** Value range of a label array: from its type where that bounds it, else by a scan. */
function labelRange(voxels: VoxelArray): [number, number] {
  if (voxels instanceof Uint8Array) return [0, 255];
  if (voxels instanceof Int8Array) return [-128, 127];
  if (voxels instanceof Uint16Array) return [0, 65535];
  if (voxels instanceof Int16Array) return [-32768, 32767];
  let low = Infinity;
  let high = -Infinity;
  for (const v of voxels) {
    const r = Math.round(v);
    if (r < low) low = r;
    if (r > high) high = r;
  }
  return [low, high];
}

/** The mean table for a sequence and how far each mean may move; `random` picks a sequence by seed. */
function tissueTable(sequence: KneeSequence, seed: number): { table: readonly number[]; spread: number } {
  if (sequence !== 'random') return { table: SEQUENCE_MEANS[sequence], spread: 0.06 };
  const pick = createRandom(deriveSeed(seed, STREAM_SEQUENCE)).next();
  const named = NAMED_SEQUENCES[Math.min(NAMED_SEQUENCES.length - 1, Math.floor(pick * NAMED_SEQUENCES.length))] ?? 'dess';
  return { table: SEQUENCE_MEANS[named], spread: 0.4 };
}

/**
 * One pass over the labels: each voxel's class, each class's tissue and gain, the cartilage box,
 * and the coarse nodes next to labelled voxels (set to 0 in `distance`).
 */
function classify(
  voxels: VoxelArray,
  size: Vec3,
  options: SimulateKneeMrOptions,
  seed: number,
  grid: CoarseGrid,
  distance: Float64Array,
): Classes {
  const [nx, ny, nz] = size;
  const voxelClass = new Uint8Array(nx * ny * nz);
  const tissue = new Uint8Array(CLASS_COUNT).fill(UNLABELLED);
  const gain = new Float32Array(CLASS_COUNT).fill(1);
  const present = new Uint8Array(TISSUE_COUNT);
  tissue[CLASS_FLUID] = FLUID;
  tissue[CLASS_MENISCUS] = FIBROUS;
  for (let t = 0; t < TISSUE_COUNT; t++) tissue[OVERFLOW_CLASS + t] = t;
  let nextClass = FIRST_LABEL_CLASS;
  const gainSeed = deriveSeed(seed, STREAM_LABEL_GAIN);
  const classFor = (value: number): number => {
    if (!Number.isFinite(value) || value === 0) return CLASS_BACKGROUND;
    const code = CODE_OF[tissueForLabel(value, options.preset, options.tissueNames)];
    present[code] = 1;
    if (nextClass >= OVERFLOW_CLASS) return OVERFLOW_CLASS + code;
    const c = nextClass++;
    tissue[c] = code;
    // Each structure gets its own slight gain (±3%), a function of the seed and its value.
    gain[c] = 1 + 0.06 * (createRandom(deriveSeed(gainSeed, value)).next() - 0.5);
    return c;
  };

  const [low, high] = labelRange(voxels);
  // A look-up table over the value range when it is small (always, for 8- and 16-bit labels).
  const dense = Number.isFinite(low) && Number.isFinite(high) && high - low < 1 << 20;
  const lookup = new Int16Array(dense ? high - low + 1 : 0).fill(-1);
  const sparse = new Map<number, number>();
  const isFloat = voxels instanceof Float32Array || voxels instanceof Float64Array;
  const box = [Infinity, Infinity, Infinity, -1, -1, -1];
  const nodeI = new Int32Array(nx);
  for (let i = 0; i < nx; i++) nodeI[i] = grid.nearestNode(0, i);
  const [cx, cy] = grid.dims;
  for (let k = 0; k < nz; k++) {
    const ck = grid.nearestNode(2, k);
    for (let j = 0; j < ny; j++) {
      const rowNode = cx * (grid.nearestNode(1, j) + cy * ck);
      const row = nx * (j + ny * k);
      let rowCartilage = false;
      for (let i = 0; i < nx; i++) {
        const raw = voxels[row + i] ?? 0;
        const value = isFloat ? Math.round(raw) : raw;
        let c: number;
        if (dense && value >= low) {
          c = lookup[value - low] ?? -1;
          if (c < 0) {
            c = classFor(value);
            lookup[value - low] = c;
          }
        } else {
          c = sparse.get(value) ?? -1;
          if (c < 0) {
            c = classFor(value);
            sparse.set(value, c);
          }
        }
        voxelClass[row + i] = c;
        if (c !== CLASS_BACKGROUND) {
          distance[rowNode + (nodeI[i] ?? 0)] = 0;
          if (tissue[c] === CARTILAGE) {
            rowCartilage = true;
            if (i < (box[0] ?? 0)) box[0] = i;
            if (i > (box[3] ?? 0)) box[3] = i;
          }
        }
      }
      if (rowCartilage) {
        box[1] = Math.min(box[1] ?? 0, j);
        box[2] = Math.min(box[2] ?? 0, k);
        box[4] = Math.max(box[4] ?? 0, j);
        box[5] = Math.max(box[5] ?? 0, k);
      }
    }
  }
  return { voxelClass, tissue, gain, present, cartilageBox: box };
}

/**
 * The joint space, where the label map leaves it unlabelled: along each index axis, a run of
 * unlabelled voxels between cartilage of two different labels (femoral and tibial, say) becomes
 * synovial fluid when at most FLUID_GAP_MM wide (the bright joint line) and, along the long
 * (superior–inferior) axis, meniscus when wider, up to MENISCUS_GAP_MM (the dark wedges at the
 * rim of the tibial plateau), if `menisci`. Only background voxels change.
 */
function markJointSpace(
  classes: Classes,
  size: Vec3,
  spacing: Vec3,
  longAxis: number,
  menisci: boolean,
): void {
  const { voxelClass, tissue, cartilageBox: box } = classes;
  const [nx, ny] = size;
  const lo = [box[0] ?? 0, box[1] ?? 0, box[2] ?? 0];
  const hi = [box[3] ?? -1, box[4] ?? -1, box[5] ?? -1];
  if ((hi[0] ?? -1) < (lo[0] ?? 0)) return;
  const strides = [1, nx, nx * ny];
  // The long axis first, so that menisci are in place before the fluid lines.
  for (const axis of [longAxis, ...[0, 1, 2].filter((a) => a !== longAxis)]) {
    const fluidGap = Math.floor(FLUID_GAP_MM / (spacing[axis] ?? 1) + 1e-6);
    const meniscusGap = menisci && axis === longAxis ? Math.floor(MENISCUS_GAP_MM / (spacing[axis] ?? 1)) : 0;
    if (fluidGap < 1 && meniscusGap < 1) continue;
    const stride = strides[axis] ?? 1;
    const start = lo[axis] ?? 0;
    const length = (hi[axis] ?? 0) - start + 1;
    const a1 = axis === 0 ? 1 : 0;
    const a2 = axis === 2 ? 1 : 2;
    for (let q2 = lo[a2] ?? 0; q2 <= (hi[a2] ?? 0); q2++) {
      for (let q1 = lo[a1] ?? 0; q1 <= (hi[a1] ?? 0); q1++) {
        const first = q1 * (strides[a1] ?? 0) + q2 * (strides[a2] ?? 0) + start * stride;
        let last = -1;
        let lastClass = -1;
        for (let p = 0; p < length; p++) {
          const c = voxelClass[first + p * stride] ?? 0;
          const t = tissue[c] ?? 0;
          if (t === CARTILAGE) {
            const gap = p - last - 1;
            if (last >= 0 && gap > 0 && c !== lastClass) {
              const fill = gap <= fluidGap ? CLASS_FLUID : gap <= meniscusGap ? CLASS_MENISCUS : -1;
              for (let q = last + 1; q < p && fill >= 0; q++) {
                if (voxelClass[first + q * stride] === CLASS_BACKGROUND)
                  voxelClass[first + q * stride] = fill;
              }
            }
            last = p;
            lastClass = c;
          } else if (c !== CLASS_BACKGROUND && c !== CLASS_FLUID && t !== UNLABELLED) {
            last = -1;
          }
        }
      }
    }
  }
}

/** Fields on the coarse grid, in the order the evaluator interleaves them. */
const FIELD_MARGIN = 0; // mm inside the body outline (negative outside)
const FIELD_SEPTA = 1; // unit-σ noise; its zero set draws fat planes between muscles
const FIELD_REGION = 2; // unit-σ noise, large scale: fatty regions, subcutaneous fat thickness
const FIELD_TEXTURE = 3; // unit-σ noise, ~4 mm: smooth texture within tissues
const FIELD_BIAS = 4; // multiplicative bias, 1 ± BIAS_AMPLITUDE
const FIELD_STREAK = 5; // unit-σ noise drawn out along the limb: fatty streaks in muscle
const FIELD_COUNT = 6;

function smoothFields(
  grid: CoarseGrid,
  distance: Float64Array,
  size: Vec3,
  spacing: Vec3,
  longAxis: number,
  seed: number,
  marginMm: number,
): Float32Array[] {
  squaredDistanceTransform3d(distance, grid.dims, [COARSE_MM, COARSE_MM, COARSE_MM]);
  const random = createRandom(deriveSeed(seed, STREAM_FIELDS));
  /** Unit-σ noise with the given correlation scale, in mm, across and along the long axis. */
  const noise = (scaleMm: number, alongMm = scaleMm): Float32Array => {
    const field = new Float32Array(grid.count);
    chunked(field, (from, to) => {
      random.fillNormal(field.subarray(from, to));
    });
    const sigma = [0, 1, 2].map((a) => (a === longAxis ? alongMm : scaleMm) / COARSE_MM);
    const s: Vec3 = [sigma[0] ?? 0, sigma[1] ?? 0, sigma[2] ?? 0];
    if (Math.min(...s) >= 2) boxBlur3d(field, grid.dims, s);
    else gaussianBlur3d(field, grid.dims, s);
    return normalise(field, grid.dims);
  };
  const radius = noise(25);
  const septa = noise(8);
  const region = noise(12);
  const texture = noise(1.6);
  const streak = noise(0.8, 10);

  const margin = new Float32Array(grid.count);
  const wobble = Math.min(0.15 * marginMm, 5);
  chunked(margin, (from, to) => {
    for (let n = from; n < to; n++)
      margin[n] = marginMm + wobble * (radius[n] ?? 0) - Math.sqrt(distance[n] ?? 0);
  });
  const bias = biasField(grid, size, spacing, createRandom(deriveSeed(seed, STREAM_BIAS)));
  const fields = new Array<Float32Array>(FIELD_COUNT);
  fields[FIELD_MARGIN] = margin;
  fields[FIELD_SEPTA] = septa;
  fields[FIELD_REGION] = region;
  fields[FIELD_TEXTURE] = texture;
  fields[FIELD_BIAS] = bias;
  fields[FIELD_STREAK] = streak;
  return fields;
}

/**
 * Centres a coarse-grid noise field and scales it so that its B-spline evaluation, not the nodes,
 * has unit σ: the spline smooths, which matters for noise at the scale of the grid. (Measured at
 * the nodes, where the spline is the [1 4 1]/6 filter of the coefficients.)
 */
function normalise(field: Float32Array, dims: Vec3): Float32Array {
  const mean = sumOf(field, 1) / Math.max(1, field.length);
  chunked(field, (from, to) => {
    affineRange(field, from, to, 1, -mean);
  });
  const smoothed = Float32Array.from(field);
  const spline = Float32Array.of(1 / 6, 4 / 6, 1 / 6);
  separableFilter3d(smoothed, dims, [spline, spline, spline]);
  const sq = sumOf(smoothed, 2);
  const scale = sq > 0 ? 1 / Math.sqrt(sq / field.length) : 0;
  chunked(field, (from, to) => {
    affineRange(field, from, to, scale, 0);
  });
  return field;
}

/*
 * Whole-array loops run once per field, so they would run as cold, unoptimised code (which boxes
 * every float it touches); split into chunks, the same small functions serve every field and are
 * optimised after the first few chunks.
 */
const CHUNK = 4096;

/** Calls `body` on consecutive ranges of `array`. */
function chunked(array: Float32Array, body: (from: number, to: number) => void): void {
  for (let from = 0; from < array.length; from += CHUNK) body(from, Math.min(array.length, from + CHUNK));
}

/** Σ a[n]^power over `a`, power 1 or 2, by chunks. */
function sumOf(a: Float32Array, power: 1 | 2): number {
  let total = 0;
  chunked(a, (from, to) => {
    total += sumRange(a, from, to, power);
  });
  return total;
}

/** Σ a[n]^power over [from, to), power 1 or 2. */
function sumRange(a: Float32Array, from: number, to: number, power: 1 | 2): number {
  let sum = 0;
  if (power === 1) for (let n = from; n < to; n++) sum += a[n] ?? 0;
  else for (let n = from; n < to; n++) sum += (a[n] ?? 0) * (a[n] ?? 0);
  return sum;
}

/** a[n] ← a[n] · scale + offset over [from, to). */
function affineRange(a: Float32Array, from: number, to: number, scale: number, offset: number): void {
  for (let n = from; n < to; n++) a[n] = (a[n] ?? 0) * scale + offset;
}

/**
 * 1 + β, with β a linear ramp plus three plane waves of wavelength 1.5–4× the field of view, in
 * random directions, scaled so that |β| peaks at 0.7–1 × BIAS_AMPLITUDE inside the volume.
 */
function biasField(grid: CoarseGrid, size: Vec3, spacing: Vec3, random: Sfc32): Float32Array {
  const half = [0, 1, 2].map((a) => (((size[a] ?? 1) - 1) * (spacing[a] ?? 1)) / 2);
  const fov = Math.max(1, 2 * Math.max(...half));
  const unit = (): [number, number, number] => {
    const z = 2 * random.next() - 1;
    const phi = 2 * Math.PI * random.next();
    const r = Math.sqrt(1 - z * z);
    return [r * Math.cos(phi), r * Math.sin(phi), z];
  };
  const ramp = unit().map((c) => c / fov);
  const waves = [0, 1, 2].map(() => ({
    direction: unit(),
    frequency: (2 * Math.PI) / (fov * (1.5 + 2.5 * random.next())),
    phase: 2 * Math.PI * random.next(),
    amplitude: 0.5 + random.next(),
  }));
  const [cx, cy, cz] = grid.dims;
  const [hx = 0, hy = 0, hz = 0] = half;
  const [rx = 0, ry = 0, rz = 0] = ramp;
  const xs = Array.from({ length: cx }, (_, i) => grid.nodePosition(0, i) * spacing[0] - hx);
  // sin(u + v) = sin u cos v + cos u sin v: the x part of each wave's phase is tabulated once.
  const sinX = waves.map((w) => Float64Array.from(xs, (x) => Math.sin(w.frequency * w.direction[0] * x)));
  const cosX = waves.map((w) => Float64Array.from(xs, (x) => Math.cos(w.frequency * w.direction[0] * x)));
  const row = new Float64Array(cx);
  const beta = new Float32Array(grid.count);
  let sum = 0;
  let inside = 0;
  let low = Infinity;
  let high = -Infinity;
  for (let k = 0; k < cz; k++) {
    const z = grid.nodePosition(2, k) * spacing[2] - hz;
    for (let j = 0; j < cy; j++) {
      const y = grid.nodePosition(1, j) * spacing[1] - hy;
      for (let i = 0; i < cx; i++) row[i] = rx * (xs[i] ?? 0) + ry * y + rz * z;
      waves.forEach((w, index) => {
        const v = w.frequency * (w.direction[1] * y + w.direction[2] * z) + w.phase;
        const sv = w.amplitude * Math.sin(v);
        const cv = w.amplitude * Math.cos(v);
        const sx = sinX[index];
        const cxs = cosX[index];
        if (sx === undefined || cxs === undefined) return;
        for (let i = 0; i < cx; i++) row[i] = (row[i] ?? 0) + (sx[i] ?? 0) * cv + (cxs[i] ?? 0) * sv;
      });
      const inJK = Math.abs(y) <= hy && Math.abs(z) <= hz;
      const offset = cx * (j + cy * k);
      for (let i = 0; i < cx; i++) {
        const b = row[i] ?? 0;
        beta[offset + i] = b;
        if (inJK && Math.abs(xs[i] ?? 0) <= hx) {
          sum += b;
          inside++;
          if (b < low) low = b;
          if (b > high) high = b;
        }
      }
    }
  }
  const mean = inside > 0 ? sum / inside : 0;
  const peak = Math.max(high - mean, mean - low);
  const scale = peak > 0 ? (BIAS_AMPLITUDE * (0.7 + 0.3 * random.next())) / peak : 0;
  for (let n = 0; n < beta.length; n++) beta[n] = 1 + ((beta[n] ?? 0) - mean) * scale;
  return beta;
}

function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

/**
 * The noise-free image blurred along i: tissue means × label gain × texture × bias, with the
 * cortex drawn inside bone, the body outline and the soft tissue synthesised in unlabelled voxels.
 */
function compose(
  image: Float32Array,
  classes: Classes,
  grid: CoarseGrid,
  fieldValues: readonly Float32Array[],
  size: Vec3,
  spacing: Vec3,
  look: { readonly mean: Float32Array; readonly fine: Float32Array; readonly smooth: Float32Array },
  sigmaI: number,
  random: Sfc32,
): void {
  const [nx, ny, nz] = size;
  const { voxelClass, tissue, gain } = classes;
  const { mean, fine, smooth } = look;
  const table = NORMAL_TABLE;
  const mask = table.length - 1;
  const evaluator = grid.evaluator(fieldValues);
  const { sampleIndex, sampleWeight } = grid;
  // The fields at the row's samples; a voxel's value is interpolated when (and if) it is needed.
  const f = new Float32Array((grid.samples + 1) * FIELD_COUNT);
  const at = (o: number, w: number, field: number): number => {
    const v = f[o + field] ?? 0;
    return v + ((f[o + FIELD_COUNT + field] ?? 0) - v) * w;
  };
  const kernel = nx > 1 ? gaussianKernel(sigmaI) : Float32Array.of(1);
  const radius = (kernel.length - 1) >> 1;
  const padded = new Float32Array(nx + 2 * radius);
  const muscle = mean[MUSCLE] ?? 0;
  const fat = mean[FAT] ?? 0;
  const skin = mean[SKIN] ?? 0;
  const air = mean[AIR] ?? 0;
  const fibrous = mean[FIBROUS] ?? 0;
  // Cortex: marrow voxels within CORTEX_MM of non-bone along an index axis (not at the FOV edge).
  const reach = [0, 1, 2].map((axis) => Math.max(1, Math.round(CORTEX_MM / (spacing[axis] ?? 1))));
  const [ri = 1, rj = 1, rk = 1] = reach;
  const sj = nx;
  const sk = nx * ny;
  const notBone = (n: number): boolean => tissue[voxelClass[n] ?? 0] !== MARROW;
  const nearEdge = (n: number, p: number, limit: number, stride: number, r: number): boolean => {
    for (let q = 1; q <= r; q++) {
      if (p - q >= 0 && notBone(n - q * stride)) return true;
      if (p + q < limit && notBone(n + q * stride)) return true;
    }
    return false;
  };
  // One row at a time, in its own function: it is optimised after a few rows and stays so.
  const state = random.state;
  const composeRow = (j: number, k: number): void => {
    const row = nx * (j + ny * k);
    // sfc32 state in locals (see Sfc32.nextUint32), stored back after the row.
    let a = state[0] ?? 0;
    let b = state[1] ?? 0;
    let c = state[2] ?? 0;
    let d = state[3] ?? 0;
    for (let i = 0; i < nx; i++) {
      const n = row + i;
      const r = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + r) | 0;
      const o = (sampleIndex[i] ?? 0) * FIELD_COUNT;
      const w = sampleWeight[i] ?? 0;
      const cls = voxelClass[n] ?? 0;
      let t = tissue[cls] ?? UNLABELLED;
      let value: number;
      if (t === UNLABELLED) {
        const m = at(o, w, FIELD_MARGIN);
        if (m <= 0) {
          padded[radius + i] = air; // no texture, no bias: noise alone will show
          continue;
        }
        const region = at(o, w, FIELD_REGION);
        if (m < SKIN_MM) {
          t = SKIN;
          value = skin;
        } else if (m < SKIN_MM + Math.max(1.5, 4 + 2 * region)) {
          // Subcutaneous fat, crossed by thin fibrous strands.
          t = FAT;
          value = fat + (fibrous - fat) * 0.5 * smoothstep(1.5, 2.3, at(o, w, FIELD_STREAK));
        } else {
          const plane = 0.8 * (1 - smoothstep(0.02, 0.07, Math.abs(at(o, w, FIELD_SEPTA))));
          const streak = 0.4 * smoothstep(1.0, 1.8, at(o, w, FIELD_STREAK));
          const fatty = Math.max(plane, streak, smoothstep(0.8, 1.4, region));
          value = muscle + (fat - muscle) * fatty;
        }
      } else if (t === MUSCLE) {
        const streak = 0.4 * smoothstep(1.0, 1.8, at(o, w, FIELD_STREAK));
        value = (muscle + (fat - muscle) * streak) * (gain[cls] ?? 1);
      } else {
        if (
          t === MARROW &&
          (nearEdge(n, i, nx, 1, ri) || nearEdge(n, j, ny, sj, rj) || nearEdge(n, k, nz, sk, rk))
        ) {
          t = CORTEX;
        }
        value = (mean[t] ?? 0) * (gain[cls] ?? 1);
      }
      const texture =
        1 + (fine[t] ?? 0) * (table[r & mask] ?? 0) + (smooth[t] ?? 0) * at(o, w, FIELD_TEXTURE);
      padded[radius + i] = Math.max(0, value * texture) * at(o, w, FIELD_BIAS);
    }
    state[0] = a;
    state[1] = b;
    state[2] = c;
    state[3] = d;
    const first = padded[radius] ?? 0;
    const last = padded[radius + nx - 1] ?? 0;
    for (let p = 0; p < radius; p++) {
      padded[p] = first;
      padded[radius + nx + p] = last;
    }
    convolveLine(padded, nx, kernel, image, row);
  };
  for (let k = 0; k < nz; k++) {
    evaluator.plane(k);
    for (let j = 0; j < ny; j++) {
      evaluator.row(j, f);
      composeRow(j, k);
    }
  }
}

/** A row callback adding Rician noise: |signal + σ·(n₁ + i·n₂)|, n₁ and n₂ standard normal. */
function ricianNoise(
  image: Float32Array,
  rowLength: number,
  sigma: number,
  random: Sfc32,
): (offset: number) => void {
  const table = NORMAL_TABLE;
  const mask = table.length - 1;
  const shift = NORMAL_TABLE_BITS;
  const state = random.state;
  return (offset: number): void => {
    let a = state[0] ?? 0;
    let b = state[1] ?? 0;
    let c = state[2] ?? 0;
    let d = state[3] ?? 0;
    for (let n = offset; n < offset + rowLength; n++) {
      const r = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + r) | 0;
      const re = (image[n] ?? 0) + sigma * (table[r & mask] ?? 0);
      const im = sigma * (table[(r >>> shift) & mask] ?? 0);
      image[n] = Math.sqrt(re * re + im * im);
    }
    state[0] = a;
    state[1] = b;
    state[2] = c;
    state[3] = d;
  };
}
