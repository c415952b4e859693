/**
 * A small pool of inference workers, each behind its own InferenceHost (restarts, back-off), so
 * concurrent clicks from several clients run side by side instead of queueing on one process.
 *
 * Routing: a click names its session (client and image, `routeKey`) and stays on the worker that
 * holds that session's cached slices and last masks; a new session goes to the worker with the
 * fewest requests in flight. Model loads and unloads go to every worker, and a worker that comes
 * back from a crash gets the loaded models again before it takes new sessions; its old sessions
 * move to the others. Propagation and every other operation run on the first worker (its jobs and
 * images stay in one place), and clicks go elsewhere while a job runs there. With every worker
 * down, requests fail as with one worker, and the click engine answers in the main process and
 * says so.
 */
import { availableParallelism } from 'node:os';
import type { WorkerStatus } from '../common/contract';
import type { WorkerOpName, WorkerOps } from '../common/inference-protocol';
import { InferenceHost, type InferenceHostOptions } from './inference-host';
import type { WorkerLauncher } from './worker-process';

/** What the services need of the inference side: one InferenceHost fits, and so does the pool. */
export interface InferenceService {
  readonly status: WorkerStatus;
  onStatus(listener: (status: WorkerStatus) => void): () => void;
  start(): void;
  stop(): void;
  request<K extends WorkerOpName>(op: K, payload: WorkerOps[K]['payload'], routeKey?: string): Promise<WorkerOps[K]['result']>;
}

/** Above this, more workers only add memory (a model each, issue #18's 500 MB per worker). */
export const MAX_INFERENCE_WORKERS = 4;
/** What a flag or ISEG_INFERENCE_WORKERS may ask for (a user may go past the default cap). */
const MAX_REQUESTED_WORKERS = 16;
export const WORKERS_ENV = 'ISEG_INFERENCE_WORKERS';

/**
 * How many workers: `requested` (a flag, else the environment variable) when given, else one per
 * core, at most MAX_INFERENCE_WORKERS. Not one less for the main process: it spends ~1.5 ms of CPU
 * a click, and an ONNX session of two intra-op threads costs ~3× the CPU of one (21 vs 6.5 ms a
 * click on 2 cores, its threads spin and wait on each other), so single-threaded workers on every
 * core answer twice the clicks (README, "20 clients").
 * Throws one sentence for a value that is not a whole number from 1 to 16.
 */
export function inferenceWorkerCount(requested: string | undefined, cores: number = availableParallelism()): number {
  if (requested !== undefined && requested.trim() !== '') {
    const count = Number(requested);
    if (!Number.isInteger(count) || count < 1 || count > MAX_REQUESTED_WORKERS) {
      throw new Error(`The number of inference workers must be a whole number from 1 to ${MAX_REQUESTED_WORKERS}, not "${requested}".`);
    }
    return count;
  }
  return Math.min(MAX_INFERENCE_WORKERS, Math.max(1, cores));
}

/** ONNX Runtime intra-op threads per worker, so that workers × threads never exceeds the cores. */
export function threadsPerWorker(workers: number, cores: number = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, workers)));
}

export interface InferencePoolOptions {
  size: number;
  /** Intra-op threads for each click model a worker loads (unless the load names its own). */
  clickThreads?: number;
  host?: InferenceHostOptions;
  /** Sessions remembered for stickiness; the least recently used are forgotten past this. */
  maxSessions?: number;
  log?: (message: string) => void;
}

interface Member {
  readonly index: number;
  readonly host: InferenceHost;
  inFlight: number;
  /** Propagation requests in flight: a running job keeps one waiting (propagation.poll). */
  propagating: number;
  /** Takes new sessions: ready, with the loaded models given back after a restart. */
  routable: boolean;
  /** It has been ready before: the next 'ready' is a restart, which lost the models. */
  wasReady: boolean;
  /** Counts its starts, so a reload overtaken by another crash does not open it to sessions. */
  starts: number;
}

type ClickLoadPayload = WorkerOps['click.load']['payload'];

export class InferencePool implements InferenceService {
  private readonly members: Member[];
  /** Session (route key) → the worker holding its cache; least recently used first. */
  private readonly sessions = new Map<string, Member>();
  /** Click models loaded (by id), to load again into a worker that restarted. */
  private readonly loads = new Map<string, ClickLoadPayload>();
  private readonly listeners = new Set<(status: WorkerStatus) => void>();
  private readonly maxSessions: number;
  private readonly clickThreads: number | undefined;
  private readonly log: (message: string) => void;

  constructor(launch: WorkerLauncher, options: InferencePoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new Error(`An inference pool needs at least one worker, not ${options.size}.`);
    this.maxSessions = options.maxSessions ?? 4096;
    this.clickThreads = options.clickThreads;
    this.log = options.log ?? ((m) => console.error(m));
    const hostOptions = { ...options.host, ...(options.log ? { log: options.log } : {}) };
    this.members = Array.from({ length: options.size }, (_, index) => {
      const member: Member = { index, host: new InferenceHost(launch, hostOptions), inFlight: 0, propagating: 0, routable: false, wasReady: false, starts: 0 };
      member.host.onStatus((status) => this.onMemberStatus(member, status));
      return member;
    });
  }

  get size(): number {
    return this.members.length;
  }

  /** The pool as one worker for the status bar: ready while any worker is; else the first one's state and reason. */
  get status(): WorkerStatus {
    const statuses = this.members.map((m) => m.host.status);
    const restarts = statuses.reduce((sum, s) => sum + s.restarts, 0);
    const ready = statuses.find((s) => s.state === 'ready');
    const lastError = statuses.find((s) => s.lastError !== undefined)?.lastError;
    if (ready) {
      return { state: 'ready', restarts, ...(ready.pid !== undefined ? { pid: ready.pid } : {}), ...(lastError !== undefined ? { lastError } : {}) };
    }
    const first = statuses[0] ?? { state: 'stopped', restarts: 0 };
    return { ...first, restarts };
  }

  /** Each worker's own status, first (propagation's) worker first. */
  get workerStatuses(): WorkerStatus[] {
    return this.members.map((m) => m.host.status);
  }

  onStatus(listener: (status: WorkerStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    for (const member of this.members) member.host.start();
  }

  stop(): void {
    for (const member of this.members) member.host.stop();
    this.sessions.clear();
  }

  request<K extends WorkerOpName>(op: K, payload: WorkerOps[K]['payload'], routeKey?: string): Promise<WorkerOps[K]['result']> {
    if (op === 'click.load') return this.loadEverywhere(payload as ClickLoadPayload) as Promise<WorkerOps[K]['result']>;
    if (op === 'click.unload') return this.unloadEverywhere(payload as WorkerOps['click.unload']['payload']) as Promise<WorkerOps[K]['result']>;
    const member = op === 'click.predict' ? this.memberForSession(routeKey) : this.primary();
    return this.send(member, op, payload);
  }

  /** Which worker (0-based) holds `routeKey`'s session now, if any; for tests and reports. */
  workerOf(routeKey: string): number | undefined {
    return this.sessions.get(routeKey)?.index;
  }

  private primary(): Member {
    // The constructor made at least one.
    return this.members[0] as Member;
  }

  private async send<K extends WorkerOpName>(member: Member, op: K, payload: WorkerOps[K]['payload']): Promise<WorkerOps[K]['result']> {
    const propagation = op.startsWith('propagation.');
    member.inFlight++;
    if (propagation) member.propagating++;
    try {
      return await member.host.request(op, payload);
    } finally {
      member.inFlight--;
      if (propagation) member.propagating--;
    }
  }

  /**
   * The session's worker while it can take work; else the least busy that can, which then keeps it.
   * A session also moves off a worker running a propagation job when another worker has none: a
   * click would wait behind the job's slices, and moving costs only sending the slice again.
   */
  private memberForSession(routeKey: string | undefined): Member {
    if (routeKey !== undefined) {
      const held = this.sessions.get(routeKey);
      const stuckBehindPropagation = held !== undefined && held.propagating > 0 && this.members.some((m) => m.routable && m.propagating === 0);
      if (held?.routable && !stuckBehindPropagation) {
        this.sessions.delete(routeKey);
        this.sessions.set(routeKey, held);
        return held;
      }
    }
    const chosen = this.leastLoaded();
    if (routeKey !== undefined && chosen.routable) {
      this.sessions.delete(routeKey);
      this.sessions.set(routeKey, chosen);
      for (const key of this.sessions.keys()) {
        if (this.sessions.size <= this.maxSessions) break;
        this.sessions.delete(key);
      }
    }
    return chosen;
  }

  private leastLoaded(): Member {
    const routable = this.members.filter((m) => m.routable);
    const free = routable.filter((m) => m.propagating === 0);
    const candidates = free.length > 0 ? free : routable;
    // None can take work: the first worker's host waits for a restart due soon, or refuses at
    // once, and the click engine falls back to the main process.
    if (candidates.length === 0) return this.primary();
    const sessionsOf = new Map<Member, number>();
    for (const member of this.sessions.values()) sessionsOf.set(member, (sessionsOf.get(member) ?? 0) + 1);
    let best = candidates[0] as Member;
    for (const m of candidates) {
      const busier = m.inFlight - best.inFlight || (sessionsOf.get(m) ?? 0) - (sessionsOf.get(best) ?? 0);
      if (busier < 0) best = m;
    }
    return best;
  }

  /** Loads the model into every worker; answers with the first worker's result that succeeded. */
  private async loadEverywhere(payload: ClickLoadPayload): Promise<WorkerOps['click.load']['result']> {
    const withThreads: ClickLoadPayload = payload.threads === undefined && this.clickThreads !== undefined ? { ...payload, threads: this.clickThreads } : payload;
    const settled = await Promise.allSettled(this.members.map((m) => this.send(m, 'click.load', withThreads)));
    const loaded = settled.find((s): s is PromiseFulfilledResult<WorkerOps['click.load']['result']> => s.status === 'fulfilled');
    if (!loaded) throw (settled[0] as PromiseRejectedResult).reason;
    this.loads.set(loaded.value.modelId, withThreads);
    settled.forEach((s, n) => {
      if (s.status === 'rejected') this.log(`Inference worker ${n + 1} could not load ${loaded.value.modelId} (${String(s.reason)}); it gets it again when it restarts.`);
    });
    return loaded.value;
  }

  private async unloadEverywhere(payload: WorkerOps['click.unload']['payload']): Promise<WorkerOps['click.unload']['result']> {
    this.loads.delete(payload.modelId);
    const settled = await Promise.allSettled(this.members.map((m) => this.send(m, 'click.unload', payload)));
    return { unloaded: settled.some((s) => s.status === 'fulfilled' && s.value.unloaded) };
  }

  private onMemberStatus(member: Member, status: WorkerStatus): void {
    if (status.state === 'ready') {
      const restarted = member.wasReady;
      member.wasReady = true;
      member.starts++;
      if (restarted && this.loads.size > 0) void this.reload(member);
      else member.routable = true;
    } else {
      member.routable = false;
      // Its sessions' caches died with it: they go to the least busy worker on their next click.
      for (const [key, holder] of this.sessions) if (holder === member) this.sessions.delete(key);
    }
    const pooled = this.status;
    for (const listener of this.listeners) listener(pooled);
  }

  /** Gives a restarted worker the loaded click models back before it takes new sessions. */
  private async reload(member: Member): Promise<void> {
    const start = member.starts;
    for (const [modelId, payload] of this.loads) {
      try {
        await this.send(member, 'click.load', payload);
      } catch (error) {
        this.log(`Inference worker ${member.index + 1} could not load ${modelId} again after its restart (${String(error)}).`);
      }
    }
    // It may have crashed again meanwhile; then its next 'ready' starts over.
    if (member.starts === start && member.host.status.state === 'ready') member.routable = true;
  }
}
