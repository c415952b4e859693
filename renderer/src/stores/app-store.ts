/** Application-level state: service info, the inference worker's state, start-up phase, work in flight. */
import { action, computed, makeObservable, observable, observableRef } from 'mobx';
import type { AppInfo, WorkerStatus } from '../../../electron/common/contract';

export type AppPhase = 'starting' | 'ready' | 'error';

export class AppStore {
  info: AppInfo | undefined = undefined;
  inference: WorkerStatus | undefined = undefined;
  phase: AppPhase = 'starting';
  /** Why start-up failed, shown instead of the views. */
  errorMessage: string | undefined = undefined;
  /** A non-fatal message for the status bar (e.g. a later open that failed). */
  notice: string | undefined = undefined;
  /** Calls and renders in flight; the document is busy while this is above zero. */
  pending = 0;

  constructor() {
    makeObservable(this, {
      info: observableRef,
      inference: observableRef,
      phase: observable,
      errorMessage: observable,
      notice: observable,
      pending: observable,
      busy: computed,
      setInfo: action,
      setInference: action,
      markReady: action,
      fail: action,
      setNotice: action,
      begin: action,
      end: action,
    });
  }

  get busy(): boolean {
    return this.pending > 0;
  }

  setInfo(info: AppInfo): void {
    this.info = info;
    // The event stream may already have told us something newer; keep the first we heard.
    this.inference ??= info.inference;
  }

  setInference(status: WorkerStatus): void {
    this.inference = status;
  }

  markReady(): void {
    this.phase = 'ready';
    this.errorMessage = undefined;
  }

  fail(message: string): void {
    this.phase = 'error';
    this.errorMessage = message;
  }

  setNotice(message: string | undefined): void {
    this.notice = message;
  }

  begin(): void {
    this.pending++;
  }

  end(): void {
    this.pending = Math.max(0, this.pending - 1);
  }

  /** Runs `work` with the document marked busy until it settles. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.begin();
    try {
      return await work();
    } finally {
      this.end();
    }
  }
}
