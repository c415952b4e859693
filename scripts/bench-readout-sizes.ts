/**
 * The memory read-out alone on ONNX Runtime at several slice sizes, full against a window: how
 * its cost grows with the slice area (issue #19). Prints figures, asserts nothing.
 *   npx vite-node scripts/bench-readout-sizes.ts -- [--window 8,4,4] [--sizes 256,384,512,768,1024] [--frames 4] [--threads 1] [--rounds 3]
 */
import { parseArgs } from 'node:util';
import { benchReadoutOrt } from '../electron/node/propagation/bench';
import type { ReadoutWindow } from '../electron/common/propagation/readout';
import { parseReadoutWindow } from '../electron/cli/commands/readout-window-option';

const { values } = parseArgs({
  options: {
    window: { type: 'string', default: '8,4,4,8' },
    sizes: { type: 'string', default: '256,384,512,768,1024' },
    frames: { type: 'string', default: '4' },
    threads: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '3' },
  },
});
const window: ReadoutWindow | null | undefined = parseReadoutWindow('bench-readout-sizes', values.window);
if (!window) throw new Error('--window needs a window (T,R[,F[,S]]), not full');
const frames = Number(values.frames);
const threads = Number(values.threads);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
console.log(`read-out on ONNX Runtime, ${frames} memory frames, 64 key/value channels, ${threads} thread(s), stride 16; window ${values.window}; median of ${values.rounds} alternated rounds`);
console.log('| slice | grid | positions seen per query per frame (full / window) | full ms | window ms | full ÷ window |');
console.log('|---|---|---|---|---|---|');
for (const size of values.sizes.split(',').map(Number)) {
  const grid = { height: Math.ceil(size / 16), width: Math.ceil(size / 16) };
  const full: number[] = [];
  const windowed: number[] = [];
  let seen = 0;
  for (let r = 0; r < Number(values.rounds); r++) {
    full.push((await benchReadoutOrt({ grid, window: null }, 64, 64, frames, threads)).msPerRead);
    const w = await benchReadoutOrt({ grid, window }, 64, 64, frames, threads);
    windowed.push(w.msPerRead);
    seen = w.visible;
  }
  const f = median(full);
  const w = median(windowed);
  console.log(`| ${size}² | ${grid.height}×${grid.width} | ${grid.height * grid.width} / ${Math.round(seen / frames)} | ${f.toFixed(1)} | ${w.toFixed(1)} | ${(f / w).toFixed(2)} |`);
}
