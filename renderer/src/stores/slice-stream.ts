/**
 * Writes streamed items (propagated slices) a few at a time: each turn writes queued items until
 * its time budget is spent (at least one item), in one batch, then yields, so the page draws and
 * takes input between turns. A whole progress event written at once was a task of 0.3–2 s on the
 * 384×384×160 knee.
 */

export interface TurnScheduler {
  /** Runs `turn` in a later task. */
  later(turn: () => void): void;
  now(): number;
}

export const pageTurns: TurnScheduler = {
  later: (turn) => {
    setTimeout(turn, 0);
  },
  now: () => performance.now(),
};

export interface SliceStreamOptions {
  /** Time one turn may spend writing before it yields (default 8 ms: half a frame at 60 Hz). */
  readonly budgetMs?: number;
  readonly scheduler?: TurnScheduler;
  /** Wraps each turn's writes (a MobX action, so observers run once per turn, not per item). */
  readonly batch?: (work: () => void) => void;
}

export class SliceStream<T> {
  private queue: T[] = [];
  private scheduled = false;
  private waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private readonly budgetMs: number;
  private readonly scheduler: TurnScheduler;
  private readonly batch: (work: () => void) => void;

  constructor(
    private readonly write: (item: T) => void,
    options: SliceStreamOptions = {},
  ) {
    this.budgetMs = options.budgetMs ?? 8;
    this.scheduler = options.scheduler ?? pageTurns;
    this.batch = options.batch ?? ((work) => work());
  }

  /** Items still to write. */
  get pending(): number {
    return this.queue.length;
  }

  push(items: readonly T[]): void {
    if (items.length === 0) return;
    this.queue.push(...items);
    this.schedule();
  }

  /** Resolves once every item pushed so far is written; rejects with the first write that threw. */
  drained(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Drops what is not written yet (the run failed or was taken back); waiters resolve. */
  clear(): void {
    this.queue = [];
    this.settle(undefined);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.scheduler.later(() => {
      this.scheduled = false;
      this.turn();
    });
  }

  private turn(): void {
    const started = this.scheduler.now();
    try {
      this.batch(() => {
        do {
          const item = this.queue.shift();
          if (item !== undefined) this.write(item);
        } while (this.queue.length > 0 && this.scheduler.now() - started < this.budgetMs);
      });
    } catch (error) {
      this.queue = [];
      this.settle(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.queue.length > 0) this.schedule();
    else this.settle(undefined);
  }

  private settle(error: Error | undefined): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) {
      if (error === undefined) w.resolve();
      else w.reject(error);
    }
  }
}
