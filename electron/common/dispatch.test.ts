import { describe, expect, it } from 'vitest';
import { dispatch, type ServiceHandlers } from './dispatch';
import { ServiceError } from './errors';
import { METHOD_NAMES } from './contract';

/** Handlers for every method (rejecting unless overridden), so the test follows the contract. */
function handlers(overrides: Partial<ServiceHandlers> = {}): ServiceHandlers {
  const notUsed = (): Promise<never> => Promise.reject(new Error('not used'));
  const base = Object.fromEntries(METHOD_NAMES.map((name) => [name, notUsed])) as unknown as ServiceHandlers;
  return {
    ...base,
    'inference.status': () => Promise.resolve({ state: 'ready', restarts: 0 }),
    'inference.ping': ({ echo }) => Promise.resolve({ echo, roundTripMs: 1 }),
    ...overrides,
  };
}

describe('dispatch', () => {
  it('routes a valid call', async () => {
    const result = await dispatch(handlers(), 'inference.status', {});
    expect(result).toEqual({ ok: true, output: { state: 'ready', restarts: 0 } });
  });

  it('refuses unknown methods, including prototype names', async () => {
    for (const method of ['nope', '__proto__', 'constructor', 'toString', 42, null]) {
      const result = await dispatch(handlers(), method, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    }
  });

  it('refuses malformed inputs with a clear message and never calls the handler', async () => {
    let called = false;
    const h = handlers({
      'inference.ping': ({ echo }) => {
        called = true;
        return Promise.resolve({ echo, roundTripMs: 0 });
      },
    });
    const cases: unknown[] = [undefined, null, 'x', { echo: [1, 2, 3] }, { echo: new ArrayBuffer(2 << 20) }, { echo: new ArrayBuffer(1), extra: 1 }];
    for (const input of cases) {
      const result = await dispatch(h, 'inference.ping', input);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('bad-request');
        expect(result.error.message).toMatch(/^Invalid input for inference\.ping/);
      }
    }
    expect(called).toBe(false);
  });

  it('passes service errors through and hides internal ones', async () => {
    const logged: string[] = [];
    const h = handlers({
      'volume.openSample': () => Promise.reject(new ServiceError('not-found', 'The sample is missing.')),
      'volume.openInitial': () => Promise.reject(new Error('secret /home/path details')),
    });
    expect(await dispatch(h, 'volume.openSample', {})).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'The sample is missing.' },
    });
    const internal = await dispatch(h, 'volume.openInitial', {}, { onInternalError: (m) => logged.push(m) });
    expect(internal).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(internal)).not.toContain('secret');
    expect(logged).toEqual(['volume.openInitial']);
  });

  it('refuses a labels.export whose provenance is nested 1,350 levels deep (it overflowed zod and killed serve mode)', async () => {
    let deep: unknown = 1;
    for (let n = 0; n < 1350; n++) deep = [deep];
    let called = false;
    const h = handlers({
      'labels.export': () => {
        called = true;
        return Promise.resolve({ path: 'x', sidecarPath: 'y', componentType: 'uint8' });
      },
    });
    const input = {
      volumeId: 'v',
      path: '/tmp/labels.nii.gz',
      labelMap: { componentType: 'uint8', voxels: new ArrayBuffer(8) },
      labels: [],
      provenance: { models: [], clicks: 0, propagation: { settings: deep } },
    };
    expect(await dispatch(h, 'labels.export', input)).toEqual({
      ok: false,
      error: { code: 'bad-request', message: 'Invalid input for labels.export: The message is nested more than 64 levels deep.' },
    });
    expect(called).toBe(false);
  });

  it('answers an internal error when a handler throws synchronously, even a RangeError', async () => {
    const logged: string[] = [];
    const h = handlers({
      'volume.openSample': () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
    });
    expect(await dispatch(h, 'volume.openSample', {}, { onInternalError: (m) => logged.push(m) })).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
    expect(logged).toEqual(['volume.openSample']);
  });
});
