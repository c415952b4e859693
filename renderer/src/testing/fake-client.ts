/** An in-memory ServiceClient for unit tests: synthetic volumes built from parameters. */
import type {
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  ServiceClient,
  VolumeMessage,
  WorkerStatus,
} from '../../../electron/common/contract';
import type { ClickEngineStatus } from '../../../electron/common/contract-click';
import { orientationCode, type Mat3, type Vec3 } from '../../../electron/common/volume';

export interface SyntheticVolumeOptions {
  size?: Vec3;
  spacing?: Vec3;
  origin?: Vec3;
  direction?: Mat3;
  name?: string;
}

/** An int16 volume whose voxel (i, j, k) holds i + 10 j + 100 k (so values identify positions). */
export function syntheticVolume(options: SyntheticVolumeOptions = {}): VolumeMessage {
  const size = options.size ?? [8, 6, 4];
  const direction = options.direction ?? [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const voxels = new Int16Array(size[0] * size[1] * size[2]);
  let max = 0;
  for (let k = 0; k < size[2]; k++)
    for (let j = 0; j < size[1]; j++)
      for (let i = 0; i < size[0]; i++) {
        const v = i + 10 * j + 100 * k;
        voxels[i + size[0] * (j + size[1] * k)] = v;
        max = Math.max(max, v);
      }
  return {
    meta: {
      id: 'synthetic',
      name: options.name ?? 'synthetic',
      geometry: {
        size: [size[0], size[1], size[2]],
        spacing: [...(options.spacing ?? [1, 1, 2])],
        origin: [...(options.origin ?? [0, 0, 0])],
        direction: [...direction],
      },
      componentType: 'int16',
      range: [0, max],
      orientation: orientationCode(direction),
      source: 'sample',
    },
    voxels: voxels.buffer,
  };
}

type Handlers = { [M in MethodName]?: (input: MethodInput<M>) => Promise<MethodOutput<M>> };

export const READY_WORKER: WorkerStatus = { state: 'ready', restarts: 0, pid: 42 };

export class FakeClient implements ServiceClient {
  readonly calls: MethodName[] = [];
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();

  constructor(private readonly handlers: Handlers = {}) {}

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    this.calls.push(method);
    const handler = this.handlers[method];
    if (handler === undefined) throw new Error(`FakeClient: no handler for ${method}`);
    return handler(input);
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (payload: EventPayload<E>) => void)(payload);
  }
}

/** A click engine status as `models.list` / `models.select` report it (classical by default). */
export function engineStatus(overrides: Partial<ClickEngineStatus> = {}): ClickEngineStatus {
  return { clickModel: 'classical-growcut', kind: 'classical', state: 'ready', label: 'classical', preference: 'auto', messages: [], ...overrides };
}

/** A Map-backed stand-in for localStorage (the unit tests run in Node, which has none). */
export class MemoryStorage {
  readonly items: Map<string, string>;

  constructor(initial: Record<string, string> = {}) {
    this.items = new Map(Object.entries(initial));
  }

  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}
