/**
 * Collects per-segment probabilities slice by slice and keeps the merged label map up to date, so
 * each method only says "label L on slice s has these probabilities" and streams the result.
 * The merged slices are kept one by one, over the seeds, which are never written: a run holds only
 * the slices it decided, not a copy of the label volume (issue 19), and the gate's trial runs, which
 * decide one slice each, cost a slice. `labelsVolume()` builds the whole map only for a caller that
 * asks (the CLI, evaluations); the inference worker streams the slices instead.
 */
import { ServiceError } from '../errors';
import type { Volume, VoxelArray } from '../volume';
import { mergeSegments, type SegmentProbability } from './merge';
import type { CancelSignal, PropagationOutcome, SliceListener } from './propagator';
import { readSlice, sliceLayout, writeSlice, type IndexAxis, type SliceLayout } from '../slice';
import { areasOfSlices, labelsPresent } from './slices';
import { areaDrops, areasAndShapeChangesOfSlices, endProximity, rankSuspectSlices, type SegmentEvidence, type SuspectSlice } from './suspect';

export class LabelAssembler {
  readonly layout: SliceLayout;
  /** The merged slices decided so far, in the output's label type. */
  private readonly merged = new Map<number, Uint8Array | Uint16Array>();
  /** Whether the output needs 16-bit labels (the seeds hold a value above 255). */
  private readonly wide: boolean;
  private volume: Volume | undefined;
  private readonly probabilities = new Map<number, Map<number, Uint8Array>>();
  private readonly disagreement = new Map<number, Map<number, number>>();
  private readonly uncertainty = new Map<number, Map<number, number>>();
  private readonly writtenPerLabel = new Map<number, Set<number>>();
  private readonly writtenSlices = new Set<number>();
  /** The seeds' slice under each commit, reused (mergeSegments returns a new slice). */
  private readonly base: Uint8Array | Uint16Array;
  private done = 0;

  constructor(
    private readonly seeds: Volume,
    axis: IndexAxis,
    private readonly locked: ReadonlySet<number>,
    private readonly overwriteOthers: boolean,
    readonly total: number,
    private readonly onSlice: SliceListener | undefined,
    private readonly threshold = 0.5,
  ) {
    this.layout = sliceLayout(seeds.geometry.size, axis);
    this.wide = needsWideLabels(seeds);
    this.base = this.newSlice();
  }

  get pixels(): number {
    return this.layout.width * this.layout.height;
  }

  /** Label `label` on slice `slice` is final with these probabilities (0–1 floats or 0–255). */
  commit(label: number, slice: number, probability: Float32Array | Uint8Array): void {
    const quantised = probability instanceof Uint8Array ? probability : quantise(probability);
    let perSlice = this.probabilities.get(label);
    if (!perSlice) this.probabilities.set(label, (perSlice = new Map<number, Uint8Array>()));
    perSlice.set(slice, quantised);
    this.writtenSlices.add(slice);
    perLabel(this.writtenPerLabel, label, () => new Set<number>()).add(slice);
    const segments: SegmentProbability[] = [];
    for (const [l, slices] of this.probabilities) {
      const p = slices.get(slice);
      if (p) segments.push({ label: l, probability: p });
    }
    const base = readSlice(this.seeds.voxels, this.layout, slice, this.base);
    const merged = mergeSegments(base, segments, { locked: this.locked, overwriteOthers: this.overwriteOthers, threshold: this.threshold });
    this.merged.set(slice, merged);
    this.volume = undefined;
    this.done++;
    this.onSlice?.({ slice, label, labels: merged, done: this.done, total: this.total });
  }

  noteDisagreement(label: number, slice: number, oneMinusDice: number): void {
    perLabel(this.disagreement, label, () => new Map<number, number>()).set(slice, oneMinusDice);
  }

  /** The model's uncertainty on a slice it decided (suspect.ts uncertaintyOf). */
  noteUncertainty(label: number, slice: number, uncertainty: number): void {
    perLabel(this.uncertainty, label, () => new Map<number, number>()).set(slice, uncertainty);
  }

  /** The current merged labels of one slice (width × height). */
  currentSlice(slice: number): Uint8Array | Uint16Array {
    const merged = this.merged.get(slice);
    return merged ? merged.slice() : readSlice(this.seeds.voxels, this.layout, slice, this.newSlice());
  }

  get written(): number[] {
    return [...this.writtenSlices].sort((a, b) => a - b);
  }

  /** The whole merged label map (the seeds with the decided slices written), built on first call after a change. */
  labelsVolume(): Volume {
    this.volume ??= labelsWrittenOver(this.seeds, this.layout, this.merged, this.wide);
    return this.volume;
  }

  private newSlice(): Uint8Array | Uint16Array {
    return this.wide ? new Uint16Array(this.pixels) : new Uint8Array(this.pixels);
  }

  /** What the suspect flags are made of, per label, for the slices this propagation wrote. */
  evidence(labels: readonly number[]): SegmentEvidence[] {
    return labels.map((label) => {
      const uncertainty = this.uncertainty.get(label);
      const written = this.writtenPerLabel.get(label) ?? new Set<number>();
      const sliceAt = (slice: number, scratch: VoxelArray): ArrayLike<number> => this.merged.get(slice) ?? readSlice(this.seeds.voxels, this.layout, slice, scratch);
      const { areas, shapeChange } = areasAndShapeChangesOfSlices(this.layout, label, sliceAt, [this.newSlice(), this.newSlice()]);
      // The user's slices: those of the seeds holding the label that this propagation left alone
      // (only the slices it did not write are counted: usually a few, not the volume).
      const untouched = Array.from({ length: this.layout.count }, (_, s) => s).filter((s) => !written.has(s));
      const seeded = areasOfSlices(this.seeds.voxels, this.layout, label, untouched);
      const annotated = untouched.filter((s) => (seeded[s] ?? 0) > 0);
      return {
        label,
        areas,
        objectEnd: endProximity(areas, annotated),
        areaDrop: areaDrops(areas, annotated),
        disagreement: this.disagreement.get(label) ?? new Map<number, number>(),
        shapeChange,
        ...(uncertainty ? { uncertainty } : {}),
        written,
      };
    });
  }

  suspects(labels: readonly number[], evidence: readonly SegmentEvidence[] = this.evidence(labels)): SuspectSlice[] {
    return rankSuspectSlices(evidence, { limit: 50 });
  }

  /**
   * A propagator's outcome over what was committed here; the label map is built only if read (the
   * CLI, evaluations): the worker streams the decided slices instead.
   */
  outcome(run: OutcomeFields, evidence?: () => readonly SegmentEvidence[]): PropagationOutcome {
    const labelsVolume = (): Volume => this.labelsVolume();
    // Suspects read every slice of the label map: computed when first read, never for the auto
    // gate's trial runs, whose outcomes only give one slice.
    let suspects: SuspectSlice[] | undefined;
    const suspectsOnce = (): SuspectSlice[] => (suspects ??= this.suspects(run.propagated, evidence?.()));
    return {
      get labels() {
        return labelsVolume();
      },
      get suspects() {
        return suspectsOnce();
      },
      ...run,
      written: this.written,
    };
  }
}

/** The seeds (a copy, 16-bit where `wide`) with each decided slice's merged labels written over them. */
export function labelsWrittenOver(seeds: Volume, layout: SliceLayout, planes: Iterable<[number, ArrayLike<number>]>, wide: boolean): Volume {
  const source = seeds.voxels;
  const voxels = wide ? new Uint16Array(source) : source instanceof Uint8Array ? source.slice() : new Uint8Array(source);
  for (const [slice, plane] of planes) writeSlice(voxels, layout, slice, plane);
  return { geometry: seeds.geometry, componentType: wide ? 'uint16' : 'uint8', voxels };
}

/** What a propagator adds to its assembler's outcome. */
export type OutcomeFields = Omit<PropagationOutcome, 'labels' | 'written' | 'suspects'>;

function perLabel<T>(map: Map<number, T>, label: number, make: () => T): T {
  let value = map.get(label);
  if (value === undefined) map.set(label, (value = make()));
  return value;
}

/** Whether the output needs 16-bit labels: the smallest label type that holds the seeds. */
function needsWideLabels(seeds: Volume): boolean {
  const voxels = seeds.voxels;
  if (voxels instanceof Uint8Array) return false;
  for (let i = 0; i < voxels.length; i++) if ((voxels[i] as number) > 255) return true;
  return false;
}

export function quantise(probability: Float32Array): Uint8Array {
  const out = new Uint8Array(probability.length);
  for (let i = 0; i < probability.length; i++) {
    const p = probability[i] as number;
    // (p·255 + 0.5) | 0 is Math.round for 0 < p < 1, without the call.
    out[i] = p <= 0 ? 0 : p >= 1 ? 255 : (p * 255 + 0.5) | 0;
  }
  return out;
}

export function throwIfCancelled(signal: CancelSignal | undefined): void {
  if (signal?.aborted) throw new ServiceError('cancelled', 'The propagation was cancelled.');
}

/** Labels to propagate: the requested ones, else every label in the seeds; locked ones never. */
export function labelsToPropagate(seeds: Volume, requested: readonly number[] | undefined, locked: ReadonlySet<number>): number[] {
  const present = requested ? [...new Set(requested)] : labelsPresent(seeds.voxels);
  return present.filter((l) => !locked.has(l)).sort((a, b) => a - b);
}

/** Checks that seeds and image share a size and the seeds hold integer labels. */
export function checkInputs(image: Volume, seeds: Volume): void {
  const a = image.geometry.size;
  const b = seeds.geometry.size;
  if (a[0] !== b[0] || a[1] !== b[1] || a[2] !== b[2]) {
    throw new ServiceError('geometry-mismatch', `The seeds (${b.join('×')}) do not match the image (${a.join('×')}).`);
  }
  if (seeds.componentType === 'float32' || seeds.componentType === 'float64') {
    throw new ServiceError('bad-request', 'The seeds must be an integer label map.');
  }
}
