/**
 * A page Web Worker answering numbered requests (statistics, review, the propagation merge): started
 * on first use, each reply matched to its request by id, an `{ error }` reply rejected with its
 * sentence. Where no worker can start (tests in Node, a CSP without workers) `started()` is
 * undefined and the caller answers on the page; a worker that dies fails its requests in flight
 * with `WorkerUnavailable` and is not started again, so the caller answers on the page from then on.
 */

/** What every worker reply carries: its request's id, and an error sentence when it failed. */
export type NumberedReply = { readonly id: number } & ({ readonly error: string } | { readonly error?: undefined });

/** Raised for the requests in flight when the worker dies; the caller may retry on the page. */
export class WorkerUnavailable extends Error {
  override name = 'WorkerUnavailable';
}

type Waiting<R> = { resolve: (reply: R) => void; reject: (error: Error) => void };

/** The minimal Worker surface used here (a fake stands in for it in tests). */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  terminate(): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

export class RequestWorker<Reply extends NumberedReply> {
  private worker: WorkerLike | undefined;
  private failed = false;
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting<Reply>>();

  /**
   * @param name what the worker does, for messages ("statistics" → "The statistics worker stopped.")
   * @param create starts the worker; default a module Worker from `url` where the page has Worker
   */
  constructor(
    private readonly name: string,
    private readonly url: URL | undefined,
    private readonly create?: (url: URL, name: string) => WorkerLike,
  ) {}

  /** A fresh request id (also for answers computed on the page). */
  newId(): number {
    return this.nextId++;
  }

  /** The running worker, started if need be; undefined where none can run. */
  started(): WorkerLike | undefined {
    if (this.worker !== undefined || this.failed) return this.worker;
    const create = this.create ?? (typeof Worker === 'undefined' ? undefined : (url: URL, name: string): WorkerLike => new Worker(url, { type: 'module', name }));
    if (this.url === undefined || create === undefined) {
      this.failed = true;
      return undefined;
    }
    try {
      const worker = create(this.url, this.name);
      worker.onmessage = (event: MessageEvent) => {
        const reply = event.data as Reply;
        const waiting = this.waiting.get(reply.id);
        if (!waiting) return;
        this.waiting.delete(reply.id);
        if (typeof reply.error === 'string') waiting.reject(new Error(reply.error));
        else waiting.resolve(reply);
      };
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        this.failed = true;
        this.worker?.terminate();
        this.worker = undefined;
        this.failAll(new WorkerUnavailable(`The ${this.name} worker stopped.`));
      };
      this.worker = worker;
    } catch {
      this.failed = true;
    }
    return this.worker;
  }

  /** Whether the worker died or could never start (requests are then answered on the page). */
  get unavailable(): boolean {
    return this.failed;
  }

  /** Posts a message that expects no reply (e.g. an image the later requests refer to). */
  post(worker: WorkerLike, message: unknown, transfer: Transferable[] = []): void {
    worker.postMessage(message, transfer);
  }

  /** Posts request `id` and waits for its reply. */
  request(worker: WorkerLike, id: number, message: unknown, transfer: Transferable[] = []): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage(message, transfer);
    });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.failAll(new Error(`The ${this.name} worker was stopped.`));
  }

  private failAll(error: Error): void {
    const inFlight = [...this.waiting.values()];
    this.waiting.clear();
    for (const { reject } of inFlight) reject(error);
  }
}
