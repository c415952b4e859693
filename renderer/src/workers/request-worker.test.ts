import { describe, expect, it } from 'vitest';
import { RequestWorker, WorkerUnavailable, type NumberedReply, type WorkerLike } from './request-worker';

type Reply = NumberedReply & { value?: number };

/** A worker stand-in: records posts; the test answers or crashes it. */
class FakeWorker implements WorkerLike {
  readonly posted: unknown[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(data: Reply): void {
    this.onmessage?.({ data } as MessageEvent);
  }
  crash(): void {
    this.onerror?.({ preventDefault: () => undefined } as ErrorEvent);
  }
}

describe('RequestWorker', () => {
  it('starts once, matches replies to requests by id and rejects error replies with their sentence', async () => {
    const fakes: FakeWorker[] = [];
    const runner = new RequestWorker<Reply>('test', new URL('file:///w.js'), () => {
      const fake = new FakeWorker();
      fakes.push(fake);
      return fake;
    });
    const worker = runner.started();
    expect(runner.started()).toBe(worker);
    expect(fakes).toHaveLength(1);
    if (worker === undefined) throw new Error('no worker');
    const a = runner.request(worker, runner.newId(), { ask: 'a' });
    const b = runner.request(worker, runner.newId(), { ask: 'b' });
    fakes[0]?.reply({ id: 1, value: 2 });
    fakes[0]?.reply({ id: 0, error: 'The labels do not fit the image.' });
    await expect(b).resolves.toMatchObject({ value: 2 });
    await expect(a).rejects.toThrow('The labels do not fit the image.');
  });

  it('fails the requests in flight when the worker dies, and is not started again', async () => {
    let starts = 0;
    const fake = new FakeWorker();
    const runner = new RequestWorker<Reply>('statistics', new URL('file:///w.js'), () => {
      starts++;
      return fake;
    });
    const worker = runner.started();
    if (worker === undefined) throw new Error('no worker');
    const pending = runner.request(worker, runner.newId(), {});
    fake.crash();
    await expect(pending).rejects.toBeInstanceOf(WorkerUnavailable);
    expect(fake.terminated).toBe(true);
    expect(runner.unavailable).toBe(true);
    expect(runner.started()).toBeUndefined();
    expect(starts).toBe(1);
  });

  it('has no worker where none can start (Node has no Worker; no URL)', () => {
    expect(new RequestWorker<Reply>('test', new URL('file:///w.js')).started()).toBeUndefined();
    expect(new RequestWorker<Reply>('test', undefined, () => new FakeWorker()).started()).toBeUndefined();
  });
});
