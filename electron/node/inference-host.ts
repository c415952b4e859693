/**
 * Owns the inference worker process: starts it, correlates requests with replies, and restarts it
 * after every crash, so that a native failure in ONNX Runtime costs the user one request, never the
 * app. Restarts back off (doubling, capped), and after a burst of crashes the worker is left to cool
 * down for longer; the host never gives up for good, and its status says why the worker is away.
 */
import { describeSchemaError, isWorkerOpName, workerOperations, workerReplySchema, type WorkerOpName, type WorkerOps } from '../common/inference-protocol';
import type { WorkerStatus } from '../common/contract';
import { ServiceError } from '../common/errors';
import type { WorkerLauncher, WorkerProcess } from './worker-process';

export interface InferenceHostOptions {
  /** Crashes within `crashWindowMs` that make a burst: past them, each restart waits `coolDownMs`. */
  maxCrashes?: number;
  crashWindowMs?: number;
  /** First restart delay; doubles with each crash in the window, up to `maxRestartDelayMs`. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  coolDownMs?: number;
  /** A request waits for a restart due within this long; past it, it is refused at once. */
  waitForRestartMs?: number;
  requestTimeoutMs?: number;
  log?: (message: string) => void;
}

interface Pending {
  /** The operation asked for: its result schema checks the reply. */
  op: WorkerOpName;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class InferenceHost {
  private worker: WorkerProcess | undefined;
  private generation = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly crashTimes: number[] = [];
  private readonly listeners = new Set<(status: WorkerStatus) => void>();
  private readyWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private currentStatus: WorkerStatus = { state: 'stopped', restarts: 0 };
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending restart is due (Date.now() time), while one is scheduled. */
  private restartAt: number | undefined;
  private readonly options: Required<InferenceHostOptions>;

  constructor(
    private readonly launch: WorkerLauncher,
    options: InferenceHostOptions = {},
  ) {
    this.options = {
      maxCrashes: options.maxCrashes ?? 5,
      crashWindowMs: options.crashWindowMs ?? 60_000,
      restartDelayMs: options.restartDelayMs ?? 200,
      maxRestartDelayMs: options.maxRestartDelayMs ?? 5_000,
      coolDownMs: options.coolDownMs ?? 10_000,
      waitForRestartMs: options.waitForRestartMs ?? 2_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 120_000,
      log: options.log ?? ((m) => console.error(m)),
    };
  }

  get status(): WorkerStatus {
    return this.currentStatus;
  }

  onStatus(listener: (status: WorkerStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.worker) return;
    this.spawn('starting');
  }

  /**
   * Resolves when the worker has said it is ready. Rejects at once when it was stopped, or while it
   * cools down after a burst of crashes: a click is then answered another way, not kept waiting.
   */
  whenReady(): Promise<void> {
    if (this.currentStatus.state === 'ready') return Promise.resolve();
    if (this.currentStatus.state === 'failed' || this.currentStatus.state === 'stopped') {
      return Promise.reject(new ServiceError('worker-unavailable', 'The inference worker is not running.'));
    }
    if (this.restartAt !== undefined && this.restartAt - Date.now() > this.options.waitForRestartMs) {
      return Promise.reject(new ServiceError('worker-unavailable', `The inference worker is unavailable: ${this.currentStatus.message ?? 'it is restarting'}.`));
    }
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  async request<K extends WorkerOpName>(op: K, payload: WorkerOps[K]['payload']): Promise<WorkerOps[K]['result']> {
    // Callers typed loosely (ClickWorkerLike) may name anything: only known operations have a result schema.
    if (!isWorkerOpName(op)) throw new ServiceError('bad-request', `The inference worker has no operation "${String(op)}".`);
    await this.whenReady();
    const worker = this.worker;
    if (!worker) throw new ServiceError('worker-unavailable', 'The inference worker is not running.');
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ServiceError('worker-unavailable', `The inference worker did not answer "${op}" in time.`));
      }, this.options.requestTimeoutMs);
      this.pending.set(id, { op, resolve: resolve as (v: unknown) => void, reject, timer });
      worker.postMessage({ id, op, payload });
    });
  }

  stop(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartAt = undefined;
    this.generation++;
    const worker = this.worker;
    this.worker = undefined;
    worker?.kill();
    this.failPending(new ServiceError('worker-unavailable', 'The inference worker was stopped.'));
    this.setStatus({ state: 'stopped', restarts: this.currentStatus.restarts });
    this.settleReadyWaiters(new ServiceError('worker-unavailable', 'The inference worker was stopped.'));
  }

  private spawn(state: 'starting' | 'restarting'): void {
    const generation = ++this.generation;
    this.restartAt = undefined;
    this.setStatus({ state, restarts: this.currentStatus.restarts, lastError: this.currentStatus.lastError });
    let worker: WorkerProcess;
    try {
      worker = this.launch();
    } catch (error) {
      this.handleExit(generation, `could not start: ${String(error)}`);
      return;
    }
    this.worker = worker;
    worker.onMessage((message) => {
      if (generation === this.generation) this.handleMessage(message);
    });
    worker.onExit((code, signal) => {
      if (generation === this.generation) this.handleExit(generation, `exited with ${signal ?? `code ${code ?? '?'}`}`);
    });
  }

  private handleMessage(message: unknown): void {
    const parsed = workerReplySchema.safeParse(message);
    if (!parsed.success) {
      this.options.log('Inference worker sent a malformed message; ignored.');
      return;
    }
    const reply = parsed.data;
    if (reply.type === 'ready') {
      this.setStatus({ state: 'ready', restarts: this.currentStatus.restarts, pid: reply.pid, lastError: this.currentStatus.lastError });
      this.settleReadyWaiters();
      return;
    }
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.type === 'error') {
      pending.reject(new ServiceError('internal', reply.message));
      return;
    }
    const result = workerOperations[pending.op].result.safeParse(reply.payload);
    if (result.success) pending.resolve(result.data);
    else pending.reject(new ServiceError('internal', describeSchemaError(`The inference worker answered "${pending.op}" with a malformed result`, result.error)));
  }

  private handleExit(generation: number, reason: string): void {
    if (generation !== this.generation) return;
    this.worker = undefined;
    const lastError = `Inference worker ${reason}`;
    this.options.log(`${lastError}.`);
    this.failPending(new ServiceError('worker-crashed', 'The inference worker stopped unexpectedly; it is being restarted.'));
    const now = Date.now();
    this.crashTimes.push(now);
    while (this.crashTimes.length > 0 && now - (this.crashTimes[0] ?? now) > this.options.crashWindowMs) this.crashTimes.shift();
    const crashes = this.crashTimes.length;
    const burst = crashes > this.options.maxCrashes;
    const delay = burst
      ? this.options.coolDownMs
      : Math.min(this.options.restartDelayMs * 2 ** (crashes - 1), this.options.maxRestartDelayMs);
    const minutes = Math.round(this.options.crashWindowMs / 60_000);
    const window = minutes === 1 ? 'a minute' : minutes > 1 ? `${minutes} minutes` : `${Math.round(this.options.crashWindowMs / 1000)} s`;
    const why = burst ? `it crashed ${crashes} time${crashes === 1 ? '' : 's'} in ${window}` : `it ${reason}`;
    const message = `${why}; the next start is in ${formatDelay(delay)}`;
    this.restartAt = now + delay;
    this.setStatus({ state: 'restarting', restarts: this.currentStatus.restarts + 1, lastError, retryInMs: delay, message });
    // Waiters that would wait past the cool-down are answered now (a click falls back at once).
    if (delay > this.options.waitForRestartMs) {
      this.settleReadyWaiters(new ServiceError('worker-unavailable', `The inference worker is unavailable: ${message}.`));
    }
    this.restartTimer = setTimeout(() => {
      this.spawn('restarting');
    }, delay);
  }

  private failPending(error: Error): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.pending.delete(id);
    }
  }

  private settleReadyWaiters(error?: Error): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const waiter of waiters) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }

  private setStatus(status: WorkerStatus): void {
    const clean: WorkerStatus = { state: status.state, restarts: status.restarts };
    if (status.pid !== undefined && status.state === 'ready') clean.pid = status.pid;
    if (status.lastError !== undefined) clean.lastError = status.lastError;
    // Why the worker is away and when it is back: only while it is.
    if (status.state !== 'ready') {
      if (status.retryInMs !== undefined) clean.retryInMs = status.retryInMs;
      if (status.message !== undefined) clean.message = status.message;
    }
    this.currentStatus = clean;
    for (const listener of this.listeners) listener(clean);
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
