/** `--readout-window TILE,RADIUS[,POOL[,SIDE]]|full`: the memory read-out's local window (readout.ts), for measuring and choosing it. */
import { isRunnableWindow, type ReadoutWindow } from '../../common/propagation/readout';
import { UsageError } from '../command';

/** undefined: the engine's default; null: every query sees every memory position. */
export function parseReadoutWindow(command: string, text: string | undefined): ReadoutWindow | null | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === 'full') return null;
  const match = /^\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*(\d+)\s*(?:,\s*(\d+)\s*)?)?$/.exec(text);
  const tile = Number(match?.[1]);
  const radius = Number(match?.[2]);
  const pool = match?.[3] === undefined ? 0 : Number(match[3]);
  const poolSide = match?.[4] === undefined ? undefined : Number(match[4]);
  const window: ReadoutWindow = { tile, radius, ...(pool ? { pool } : {}), ...(poolSide !== undefined ? { poolSide } : {}) };
  if (!match || !isRunnableWindow(window)) {
    throw new UsageError(`iseg ${command}: --readout-window is TILE,RADIUS[,POOL[,SIDE]] in feature cells (e.g. 8,4 or 8,4,4,8; POOL ≥ 2 adds the whole frame as POOL × POOL block means, SIDE caps them at SIDE × SIDE blocks by growing the blocks; 0,0,POOL: the block means only) or full, not "${text}"`);
  }
  return window;
}
