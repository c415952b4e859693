/** Text for the status bar and toolbar (pure). */
import type { WorkerStatus } from '../../../electron/common/contract';
import type { Vec3 } from '../../../electron/common/volume';
import { formatNumber } from '../imaging/window-level';

export function formatSize(size: Vec3): string {
  return size.join(' × ');
}

/** Spacing in millimetres with up to three decimals, trailing zeros dropped. */
export function formatSpacing(spacing: Vec3): string {
  return `${spacing.map((s) => String(Number(s.toFixed(3)))).join(' × ')} mm`;
}

export function formatWorld(world: Vec3): string {
  return `(${world.map((v) => v.toFixed(1)).join(', ')}) mm`;
}

export function formatVoxel(index: Vec3, value: number | undefined): string {
  const v = value === undefined ? '—' : formatNumber(value);
  return `[${index.join(', ')}] = ${v}`;
}

export function formatInference(status: WorkerStatus | undefined): string {
  if (status === undefined) return 'AI: unknown';
  const restarts =
    status.restarts > 0 ? ` (${status.restarts} restart${status.restarts === 1 ? '' : 's'})` : '';
  return `AI: ${status.state}${restarts}`;
}
