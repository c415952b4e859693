/**
 * The read-out cases shared with the Python training code (see scripts/make-readout-fixture.ts):
 * seeded inputs, and what `ReadoutMemory.read` gives for each window.
 */
import { mulberry32 } from '../phantom';
import { ReadoutMemory, type ReadoutWindow } from './readout';

/** Relative to the repository root. */
export const READOUT_FIXTURE = 'native-models/fixtures/readout-window.json';

export interface ReadoutFixture {
  readonly height: number;
  readonly width: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly topK: number;
  /** Ck × P, channel-major. */
  readonly query: number[];
  /** Per frame: Ck × P and Cv × P, channel-major, in the order they joined the memory. */
  readonly keys: number[][];
  readonly values: number[][];
  readonly cases: {
    /** null: the full read-out. */
    readonly window: ReadoutWindow | null;
    /** Cv × P, channel-major. */
    readonly expected: number[];
  }[];
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

/**
 * 14 rows with tiles of 4 and radius 1: the last two tiles of a column overlap and have different
 * windows, so the rule "a query in two tiles takes the later tile's window" is tested too.
 */
export function readoutFixture(): ReadoutFixture {
  const height = 14;
  const width = 11;
  const keyDim = 4;
  const valueDim = 3;
  const topK = 5;
  const positions = height * width;
  const next = mulberry32(19);
  const array = (n: number) => Array.from({ length: n }, () => round(next() * 4 - 2));
  const query = array(keyDim * positions);
  const keys = [array(keyDim * positions), array(keyDim * positions)];
  const values = [array(valueDim * positions), array(valueDim * positions)];
  const windows: (ReadoutWindow | null)[] = [null, { tile: 4, radius: 1 }, { tile: 4, radius: 2, pool: 3 }, { tile: 3, radius: 1, pool: 2 }, { tile: 0, radius: 0, pool: 4 }, { tile: 3, radius: 1, pool: 2, poolSide: 3 }];
  const cases = windows.map((window) => {
    const memory = new ReadoutMemory({ keyDim, valueDim, positions }, { grid: { height, width }, ...(window ? { window } : {}) });
    for (let f = 0; f < keys.length; f++) memory.add(Float32Array.from(keys[f] as number[]), Float32Array.from(values[f] as number[]));
    const expected = Array.from(memory.read(Float32Array.from(query), topK), round);
    return { window, expected };
  });
  return { height, width, keyDim, valueDim, topK, query, keys, values, cases };
}
