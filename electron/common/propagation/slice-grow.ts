/**
 * Carrying an object from one slice to the next by seeded region growing (the 'grow' method,
 * grow-propagator.ts; issue 18): the previous slice's mask, shrunk by a pixel, seeds the object
 * where the next slice's intensity still looks like the object's; everything outside a band around
 * the previous mask seeds the background; GrowCut's shortest-path competition (growcut.ts, what
 * 3D Slicer's "Grow from seeds" runs) decides the band. The object ends where no seed survives.
 *
 * Why: the memory network drifts on objects whose look it never learned (from one given slice the
 * lateral ventricle of the FreeSurfer brain scored 21 % Dice, the network tracking a neighbour),
 * while an object that differs from its surroundings in intensity can be followed by intensity
 * alone. The default ('auto') checks which of the two suits an object (auto-propagator.ts).
 *
 * Intensities are the slice mapped to [0, 1] by the volume's robust range and smoothed 3×3 (as the
 * classical click segmenter does); the object's mean and spread come from the run's origin slice.
 * Pure: no runtime-specific code.
 */
import { squaredEdt } from '../click/edt';
import { robustRange, unitScale } from '../click/normalize';
import { box3Within, growFromSeeds, SeedList, type PixelBox } from '../segmenters/growcut';
import type { SliceLayout } from '../slice';
import type { VoxelArray } from '../volume';

export interface GrowSettings {
  /** A carried-over pixel seeds the object only within this many spreads of the object's mean. */
  readonly seedWindow: number;
  /** The grown mask keeps only pixels within this many spreads of the object's mean. */
  readonly keepWindow: number;
  /** The band the object may move into: this fraction of its equivalent radius (at least 2 pixels). */
  readonly bandFraction: number;
  /** The previous mask is shrunk by this many pixels before it seeds the object. */
  readonly coreRadius: number;
  /** The object has ended when fewer seeds than this fraction of the previous area survive (at least 3). */
  readonly minSeedFraction: number;
  /** GrowCut's path costs (growcut.ts). */
  readonly edgeWeight: number;
  readonly lengthWeight: number;
}

/**
 * Chosen on training-source volumes only (TotalSegmentator CT 1/2/5 and MR 1/2/5/46 axial, CLAIR
 * knee 1/2/4 sagittal, FreeSurfer 4/10/11/17 axial; one given slice, the middle of the object):
 * mean not-given Dice with seedWindow 1.5 and bandFraction 0.3, keepWindow off 66.1 %, 2.5 69.9 %,
 * 2 71.2 %, 1.5 72.8 %; seedWindow 2.5 (keepWindow off) 63.2 %; bandFraction 0.2 with keepWindow 2:
 * 73.2 % (the memory network on the same 14: 57.1 %). A per-slice growth cap (1.3× or 1.5× the
 * previous area) changed nothing that the windows had not. The window trims an object's blurred
 * rim (a crisp box loses its outer pixel ring); giving back the grown pixels next to kept ones
 * lost more on these volumes than it won (69.7 %).
 */
export const DEFAULT_GROW: GrowSettings = {
  seedWindow: 1.5,
  keepWindow: 2,
  bandFraction: 0.2,
  coreRadius: 1,
  minSeedFraction: 0.05,
  edgeWeight: 1,
  lengthWeight: 0.004,
};

/** The object's intensity on its origin slice ([0, 1] units; the spread is at least MIN_SPREAD). */
export interface ObjectIntensity {
  readonly mean: number;
  readonly spread: number;
}

/** A flat object (a label drawn on a uniform region) still admits small intensity changes. */
const MIN_SPREAD = 0.02;

/**
 * Percentiles from about this many voxels: a fixed-stride sample, never a copy of the volume. The
 * stride is odd, so that it does not divide a row or slice length and keep landing on the same
 * columns (an even stride of 64 sampled 4 columns of a 256³ brain, and the range it gave lost
 * FreeSurfer's putamen: 69.5 → 19.3 % Dice).
 */
const RANGE_SAMPLES = 1 << 20;
const ranges = new WeakMap<VoxelArray, readonly [number, number]>();

/**
 * The 0.5th and 99.5th percentiles of a volume's voxels (what unitReader maps to [0, 1]), computed
 * once per voxel array: the gate's trials and runs of one request share it.
 */
export function volumeRange(voxels: VoxelArray): readonly [number, number] {
  let range = ranges.get(voxels);
  if (range === undefined) {
    const stride = Math.max(1, Math.ceil(voxels.length / RANGE_SAMPLES)) | 1;
    const sample = new Float32Array(Math.ceil(voxels.length / stride));
    for (let i = 0, n = 0; i < voxels.length; i += stride, n++) sample[n] = voxels[i] ?? Number.NaN;
    range = robustRange(sample, 0.5, 99.5);
    ranges.set(voxels, range);
  }
  return range;
}

/**
 * A slice's intensities mapped to [0, 1] by `range` and smoothed 3×3 (growcut.ts `box3` on the whole
 * slice, the same values to the bit), read one box at a time: growing only looks near the object,
 * and mapping and smoothing whole 384² slices for every run and every gate trial was a fifth of
 * growing's time on a knee femur.
 */
export type UnitReader = (box: PixelBox) => Float32Array;

export function unitReader(voxels: ArrayLike<number>, layout: SliceLayout, slice: number, range: readonly [number, number]): UnitReader {
  const { width, height, strides } = layout;
  const [ss, sx, sy] = strides;
  const [low, high] = range;
  return ({ x0, y0, x1, y1 }) => {
    // The box and the one-pixel ring its smoothing reads, clipped to the slice as box3 clips.
    const rx0 = Math.max(0, x0 - 1);
    const ry0 = Math.max(0, y0 - 1);
    const rx1 = Math.min(width - 1, x1 + 1);
    const ry1 = Math.min(height - 1, y1 + 1);
    const rw = rx1 - rx0 + 1;
    const ring = new Float32Array(rw * (ry1 - ry0 + 1));
    for (let y = ry0; y <= ry1; y++) {
      for (let x = rx0, at = (y - ry0) * rw, index = slice * ss + y * sy + x * sx; x <= rx1; x++, at++, index += sx) ring[at] = unitScale(voxels[index] ?? 0, low, high);
    }
    return box3Within(ring, { x0: rx0, y0: ry0, x1: rx1, y1: ry1 }, width, height, { x0, y0, x1, y1 });
  };
}

/** Mean and spread of the intensities under `mask` (0/non-zero, width × height); undefined for an empty mask. */
export function objectIntensity(unit: UnitReader, mask: Uint8Array, width: number, height: number): ObjectIntensity | undefined {
  const crop = cropAround(mask, width, height, 0);
  if (crop === undefined) return undefined;
  const values = unit(crop.box);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < crop.mask.length; i++) {
    if (crop.mask[i] === 0) continue;
    sum += values[i] ?? 0;
    count++;
  }
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < crop.mask.length; i++) if (crop.mask[i] !== 0) squares += ((values[i] ?? 0) - mean) ** 2;
  return { mean, spread: Math.max(MIN_SPREAD, Math.sqrt(squares / count)) };
}

/**
 * The object on the next slice (`unit` reads its intensities), grown from `previous` (0/non-zero,
 * width × height); all zeros once the object has ended there.
 */
export function growSlice(unit: UnitReader, width: number, height: number, previous: Uint8Array, intensity: ObjectIntensity, settings: GrowSettings = DEFAULT_GROW): Uint8Array {
  const out = new Uint8Array(width * height);
  const area = countSet(previous);
  if (area === 0) return out;
  const band = bandRadius(area, settings.bandFraction);
  // Everything beyond the band is background anyway: the competition runs on a crop around it,
  // whose border is background too.
  const crop = cropAround(previous, width, height, band + 1);
  if (crop === undefined) return out;
  const { mask, width: cw, height: ch } = crop;
  const toObject = squaredDistanceTo(mask, cw, ch, 1);
  const toBackground = squaredDistanceTo(mask, cw, ch, 0);
  const image = unit(crop.box);
  const seeds = new SeedList();
  const lowSeed = intensity.mean - settings.seedWindow * intensity.spread;
  const highSeed = intensity.mean + settings.seedWindow * intensity.spread;
  const bandSquared = band * band;
  const coreSquared = settings.coreRadius * settings.coreRadius;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      const i = y * cw + x;
      if ((toObject[i] ?? 0) > bandSquared || x === 0 || y === 0 || x === cw - 1 || y === ch - 1) seeds.add(i, false);
    }
  }
  let foreground = 0;
  for (let i = 0; i < image.length; i++) {
    const v = image[i] ?? 0;
    // Later placements win: a core pixel on the crop's border (the slice's edge) stays object.
    if ((toBackground[i] ?? 0) > coreSquared && v >= lowSeed && v <= highSeed) {
      seeds.add(i, true);
      foreground++;
    }
  }
  if (foreground < Math.max(3, settings.minSeedFraction * area)) return out;
  const grown = growFromSeeds(image, cw, ch, seeds, settings);
  const lowKeep = intensity.mean - settings.keepWindow * intensity.spread;
  const highKeep = intensity.mean + settings.keepWindow * intensity.spread;
  for (let i = 0; i < grown.length; i++) {
    const v = image[i] ?? 0;
    if (grown[i] === 1 && v >= lowKeep && v <= highKeep) out[crop.toSlice(i)] = 1;
  }
  return out;
}

/** Pixels set (non-zero) in a mask. */
export function countSet(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

function bandRadius(area: number, fraction: number): number {
  return Math.max(2, Math.round(fraction * Math.sqrt(area / Math.PI)));
}

interface Crop {
  /** 1 where the slice's mask is set, within the crop. */
  readonly mask: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** Where it lies on the slice. */
  readonly box: PixelBox;
  /** The slice pixel of crop pixel `i`. */
  toSlice(i: number): number;
}

/** The mask's bounding box grown by `margin` pixels (clipped to the slice); undefined for an empty mask. */
function cropAround(mask: Uint8Array, width: number, height: number, margin: number): Crop | undefined {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x] === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (x1 < 0) return undefined;
  x0 = Math.max(0, x0 - margin);
  y0 = Math.max(0, y0 - margin);
  x1 = Math.min(width - 1, x1 + margin);
  y1 = Math.min(height - 1, y1 + margin);
  const cw = x1 - x0 + 1;
  const ch = y1 - y0 + 1;
  const cropped = new Uint8Array(cw * ch);
  for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) cropped[y * cw + x] = mask[(y + y0) * width + x + x0] === 0 ? 0 : 1;
  return { mask: cropped, width: cw, height: ch, box: { x0, y0, x1, y1 }, toSlice: (i) => (y0 + Math.floor(i / cw)) * width + x0 + (i % cw) };
}

/**
 * Squared Euclidean distance from every pixel to the nearest pixel whose mask value is `target`
 * (0 or non-zero; Infinity where there is none): the click protocol's exact transform
 * (click/edt.ts) of the mask or of its complement. Exported for tests.
 */
export function squaredDistanceTo(mask: Uint8Array, width: number, height: number, target: 0 | 1): Float64Array {
  return squaredEdt(target === 0 ? mask : mask.map((v) => (v === 0 ? 1 : 0)), width, height, false);
}
