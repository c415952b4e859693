/** Text for the status bar and toolbar (pure). */
import type { WorkerStatus } from '../../../electron/common/contract';
import type { ClickEngineStatus } from '../../../electron/common/contract-click';
import type { Vec3 } from '../../../electron/common/volume';
import { formatNumber } from '../../../electron/common/window-level';

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
  // While the worker is away the bar says so, and why (a burst of crashes, the next start).
  const away = status.state !== 'ready' && status.message !== undefined ? ` — unavailable: ${status.message}` : '';
  return `AI: ${status.state}${restarts}${away}`;
}

/** The click engine for the status bar: the model that answered last, else the selected one. */
export function formatEngine(
  engine: ClickEngineStatus | undefined,
  last: { modelId: string; kind: 'onnx' | 'classical'; ep: string | undefined; fallbackReason: string | undefined; ranIn?: 'worker' | 'main' | undefined } | undefined,
): { text: string; title: string; model: string; kind: string } {
  if (last !== undefined) {
    const classical = last.kind === 'classical';
    // A click the model could not answer, or that the main process answered because the worker
    // was down, says so on the bar, not only in the tooltip.
    const notes = [...(last.fallbackReason !== undefined ? ['model unavailable'] : []), ...(last.ranIn === 'main' ? ['in the main process'] : [])];
    return {
      text: classical ? `Click: classical${notes.length > 0 ? ` (${notes.join('; ')})` : ''}` : `Click: ${last.modelId} (${last.ep ?? engine?.label ?? '?'})`,
      title: last.fallbackReason ?? (engine?.messages.join(' ') ?? ''),
      model: last.modelId,
      kind: last.kind,
    };
  }
  if (engine === undefined) return { text: 'Click: —', title: '', model: '', kind: '' };
  const text = engine.kind === 'classical' ? 'Click: classical' : `Click: ${engine.clickModel} (${engine.label})`;
  return { text, title: engine.messages.join(' '), model: engine.clickModel, kind: engine.kind };
}

export function formatLatency(roundTripMs: number, engineMs: number): string {
  return `last click ${Math.round(roundTripMs)} ms (engine ${Math.round(engineMs)} ms)`;
}
