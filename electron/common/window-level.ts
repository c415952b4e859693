/**
 * Window/level: a robust initial setting from a histogram of the voxels, presets, and the
 * right-drag adjustment. Pure functions over typed arrays; the voxel buffer is read in place.
 */
import type { VoxelArray } from './volume';

export interface WindowLevel {
  readonly window: number;
  readonly level: number;
}

export interface Histogram {
  /** Value at the lower edge of bin 0 and the width of every bin. */
  readonly min: number;
  readonly binWidth: number;
  readonly counts: Uint32Array;
  /** Voxels counted (NaNs and infinities are skipped). */
  readonly total: number;
}

export interface HistogramOptions {
  /** Bins for float data or wide integer ranges; integer data with a narrower range gets one bin per value. */
  readonly bins?: number;
  /** At most this many voxels are read, evenly strided; 0 reads them all. */
  readonly maxSamples?: number;
}

const DEFAULT_BINS = 4096;
const DEFAULT_MAX_SAMPLES = 1 << 22;

function isIntegerArray(voxels: VoxelArray): boolean {
  return !(voxels instanceof Float32Array || voxels instanceof Float64Array);
}

/**
 * Histogram of `voxels` over `range` (the volume's [min, max]). Reads the buffer once without
 * copying it; very large volumes are sampled with an odd stride so that rows are not aliased.
 */
export function histogram(
  voxels: VoxelArray,
  range: readonly [number, number],
  options: HistogramOptions = {},
): Histogram {
  const [lo, hi] = range[0] <= range[1] ? range : [range[1], range[0]];
  const integer = isIntegerArray(voxels);
  const span = hi - lo;
  let bins = options.bins ?? DEFAULT_BINS;
  let min = lo;
  let binWidth: number;
  if (integer && span + 1 <= bins) {
    // One bin per integer value, centred on it.
    bins = span + 1;
    min = lo - 0.5;
    binWidth = 1;
  } else if (span > 0) {
    binWidth = span / bins;
  } else {
    // A flat image: one bin centred on its value.
    bins = 1;
    min = lo - 0.5;
    binWidth = 1;
  }
  const counts = new Uint32Array(Math.max(1, bins));
  const maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
  let stride = maxSamples > 0 ? Math.ceil(voxels.length / maxSamples) : 1;
  if (stride > 1 && stride % 2 === 0) stride += 1;
  const binning: Binning = { min, binWidth, stride, counts };
  const total =
    voxels instanceof Float32Array || voxels instanceof Float64Array
      ? countFloats(voxels, binning)
      : voxels instanceof Uint32Array || voxels instanceof Int32Array
        ? countWideIntegers(voxels, binning)
        : countNarrowIntegers(voxels, binning);
  return { min, binWidth, counts, total };
}

interface Binning {
  readonly min: number;
  readonly binWidth: number;
  readonly stride: number;
  readonly counts: Uint32Array;
}

// One loop per array-type family, as in volume-stats.ts: an element access that has seen more
// than four array types runs megamorphic, several times slower, and this runs before the first draw.
function countFloats(voxels: Float32Array | Float64Array, { min, binWidth, stride, counts }: Binning): number {
  const last = counts.length - 1;
  let total = 0;
  for (let n = 0; n < voxels.length; n += stride) {
    const v = voxels[n] ?? NaN;
    if (!Number.isFinite(v)) continue;
    const raw = Math.floor((v - min) / binWidth);
    const bin = raw < 0 ? 0 : raw > last ? last : raw;
    counts[bin] = (counts[bin] ?? 0) + 1;
    total++;
  }
  return total;
}

function countNarrowIntegers(voxels: Uint8Array | Int8Array | Uint16Array | Int16Array, { min, binWidth, stride, counts }: Binning): number {
  const last = counts.length - 1;
  let total = 0;
  for (let n = 0; n < voxels.length; n += stride) {
    const raw = Math.floor(((voxels[n] ?? 0) - min) / binWidth);
    const bin = raw < 0 ? 0 : raw > last ? last : raw;
    counts[bin] = (counts[bin] ?? 0) + 1;
    total++;
  }
  return total;
}

function countWideIntegers(voxels: Uint32Array | Int32Array, { min, binWidth, stride, counts }: Binning): number {
  const last = counts.length - 1;
  let total = 0;
  for (let n = 0; n < voxels.length; n += stride) {
    const raw = Math.floor(((voxels[n] ?? 0) - min) / binWidth);
    const bin = raw < 0 ? 0 : raw > last ? last : raw;
    counts[bin] = (counts[bin] ?? 0) + 1;
    total++;
  }
  return total;
}

/** The value below which a fraction `p` (0–1) of the counted voxels lie, interpolated within its bin. */
export function percentile(h: Histogram, p: number): number {
  if (h.total === 0) return h.min;
  const target = Math.min(1, Math.max(0, p)) * h.total;
  let cumulative = 0;
  for (let bin = 0; bin < h.counts.length; bin++) {
    const count = h.counts[bin] ?? 0;
    if (count > 0 && cumulative + count >= target) {
      const fraction = (target - cumulative) / count;
      return h.min + (bin + fraction) * h.binWidth;
    }
    cumulative += count;
  }
  return h.min + h.counts.length * h.binWidth;
}

/** A window spanning [low, high]; never narrower than `minWindow`. */
export function windowFromRange(low: number, high: number, minWindow = 1e-6): WindowLevel {
  const window = Math.max(minWindow, high - low);
  return { window, level: (low + high) / 2 };
}

/**
 * Drops the lowest bin when it holds at least `fraction` of the voxels: the zero (or −1024) padding
 * around an MR or CT scan would otherwise pull the percentiles down into the background.
 */
export function withoutBackground(h: Histogram, fraction = 0.2): Histogram {
  const first = h.counts[0] ?? 0;
  if (h.total === 0 || first < fraction * h.total || first === h.total) return h;
  const counts = h.counts.slice();
  counts[0] = 0;
  return { ...h, counts, total: h.total - first };
}

/**
 * From the 1st percentile of all voxels to the 99th percentile of those above a dominant background
 * (so the background stays black and tissue is not saturated), falling back to the full range when
 * the image is nearly flat.
 */
export function robustWindowLevel(
  h: Histogram,
  range: readonly [number, number],
  lowP = 0.01,
  highP = 0.99,
): WindowLevel {
  let low = percentile(h, lowP);
  let high = percentile(withoutBackground(h), highP);
  if (!(high - low > 0)) {
    low = range[0];
    high = range[1];
  }
  return windowFromRange(low, high, minimumWindow(range));
}

/** The narrowest window worth showing for a data range. */
export function minimumWindow(range: readonly [number, number]): number {
  return Math.max(1e-6, Math.abs(range[1] - range[0]) * 1e-4);
}

export type PresetId = 'auto' | 'full' | 'mr-wide' | 'mr-narrow' | 'ct-soft' | 'ct-lung' | 'ct-bone' | 'ct-brain';

/** Which presets an image gets. */
export type Modality = 'CT' | 'MR' | 'other';

export interface Preset {
  readonly id: PresetId;
  readonly label: string;
  /** A fixed setting (CT, in Hounsfield units)… */
  readonly value?: WindowLevel;
  /** …or percentiles of the image's voxels (0–1); neither: the full range. */
  readonly percentiles?: readonly [number, number];
  readonly modalities: readonly Modality[];
}

const ALL: readonly Modality[] = ['CT', 'MR', 'other'];

export const PRESETS: readonly Preset[] = [
  { id: 'auto', label: 'Auto (1–99 %)', percentiles: [0.01, 0.99], modalities: ALL },
  { id: 'mr-wide', label: 'MR wide (0.5–99.8 %)', percentiles: [0.005, 0.998], modalities: ['MR'] },
  { id: 'mr-narrow', label: 'MR contrast (5–95 %)', percentiles: [0.05, 0.95], modalities: ['MR'] },
  { id: 'ct-soft', label: 'CT soft tissue', value: { window: 400, level: 40 }, modalities: ['CT'] },
  { id: 'ct-lung', label: 'CT lung', value: { window: 1500, level: -600 }, modalities: ['CT'] },
  { id: 'ct-bone', label: 'CT bone', value: { window: 1800, level: 400 }, modalities: ['CT'] },
  { id: 'ct-brain', label: 'CT brain', value: { window: 80, level: 40 }, modalities: ['CT'] },
  { id: 'full', label: 'Full range', modalities: ALL },
];

/** A volume whose range reaches down to air in Hounsfield units is treated as CT. */
export function looksLikeCt(range: readonly [number, number]): boolean {
  return range[0] <= -900 && range[1] >= 300;
}

/**
 * The image's modality for the presets: the DICOM Modality (0008,0060) when the image came from a
 * DICOM series; otherwise (NIfTI, NRRD… carry none) CT when the range reaches air in Hounsfield
 * units, else MR, the app's main use.
 */
export function imageModality(dicomModality: string | undefined, range: readonly [number, number]): Modality {
  const tag = dicomModality?.trim().toUpperCase() ?? '';
  if (tag === 'CT' || tag === 'MR') return tag;
  if (tag !== '') return 'other';
  return looksLikeCt(range) ? 'CT' : 'MR';
}

export function presetsFor(modality: Modality): readonly Preset[] {
  return PRESETS.filter((p) => p.modalities.includes(modality));
}

/**
 * The setting a preset stands for: its fixed value, its percentiles of `h` (the image's
 * histogram; the automatic setting when there is none), or the full range.
 */
export function presetValue(id: PresetId, auto: WindowLevel, range: readonly [number, number], h?: Histogram): WindowLevel {
  const preset = PRESETS.find((p) => p.id === id);
  if (id === 'auto' || preset === undefined) return auto;
  if (preset.value !== undefined) return preset.value;
  if (preset.percentiles !== undefined)
    return h === undefined ? auto : robustWindowLevel(h, range, preset.percentiles[0], preset.percentiles[1]);
  return windowFromRange(range[0], range[1], minimumWindow(range));
}

/**
 * A typed window and level: numbers, a window wider than the narrowest the range allows. Returns
 * the setting or a sentence saying what is wrong.
 */
export function parseWindowLevel(windowText: string, levelText: string, range: readonly [number, number]): WindowLevel | string {
  const window = Number(windowText.trim());
  const level = Number(levelText.trim());
  if (windowText.trim() === '' || !Number.isFinite(window)) return `The window must be a number (got "${windowText}").`;
  if (levelText.trim() === '' || !Number.isFinite(level)) return `The level must be a number (got "${levelText}").`;
  const narrowest = minimumWindow(range);
  if (window < narrowest) return `The window must be at least ${formatNumber(narrowest)}.`;
  return { window, level };
}

/**
 * Right-drag adjustment: dragging right widens the window (less contrast), dragging down raises the
 * level (darker image). The full data range is covered by about `pixelsForRange` pixels of drag.
 */
export function dragWindowLevel(
  start: WindowLevel,
  dx: number,
  dy: number,
  range: readonly [number, number],
  pixelsForRange = 600,
): WindowLevel {
  const perPixel = Math.max(Math.abs(range[1] - range[0]), 1e-6) / pixelsForRange;
  return {
    window: Math.max(minimumWindow(range), start.window + dx * perPixel),
    level: start.level + dy * perPixel,
  };
}

/** Compact text for a window/level value, e.g. "W 400  L 40". */
export function formatWindowLevel(wl: WindowLevel): string {
  return `W ${formatNumber(wl.window)}  L ${formatNumber(wl.level)}`;
}

export function formatNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 100 || Number.isInteger(v)) return Math.round(v).toString();
  if (a >= 1) return v.toFixed(1);
  return v.toPrecision(3);
}
