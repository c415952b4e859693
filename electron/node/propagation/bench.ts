/**
 * Measurements for the propagation engine (run by hand, not asserted in tests):
 * - the TypeScript read-out alone, for P positions per frame and T memory frames;
 * - whole propagations on a real volume, first with cold keys and then again with the keys
 *   cached (what a re-propagation after a correction costs), with the stop rule disabled so
 *   random-weight networks still visit every slice.
 */
import { MemoryPropagator } from '../../common/propagation/memory-engine';
import type { PropagationTimings } from '../../common/propagation/propagator';
import { ReadoutMemory, type ReadoutGrid, type ReadoutWindow } from '../../common/propagation/readout';
import { evenlySpacedSlices, objectExtent } from '../../common/propagation/given-slices';
import { readSlice, sliceLayout, writeSlice, type IndexAxis } from '../../common/slice';
import { sliceAreas } from '../../common/propagation/slices';
import type { Volume } from '../../common/volume';
import { OnnxPropagationNetworks } from './onnx-networks';
import { createOrtKernels } from './ort-kernels';

export interface ReadoutBench {
  readonly positions: number;
  /** Memory positions each query saw. */
  readonly visible: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly frames: number;
  readonly msPerRead: number;
}

/** The read-out on ONNX Runtime (what the memory method uses by default). */
/** The memory layout of a read-out bench: a grid, and the window (null: every position). */
export interface ReadoutBenchLayout {
  readonly grid: ReadoutGrid;
  readonly window: ReadoutWindow | null;
}

function benchMemory(keyDim: number, valueDim: number, frames: number, layout: ReadoutBenchLayout, rand: () => number): ReadoutMemory {
  const positions = layout.grid.height * layout.grid.width;
  const memory = new ReadoutMemory({ keyDim, valueDim, positions }, { grid: layout.grid, capacity: frames, ...(layout.window ? { window: layout.window } : {}) });
  for (let t = 0; t < frames; t++) memory.add(Float32Array.from({ length: keyDim * positions }, rand), Float32Array.from({ length: valueDim * positions }, rand));
  return memory;
}

export async function benchReadoutOrt(layout: ReadoutBenchLayout, keyDim: number, valueDim: number, frames: number, threads: number, repeats = 10): Promise<ReadoutBench> {
  const { readout: kernel, release } = await createOrtKernels(threads);
  const positions = layout.grid.height * layout.grid.width;
  try {
    const memory = benchMemory(keyDim, valueDim, frames, layout, Math.random);
    const query = Float32Array.from({ length: keyDim * positions }, Math.random);
    for (let i = 0; i < 2; i++) await memory.readWith(kernel, query);
    const t0 = performance.now();
    for (let i = 0; i < repeats; i++) await memory.readWith(kernel, query);
    return { positions, visible: memory.visiblePositions, keyDim, valueDim, frames, msPerRead: (performance.now() - t0) / repeats };
  } finally {
    await release();
  }
}

export function benchReadout(layout: ReadoutBenchLayout, keyDim: number, valueDim: number, frames: number, repeats = 10): ReadoutBench {
  const positions = layout.grid.height * layout.grid.width;
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  const memory = benchMemory(keyDim, valueDim, frames, layout, rand);
  const query = Float32Array.from({ length: keyDim * positions }, rand);
  for (let i = 0; i < 2; i++) memory.read(query);
  const t0 = performance.now();
  for (let i = 0; i < repeats; i++) memory.read(query);
  return { positions, visible: memory.visiblePositions, keyDim, valueDim, frames, msPerRead: (performance.now() - t0) / repeats };
}

export interface PropagationBench {
  readonly slices: readonly number[];
  readonly decodedSlices: number;
  /** Slices written to the result (slices between two given ones are decoded from both sides). */
  readonly writtenSlices: number;
  readonly coldMs: number;
  /** The median cached run (by time) of `runs`. */
  readonly cachedMs: number;
  readonly cachedSlicesPerSecond: number;
  readonly cachedTimings: PropagationTimings | undefined;
  /** Every cached run's slices per second, in order. */
  readonly cachedRuns: readonly number[];
}

export async function benchPropagation(
  image: Volume,
  truth: Volume,
  label: number,
  axis: IndexAxis,
  given: number,
  modelDir: string,
  options: { threads?: number; ep?: string; maxMemoryFrames?: number; readout?: 'onnx' | 'typescript'; readoutWindow?: ReadoutWindow | null; runs?: number; wholeDecoder?: boolean } = {},
): Promise<PropagationBench> {
  const layout = sliceLayout(truth.geometry.size, axis);
  const extent = objectExtent(sliceAreas(truth.voxels, layout, label));
  if (!extent) throw new Error(`label ${label} is absent`);
  const slices = evenlySpacedSlices(extent, given);
  const seeds = new Uint8Array(truth.voxels.length);
  const pixels = layout.width * layout.height;
  for (const s of slices) {
    const t = readSlice(truth.voxels, layout, s, new Uint8Array(pixels));
    for (let i = 0; i < pixels; i++) t[i] = t[i] === label ? label : 0;
    writeSlice(seeds, layout, s, t);
  }
  const networks = await OnnxPropagationNetworks.load(modelDir, { ...(options.threads === undefined ? {} : { threads: options.threads }), ...(options.ep === undefined ? {} : { ep: options.ep }), ...(options.readout === undefined ? {} : { readout: options.readout }), ...(options.wholeDecoder ? { wholeDecoder: true } : {}) });
  try {
    const engine = new MemoryPropagator(networks, {
      now: () => performance.now(),
      ...(options.maxMemoryFrames === undefined ? {} : { maxMemoryFrames: options.maxMemoryFrames }),
      ...(options.readoutWindow === undefined ? {} : { readoutWindow: options.readoutWindow }),
    });
    const seedVolume: Volume = { geometry: truth.geometry, componentType: 'uint8', voxels: seeds };
    const opts = { axis, labels: [label], annotatedSlices: slices, stopFraction: 0 };
    const cold = await engine.propagate(image, seedVolume, opts);
    let cached = await engine.propagate(image, seedVolume, opts);
    const runs = [cached];
    for (let r = 1; r < Math.max(1, options.runs ?? 1); r++) runs.push(await engine.propagate(image, seedVolume, opts));
    cached = [...runs].sort((a, b) => a.elapsedMs - b.elapsedMs)[Math.floor((runs.length - 1) / 2)] ?? cached;
    return {
      cachedRuns: runs.map((r) => (1000 * r.written.length) / r.elapsedMs),
      slices,
      decodedSlices: cached.computedSlices,
      coldMs: cold.elapsedMs,
      cachedMs: cached.elapsedMs,
      writtenSlices: cached.written.length,
      cachedSlicesPerSecond: (1000 * cached.written.length) / cached.elapsedMs,
      cachedTimings: cached.timings,
    };
  } finally {
    await networks.dispose();
  }
}
