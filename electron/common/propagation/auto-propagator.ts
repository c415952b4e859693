/**
 * The app's default propagation ('auto'): per object, a gate chooses from the user's own slices
 * between contour interpolation and the consensus of the three methods — the memory network,
 * interpolation and growing slice to slice (grow-propagator.ts) — where a pixel is the object's if
 * at least two of them say so (issue 18). On real brain scans interpolation won between annotated
 * slices at every distance while memory won on knee cartilage, and growing wins where the object
 * differs from its surroundings; where one of them fails the other two outvote it.
 *
 * The gate, per label with ≥ 2 slices holding it (the "given" slices):
 * - ≥ 3 given: each interior given slice is held out in turn and predicted from the others by the
 *   three methods, and their consensus is formed from those predictions (majorityMask); the
 *   consensus runs between the outermost given slices unless interpolation's mean Dice beats its
 *   by more than CONSENSUS_MARGIN; where memory or growing alone beats both by SOLO_MARGIN (the
 *   other two failed the held-out slices and would outvote it), that one runs alone everywhere,
 *   with its own stop.
 * - 2 given, or no interior one at least 2 slices from both neighbours (a correction next to an
 *   earlier slice): the outermost ones at least 2 from their nearest given slice are predicted
 *   from the rest; interpolation cannot extrapolate, so it is scored (and votes) as that nearest
 *   slice copied (what it approaches next to an end). A slice next to a given neighbour is held out
 *   only when no other can be (densely given slices).
 * Past the outermost given slices, where interpolation adds nothing, the consensus is where memory
 * and growing agree: memory's run past an object's end (its stop rule is late) and growing's leaks
 * into a neighbour of like intensity are each cut by the other.
 * One given slice: growing, or the consensus of memory and growing, whichever comes back closer to
 * the user's slice after propagating a few slices out and back (CYCLE_SLICES; memory's own run
 * stands for the consensus there).
 *
 * Why these rules (issue 18), from the training-source volumes only: see CONSENSUS_MARGIN.
 * Composition only: the three methods come in through the `Propagator` interface, so this runs
 * wherever they do (the worker, the CLI) and imports no runtime-specific code.
 */
import { LabelAssembler, throwIfCancelled } from './assembler';
import { GrowPropagator } from './grow-propagator';
import { binaryDice } from './metrics';
import { countSet } from './slice-grow';
import type { SliceRange } from './plan';
import type { PropagateOptions } from './options';
import type { CancelSignal, PropagationOutcome, PropagationTimings, Propagator, SliceListener } from './propagator';
import { planRequest, totalWrites, type SegmentTask } from './segments';
import { readSlice, sliceLayout, writeSlice, type SliceLayout } from '../slice';
import type { Volume } from '../volume';

/**
 * The consensus runs between the given slices unless interpolation's held-out Dice beats its by
 * more than this. Chosen on training-source volumes only: 69 cells (TotalSegmentator CT 1/2/5 and
 * MR 1/2/5/46, CLAIR knee 1/2/4, FreeSurfer 10/11/17, and the SPL knee atlas simulated with random
 * tissue tables, seeds 11 and 12: femur, tibia, patella, femoral and tibial cartilage; each at
 * 3/5/10 given; `node scripts/gate-margin-sweep.mjs`), mean not-given Dice, cells below
 * interpolation alone: consensus always (margin 1) 88.37 %, 5 below (at 10 given, where
 * interpolation is tight and the consensus adds pixels at the edges: down to −.020); 0.02: 88.42 %,
 * 5 below; **0: 88.51 %, 3 below** (−.012, −.004, −.003); −0.01 (interpolation on near-ties):
 * 88.28 %; −0.03: 88.26 %, 2 below; −0.1: 87.81 %. The step from 0 to −0.01 is exact ties, most of
 * them where every method failed the held-out slice (Dice 0 all round): with the object's own end
 * slices given (3D Slicer's habit; the 45 non-SPL-seed cells, `--placement ends`) 0 gives 83.81 %
 * and −0.01 to −0.03 78.8 %, with interpolation .17–.65 below memory on 8 cells at 3 given. So ties
 * go to the consensus (first set at −0.03; looked at again, with SOLO_MARGIN, after the first dev
 * benchmark run). The gate it replaced (one method between, chosen on the same trials, and
 * memory or growing past the ends only where an end slice's own prediction
 * reached 0.875) scored 85.31 % with 2 below interpolation and 9 below memory; on the 30 knee cells
 * 83.14 % against 87.02 % now. The earlier rules' figures: common/propagation/README.md.
 */
export const CONSENSUS_MARGIN = 0;

/**
 * Memory or growing runs alone (everywhere, with its stop) where its held-out Dice beats both the
 * consensus's and interpolation's by this much: with the other two failing the held-out slices,
 * the consensus outvotes the one method that works. On the same 69 training-source cells (with
 * CONSENSUS_MARGIN): never 88.51 %, 0.8 88.59 %, 0.4–0.6 **88.66 %** (growing alone on CLAIR 2 and
 * FreeSurfer 17 at 3 given: held-out .97 and .85 against a consensus of .36 and 0), 0.3 88.47 %
 * (CLAIR 4 too, which loses); the 45 with end slices given: never 83.81 %, 0.35–0.5 84.11 %, 0.6
 * 84.07 %. The cells below interpolation do not change. Prompted by the dev benchmark (MRIcrop
 * label 1 at 3 given: memory 0 and interpolation .05 held out against growing's .92; the
 * consensus scored .71 where growing alone had .89): that dev figure is not a clean one.
 */
export const SOLO_MARGIN = 0.5;

/** The gate's margins (CONSENSUS_MARGIN, SOLO_MARGIN), settable for measurements. */
export interface GateMargins {
  readonly consensus: number;
  readonly solo: number;
}

const DEFAULT_MARGINS: GateMargins = { consensus: CONSENSUS_MARGIN, solo: SOLO_MARGIN };

/**
 * From one given slice nothing can be held out, so memory and growing are each checked out and
 * back: each propagates CYCLE_SLICES slices each way, then from there back to the given slice, and
 * where growing comes back at least as close to the user's slice (Dice, mean of both ways; 0 where
 * it lost the object) it runs; else the consensus of memory and growing (their intersection: no
 * third method votes from one slice). Chosen on training-source volumes only (the 23 structures of
 * CONSENSUS_MARGIN, one given slice in the middle of the object): mean not-given Dice memory alone
 * 65.18 %, growing alone 54.22 %, their intersection 69.19 %; with 3 slices out and back, the rule
 * with memory where memory came back closer 68.33 %, this rule 69.90 % (growing stops memory's run
 * past the object's end, memory stops growing's leaks). The distance: 3 69.90 %, 4 69.82 %, 5
 * 72.03 %, **6 71.09 %**, 8 70.64 %, 12 71.66 % — from 5 on, growing's leak into the tissue beside
 * the SPL knee's medial tibial cartilage shows on the way out (seed 12: growing .02, consensus .52);
 * 6 sits inside that range rather than on its edge. Tried first (2026-12-07): growing where the
 * object stands out from a ring around it on the given slice, 66.0 % on 18 of them.
 */
export const CYCLE_SLICES = 6;

/**
 * From one given slice growing runs alone where it came back closer, but a leak into a neighbour of
 * like intensity can start beyond the slices the out-and-back check reached. On each side, from the
 * first slice where growing's area exceeds this many times the larger of the given slice's and
 * memory's area on that slice, only the pixels memory also holds are kept (the consensus of the
 * two), to that side's end. Chosen on the 23 training-source structures of CYCLE_SLICES (per-slice
 * replay of memory's and growing's own runs): mean not-given Dice 71.09 % without; 1.5 72.40 %
 * (CT 1 −.075, MR 46 −.022: objects that do widen that fast), **2 72.70 %**, 3 72.55 %, none lower at
 * 2 or 3; the one it mends is the SPL knee's femoral cartilage (seed 12, label 83: .06 → .43), where
 * growing had spread to 27,000 pixels a slice from the given slice's 373. Against the given slice's area alone: 2
 * 72.89 %, but an object memory follows as it widens is then cut.
 */
export const LEAK_FACTOR = 2;

/** Out and back from the one given slice: Dice per candidate. */
export interface OneSliceEvidence {
  readonly memory: number;
  readonly grow: number;
}

/** What runs from one given slice (both ways). */
export function oneSliceChoice(evidence: OneSliceEvidence): 'consensus' | 'grow' {
  return evidence.grow >= evidence.memory ? 'grow' : 'consensus';
}

export type GatedMethod = 'interpolation' | 'consensus' | 'memory' | 'grow';
/** What runs beyond the outermost given slices. */
export type OuterMethod = 'consensus' | 'memory' | 'grow';

export interface GateScores {
  /** The given slices that were held out and predicted from the others. */
  readonly heldOut: readonly number[];
  /** Mean Dice on them per method (interpolation with no interior slice held out: the nearest given slice copied). */
  readonly memory: number;
  readonly interpolation: number;
  readonly grow: number;
  /** Of the consensus of the three predictions (majorityMask). */
  readonly consensus: number;
}

/** What the gate chose for one object, as the outcome and the provenance sidecar record it. */
export interface GateDecision {
  readonly label: number;
  /** The method between the outermost given slices. */
  readonly between: GatedMethod;
  /** Below the first and above the last given slice. */
  readonly before: OuterMethod;
  readonly after: OuterMethod;
  /** Absent with fewer than 2 given slices (nothing to hold out). */
  readonly scores?: GateScores;
  /** With one given slice: out and back, the Dice per candidate that chose the method. */
  readonly oneSlice?: OneSliceEvidence;
  /** Growing from one slice: the first slice on each side judged a leak (LEAK_FACTOR); from there outward memory and growing must agree. */
  readonly leakFrom?: LeakStart;
}

/** Where growing from one slice was judged to leak, per side (absent: it did not). */
export interface LeakStart {
  readonly before?: number;
  readonly after?: number;
}

type Sub = (p: Propagator, s: Volume, o: PropagateOptions, listener?: SliceListener) => Promise<PropagationOutcome>;
type Sink = (slice: number, mask: Uint8Array) => void;

export class AutoPropagator implements Propagator {
  readonly method = 'auto' as const;
  /** The gate's decisions of the last request, for measurements. */
  lastDecisions: readonly GateDecision[] = [];

  readonly margins: GateMargins;

  /** @param margins CONSENSUS_MARGIN and SOLO_MARGIN unless a measurement chooses others (iseg eval-propagation --consensus-margin, --solo-margin) */
  constructor(
    readonly memory: Propagator,
    readonly interpolation: Propagator,
    readonly grow: Propagator = new GrowPropagator(),
    margins: Partial<GateMargins> = {},
  ) {
    this.margins = { consensus: margins.consensus ?? DEFAULT_MARGINS.consensus, solo: margins.solo ?? DEFAULT_MARGINS.solo };
  }

  async propagate(image: Volume, seeds: Volume, options: PropagateOptions, onSlice?: SliceListener, signal?: CancelSignal): Promise<PropagationOutcome> {
    const started = Date.now();
    const { locked, labels, layout, tasks } = planRequest(image, seeds, options, signal);
    const assembler = new LabelAssembler(seeds, options.axis, locked, options.overwriteOthers ?? false, totalWrites(tasks), onSlice);
    const decisions: GateDecision[] = [];
    const counters = { computed: 0, timings: undefined as PropagationTimings | undefined };
    const sub: Sub = async (propagator, subSeeds, subOptions, listener) => {
      const outcome = await propagator.propagate(image, subSeeds, subOptions, listener, signal);
      counters.computed += outcome.computedSlices;
      if (outcome.timings) counters.timings = addTimings(counters.timings, outcome.timings);
      return outcome;
    };
    for (const task of tasks) {
      if (task.plan.written.length === 0) continue;
      const decision = await this.decide(task, seeds, layout, options, sub);
      // Slices are committed as the chosen runs decide them; whatever no run wrote is background.
      const committed = new Set<number>();
      const written = new Set(task.plan.written);
      const commit: Sink = (slice, mask) => {
        if (!written.has(slice) || committed.has(slice)) return;
        committed.add(slice);
        assembler.commit(task.label, slice, mask);
      };
      const leakFrom = await this.compose(task, decision, seeds, options, sub, commit);
      decisions.push(leakFrom === undefined ? decision : { ...decision, leakFrom });
      for (const slice of task.plan.written) {
        throwIfCancelled(signal);
        commit(slice, new Uint8Array(assembler.pixels));
      }
    }
    this.lastDecisions = decisions;
    return assembler.outcome({
      method: this.method,
      propagated: labels,
      computedSlices: counters.computed,
      elapsedMs: Date.now() - started,
      gate: decisions,
      ...(counters.timings ? { timings: counters.timings } : {}),
    });
  }

  /** The gate for one object (see the file's comment). */
  private async decide(task: SegmentTask, seeds: Volume, layout: SliceLayout, options: PropagateOptions, sub: Sub): Promise<GateDecision> {
    const given = task.annotated.filter((a) => a.area > 0).map((a) => a.slice);
    if (given.length === 1) {
      const slice = given[0] as number;
      const oneSlice = { memory: await this.cycleDice(this.memory, task, seeds, layout, options, slice, sub), grow: await this.cycleDice(this.grow, task, seeds, layout, options, slice, sub) };
      const method = oneSliceChoice(oneSlice);
      return { label: task.label, between: method, before: method, after: method, oneSlice };
    }
    // The label erased from every slice: nothing to carry (the consensus of empty runs).
    if (given.length === 0) return { label: task.label, between: 'consensus', before: 'consensus', after: 'consensus' };
    /**
     * `heldOut` predicted from the other given slices by each propagator, all at once (where growing
     * runs on a thread of its own, it overlaps the memory network: electron/node/propagation/grow-thread.ts).
     * The slice is erased once for all of them and put back when all are done.
     */
    const predict = async (propagators: readonly Propagator[], heldOut: number): Promise<Uint8Array[]> => {
      const others = task.annotated.map((a) => a.slice).filter((s) => s !== heldOut);
      const decided = await withSliceErased(seeds, layout, task.label, heldOut, () =>
        Promise.all(propagators.map((p) => trialMask(p, seeds, layout, trialOptions(options, task.label, others, heldOut), task.label, heldOut, sub))),
      );
      return decided.map((mask) => mask ?? new Uint8Array(layout.width * layout.height));
    };
    // A given slice next to another one is predicted from that neighbour almost exactly by every
    // method: it says nothing about the gaps to fill (a user's correction next to an earlier slice
    // made interpolation win that tie, and the re-propagation undid a better first run). So the
    // slices held out are, in this order of preference: the interior ones at least 2 slices from
    // both neighbours; else the two outermost, those of them at least 2 from their nearest given
    // slice; else (densely given slices, where no choice is informative) every interior one; else
    // both outermost.
    const interiorAll = given.slice(1, -1);
    const interiorApart = interiorAll.filter((slice, n) => slice - (given[n] as number) >= 2 && (given[n + 2] as number) - slice >= 2);
    const ends: [number, number][] = [
      [given[0] as number, given[1] as number],
      [given.at(-1) as number, given.at(-2) as number],
    ];
    const endsApart = ends.filter(([end, nearest]) => Math.abs(end - nearest) >= 2);
    const interior = interiorApart.length > 0 ? interiorApart : endsApart.length > 0 ? [] : interiorAll;
    // [held-out slice, the nearest given slice where interpolation is scored as that slice copied].
    const held: [number, number | undefined][] = interior.length > 0 ? interior.map((slice) => [slice, undefined]) : endsApart.length > 0 ? endsApart : ends;
    const sums = { memory: 0, interpolation: 0, grow: 0, consensus: 0 };
    for (const [slice, nearest] of held) {
      const truth = maskOf(seeds, layout, slice, task.label);
      const [memory, grow, interpolated] = await predict(nearest === undefined ? [this.memory, this.grow, this.interpolation] : [this.memory, this.grow], slice);
      if (memory === undefined || grow === undefined) throw new Error('auto: a held-out prediction is missing');
      const interpolation = interpolated ?? maskOf(seeds, layout, nearest ?? slice, task.label);
      sums.memory += binaryDice(memory, truth);
      sums.grow += binaryDice(grow, truth);
      sums.interpolation += binaryDice(interpolation, truth);
      sums.consensus += binaryDice(majorityMask(memory, interpolation, grow), truth);
    }
    const n = held.length;
    const scores: GateScores = { heldOut: held.map(([slice]) => slice), memory: sums.memory / n, interpolation: sums.interpolation / n, grow: sums.grow / n, consensus: sums.consensus / n };
    const between = gateChoice(scores, this.margins);
    const beyond = between === 'interpolation' ? 'consensus' : between;
    return { label: task.label, between, before: beyond, after: beyond, scores };
  }

  /**
   * From the one given slice, out CYCLE_SLICES slices each way with `propagator` and back: the mean
   * Dice of the given slice as predicted from there (0 where the object was lost on the way).
   */
  private async cycleDice(propagator: Propagator, task: SegmentTask, seeds: Volume, layout: SliceLayout, options: PropagateOptions, given: number, sub: Sub): Promise<number> {
    const truth = maskOf(seeds, layout, given, task.label);
    const decidedAt = (from: number, to: number): Promise<Uint8Array | undefined> => trialMask(propagator, seeds, layout, trialOptions(options, task.label, [from], to), task.label, to, sub);
    let sum = 0;
    let runs = 0;
    for (const direction of [-1, 1]) {
      const far = given + direction * CYCLE_SLICES;
      if (far < 0 || far >= layout.count) continue;
      runs++;
      const out = await decidedAt(given, far);
      if (out === undefined || !out.includes(255)) continue;
      const back = await withSliceMoved(seeds, layout, task.label, given, far, out, () => decidedAt(far, given));
      sum += binaryDice(back ?? new Uint8Array(truth.length), truth);
    }
    return runs === 0 ? 0 : sum / runs;
  }

  /**
   * Runs the chosen methods for one object, committing its mask (0/255) on each slice. Growing from
   * one slice: where it was judged to leak (undefined if it was not).
   */
  private async compose(task: SegmentTask, decision: GateDecision, seeds: Volume, options: PropagateOptions, sub: Sub, commit: Sink): Promise<LeakStart | undefined> {
    const layout = sliceLayout(seeds.geometry.size, options.axis);
    const base: PropagateOptions = { ...options, labels: [task.label], annotatedSlices: task.annotated.map((a) => a.slice) };
    /** Runs `propagator` over `range` (the request's when undefined), handing `sink` each slice of the label it decides there. */
    const run = async (propagator: Propagator, range: SliceRange | undefined, sink: Sink): Promise<void> => {
      const inRange = (slice: number): boolean => range === undefined || (slice >= range[0] && slice <= range[1]);
      const streamed = new Set<number>();
      const outcome = await sub(propagator, seeds, range === undefined ? base : { ...base, range: [range[0], range[1]] }, (u) => {
        if (u.label !== task.label || !inRange(u.slice)) return;
        streamed.add(u.slice);
        sink(u.slice, planeMask(u.labels, task.label));
      });
      // Only a slice the run did not stream is read from its label map (which is then built).
      for (const slice of outcome.written) if (inRange(slice) && !streamed.has(slice)) sink(slice, maskOf(outcome.labels, layout, slice, task.label));
    };
    const given = task.annotated.filter((a) => a.area > 0).map((a) => a.slice);
    if (decision.oneSlice !== undefined && decision.between === 'grow') {
      // Growing from one slice, held to memory where it leaks: both run at once, and a slice is
      // committed once the guard has what it needs to decide it.
      const givenSlice = given[0] as number;
      const guard = new LeakGuard(givenSlice, countSet(maskOf(seeds, layout, givenSlice, task.label)), commit);
      await Promise.all([
        run(this.memory, options.range, (slice, mask) => {
          guard.memory(slice, mask);
        }).then(() => {
          guard.memoryFinished();
        }),
        run(this.grow, options.range, (slice, mask) => {
          guard.grow(slice, mask);
        }),
      ]);
      guard.flush();
      return guard.leakFrom();
    }
    // One method alone: its own run, streamed as it goes.
    if (decision.between === 'grow' || decision.between === 'memory') {
      await run(decision.between === 'grow' ? this.grow : this.memory, options.range, commit);
      return undefined;
    }
    const inner = given.length < 2 ? undefined : clip([(given[0] as number) + 1, (given.at(-1) as number) - 1], options.range);
    // The consensus: a slice is committed once every run that votes on it has decided it.
    const votes = new Map<number, { count: Uint8Array; voters: number }>();
    const majority = (count: Uint8Array): Uint8Array => count.map((v) => (v >= 2 ? 255 : 0));
    const voting = (voters: (slice: number) => number): Sink => (slice, mask) => {
      let tally = votes.get(slice);
      if (tally === undefined) votes.set(slice, (tally = { count: new Uint8Array(mask.length), voters: 0 }));
      for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) tally.count[i] = (tally.count[i] as number) + 1;
      if (++tally.voters < voters(slice)) return;
      votes.delete(slice);
      commit(slice, majority(tally.count));
    };
    const isInner = (slice: number): boolean => inner !== undefined && slice >= inner[0] && slice <= inner[1];
    if (decision.between === 'interpolation') {
      // Interpolation between; past the ends, where it adds nothing, memory and growing must agree.
      // All at once, as below.
      const outside = voting(() => 2);
      const beyond = async (): Promise<void> => {
        for (const outer of [clip([0, (given[0] ?? 0) - 1], options.range), clip([(given.at(-1) ?? layout.count) + 1, layout.count - 1], options.range)]) {
          if (!outer) continue;
          await Promise.all([run(this.memory, outer, outside), run(this.grow, outer, outside)]);
        }
      };
      await Promise.all([inner ? run(this.interpolation, inner, commit) : undefined, beyond()]);
    } else {
      // Three votes between the outermost given slices (interpolation's there), two past them. The
      // runs go at once (see `predict` in decide); a slice appears when its last vote is in.
      const everywhere = voting((slice) => (isInner(slice) ? 3 : 2));
      await Promise.all([inner ? run(this.interpolation, inner, everywhere) : undefined, run(this.memory, options.range, everywhere), run(this.grow, options.range, everywhere)]);
    }
    // A slice some run did not decide (none should remain): the votes it has.
    for (const [slice, tally] of votes) commit(slice, majority(tally.count));
    return undefined;
  }
}

/**
 * Growing's slices from one given slice, held to memory from where they leak (LEAK_FACTOR): per
 * side, in order outward from the given slice, growing's mask until its area first exceeds
 * LEAK_FACTOR × max(the given slice's area, memory's area there), and from that slice on the pixels
 * both hold. The two runs hand their slices in as they decide them, in any order: a slice is decided
 * once growing's mask of it and of every nearer slice on its side are in, with memory's (or memory's
 * run has finished: it left the slice empty). Exported for tests.
 */
export class LeakGuard {
  private readonly grown = new Map<number, Uint8Array>();
  private readonly remembered = new Map<number, Uint8Array>();
  private memoryDone = false;
  /** The nearest slice on each side not yet emitted. */
  private readonly next: { before: number; after: number };
  private readonly leaks: { before?: number; after?: number } = {};

  constructor(
    private readonly given: number,
    private readonly givenArea: number,
    private readonly emit: Sink,
  ) {
    this.next = { before: given - 1, after: given + 1 };
  }

  /** Growing's mask of `slice`. */
  grow(slice: number, mask: Uint8Array): void {
    this.grown.set(slice, mask);
    this.advance();
  }

  /** Memory's mask of `slice`. */
  memory(slice: number, mask: Uint8Array): void {
    this.remembered.set(slice, mask);
    this.advance();
  }

  /** Memory's run has decided all it will: a slice it did not hand in is empty there. */
  memoryFinished(): void {
    this.memoryDone = true;
    this.advance();
  }

  /** Once both runs are done: whatever is still waiting (a slice growing did not decide left a gap), nearest first. */
  flush(): void {
    const rest = [...this.grown.keys()].sort((a, b) => Math.abs(a - this.given) - Math.abs(b - this.given));
    for (const slice of rest) this.decide(slice < this.given ? 'before' : 'after', slice);
    this.remembered.clear();
  }

  leakFrom(): LeakStart | undefined {
    return this.leaks.before === undefined && this.leaks.after === undefined ? undefined : { ...this.leaks };
  }

  private advance(): void {
    for (const side of ['before', 'after'] as const) {
      const step = side === 'before' ? -1 : 1;
      while (this.grown.has(this.next[side]) && (this.memoryDone || this.remembered.has(this.next[side]))) {
        this.decide(side, this.next[side]);
        this.next[side] += step;
      }
    }
  }

  private decide(side: 'before' | 'after', slice: number): void {
    const grow = this.grown.get(slice);
    if (grow === undefined) return;
    const memory = this.remembered.get(slice);
    this.grown.delete(slice);
    this.remembered.delete(slice);
    if (this.leaks[side] === undefined && countSet(grow) > LEAK_FACTOR * Math.max(this.givenArea, memory === undefined ? 0 : countSet(memory))) this.leaks[side] = slice;
    if (this.leaks[side] === undefined) this.emit(slice, grow);
    else this.emit(slice, memory === undefined ? new Uint8Array(grow.length) : grow.map((v, i) => (v !== 0 && memory[i] !== 0 ? 255 : 0)));
  }
}

/**
 * The gate's rule on the held-out scores: memory or growing alone where it beats both the consensus
 * and interpolation by `margins.solo`; else the consensus unless interpolation beats it by more
 * than `margins.consensus`.
 */
export function gateChoice(scores: Pick<GateScores, 'memory' | 'interpolation' | 'grow' | 'consensus'>, margins: GateMargins = DEFAULT_MARGINS): GatedMethod {
  const alone = scores.grow >= scores.memory ? 'grow' : 'memory';
  if (scores[alone] >= Math.max(scores.consensus, scores.interpolation) + margins.solo) return alone;
  return scores.consensus >= scores.interpolation - margins.consensus ? 'consensus' : 'interpolation';
}

/** Options that predict only `slice` of one label from `annotated` (a gate trial). */
function trialOptions(options: PropagateOptions, label: number, annotated: readonly number[], slice: number): PropagateOptions {
  const { range: _range, ...rest } = options;
  return { ...rest, labels: [label], annotatedSlices: [...annotated], range: [slice, slice] };
}

/**
 * `slice` of `label` as a trial run decided it: from its stream (a trial's label map is never
 * built), else, for a propagator that does not stream, from its outcome; undefined if not decided.
 */
async function trialMask(
  propagator: Propagator,
  seeds: Volume,
  layout: SliceLayout,
  options: PropagateOptions,
  label: number,
  slice: number,
  sub: Sub,
): Promise<Uint8Array | undefined> {
  let decided: Uint8Array | undefined;
  const outcome = await sub(propagator, seeds, options, (u) => {
    if (u.slice === slice) decided = planeMask(u.labels, label);
  });
  if (!decided && outcome.written.includes(slice)) decided = maskOf(outcome.labels, layout, slice, label);
  return decided;
}

function clip(range: SliceRange, limit: SliceRange | undefined): [number, number] | undefined {
  const lo = Math.max(range[0], limit ? limit[0] : range[0]);
  const hi = Math.min(range[1], limit ? limit[1] : range[1]);
  return lo <= hi ? [lo, hi] : undefined;
}

/**
 * Runs `trial` on the seeds with one slice rewritten by `change`, then puts the slice back, whether
 * it returns or throws. In place, so a trial costs no copy of the label volume; nothing else reads
 * the seeds while a trial runs (the gate decides before any slice is committed).
 */
async function withSliceChanged<T>(seeds: Volume, layout: SliceLayout, slice: number, change: (value: number, pixel: number) => number, trial: () => Promise<T>): Promise<T> {
  const kept = readSlice(seeds.voxels, layout, slice, new Float64Array(layout.width * layout.height));
  writeSlice(seeds.voxels, layout, slice, kept.map(change));
  try {
    return await trial();
  } finally {
    writeSlice(seeds.voxels, layout, slice, kept);
  }
}

/** `trial` with `label` erased from one slice (a held-out slice). */
function withSliceErased<T>(seeds: Volume, layout: SliceLayout, label: number, slice: number, trial: () => Promise<T>): Promise<T> {
  return withSliceChanged(seeds, layout, slice, (v) => (v === label ? 0 : v), trial);
}

/** `trial` with `label` moved from slice `from` to `mask` (non-zero) on slice `to`, over background only. */
function withSliceMoved<T>(seeds: Volume, layout: SliceLayout, label: number, from: number, to: number, mask: Uint8Array, trial: () => Promise<T>): Promise<T> {
  return withSliceErased(seeds, layout, label, from, () => withSliceChanged(seeds, layout, to, (v, i) => (v === 0 && mask[i] !== 0 ? label : v), trial));
}

function planeMask(plane: ArrayLike<number>, label: number): Uint8Array {
  const mask = new Uint8Array(plane.length);
  for (let i = 0; i < plane.length; i++) if (plane[i] === label) mask[i] = 255;
  return mask;
}

function maskOf(labels: Volume, layout: SliceLayout, slice: number, label: number): Uint8Array {
  return planeMask(readSlice(labels.voxels, layout, slice, new Float64Array(layout.width * layout.height)), label);
}

/** Pixels (255) where at least two of the three masks are set: the methods' consensus. Exported for tests. */
export function majorityMask(a: Uint8Array, b: Uint8Array, c: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < out.length; i++) if ((a[i] !== 0 ? 1 : 0) + (b[i] !== 0 ? 1 : 0) + (c[i] !== 0 ? 1 : 0) >= 2) out[i] = 255;
  return out;
}

function addTimings(a: PropagationTimings | undefined, b: PropagationTimings): PropagationTimings {
  if (!a) return { ...b };
  return {
    keyEncodes: a.keyEncodes + b.keyEncodes,
    valueEncodes: a.valueEncodes + b.valueEncodes,
    decodes: a.decodes + b.decodes,
    readoutMs: a.readoutMs + b.readoutMs,
    networkMs: a.networkMs + b.networkMs,
  };
}

/** A gate record as plain JSON (mutable arrays), for the provenance sidecar. */
export interface GateDecisionJson {
  [key: string]:
    | string
    | number
    | number[]
    | { heldOut: number[]; memory: number; interpolation: number; grow: number; consensus: number }
    | { memory: number; grow: number }
    | { [side: string]: number };
}

export function gateDecisionsAsJson(decisions: readonly GateDecision[]): GateDecisionJson[] {
  const round = (v: number): number => Math.round(v * 1e4) / 1e4;
  return decisions.map((d) => ({
    label: d.label,
    between: d.between,
    before: d.before,
    after: d.after,
    ...(d.scores
      ? {
          scores: {
            heldOut: [...d.scores.heldOut],
            memory: round(d.scores.memory),
            interpolation: round(d.scores.interpolation),
            grow: round(d.scores.grow),
            consensus: round(d.scores.consensus),
          },
        }
      : {}),
    ...(d.oneSlice ? { oneSlice: { memory: round(d.oneSlice.memory), grow: round(d.oneSlice.grow) } } : {}),
    ...(d.leakFrom ? { leakFrom: Object.fromEntries(Object.entries(d.leakFrom).filter((e): e is [string, number] => e[1] !== undefined)) } : {}),
  }));
}
