import { configure } from 'mobx';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MethodInput } from '../../../electron/common/contract';
import type { ClickEngineStatus, ModelInfo } from '../../../electron/common/contract-click';
import type { ExecutionProviderPreference } from '../../../electron/common/click/execution-provider';
import { engineStatus, FakeClient, MemoryStorage } from '../testing/fake-client';
import { AppStore } from './app-store';
import { ENGINE_SETTINGS_KEY, EngineSettingsStore, readSavedChoice } from './engine-settings-store';
import { PromptStore } from './prompt-store';
import { RootStore } from './root-store';

beforeAll(() => {
  configure({ enforceActions: 'always' });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

const SHA = 'a'.repeat(64);
const MODELS: ModelInfo[] = [
  { id: 'isegformer-swin32-cpu', task: 'click-to-mask', status: 'ok', sha256: SHA },
  { id: 'broken-model', task: 'click-to-mask', status: 'ok' },
  {
    id: 'damaged-model',
    task: 'click-to-mask',
    status: 'damaged',
    problem: 'Model "damaged-model" is damaged.',
  },
  { id: 'stcn-lite-cpu', task: 'propagation', status: 'ok' },
];

/**
 * A stand-in for electron/node/click-service.ts: it never fails a selection; a model it cannot
 * load leaves the classical segmenter with a message, and CUDA falls back to the CPU.
 */
class FakeEngineService {
  wanted = 'classical';
  preference: ExecutionProviderPreference = 'auto';
  readonly selects: MethodInput<'models.select'>[] = [];
  /** Calls of `models.list`. */
  lists = 0;
  /** When set, `models.select` waits for this before answering. */
  gate: Promise<void> | undefined;
  /** When set, `models.select` rejects with it. */
  failure: Error | undefined;

  status(): ClickEngineStatus {
    if (this.wanted === 'classical') return engineStatus({ preference: this.preference });
    const model = MODELS.find((m) => m.id === this.wanted && m.task === 'click-to-mask');
    if (model === undefined || model.status !== 'ok' || model.id === 'broken-model')
      return engineStatus({
        preference: this.preference,
        state: 'fallback',
        messages: [
          `Model "${this.wanted}" could not be loaded: bad graph`,
          'Clicks use the classical segmenter.',
        ],
      });
    const messages =
      this.preference === 'cuda' ? ['CUDA was requested but it is not available; using CPU.'] : [];
    return engineStatus({
      clickModel: model.id,
      kind: 'onnx',
      ep: 'cpu',
      label: 'CPU',
      preference: this.preference,
      messages,
    });
  }

  /** When set, the engine is loading the wanted model until this resolves (the app's start-up). */
  loading: Promise<void> | undefined;

  client(): FakeClient {
    return new FakeClient({
      'models.list': async (input) => {
        this.lists++;
        if (this.loading !== undefined && input.waitForEngine === true) await this.loading;
        const engine = this.loading !== undefined ? engineStatus({ state: 'loading', preference: this.preference }) : this.status();
        return { models: MODELS, engine };
      },
      'models.select': async (input) => {
        this.selects.push(input);
        if (this.gate !== undefined) await this.gate;
        if (this.failure !== undefined) throw this.failure;
        if (input.ep !== undefined) this.preference = input.ep;
        if (input.clickModel !== undefined) this.wanted = input.clickModel;
        return this.status();
      },
    });
  }
}

/** A service still loading the default model (as at the app's start); `loaded()` finishes the load. */
function loadingDefaultModel(): { service: FakeEngineService; loaded: () => void } {
  const service = new FakeEngineService();
  service.wanted = 'isegformer-swin32-cpu';
  let loaded = (): void => undefined;
  service.loading = new Promise<void>((resolve) => {
    loaded = () => {
      service.loading = undefined;
      resolve();
    };
  });
  return { service, loaded };
}

function setup(storage = new MemoryStorage(), service = new FakeEngineService()) {
  const client = service.client();
  const app = new AppStore();
  const prompts = new PromptStore(client);
  const store = new EngineSettingsStore(client, app, prompts, storage);
  return { service, client, app, prompts, store, storage };
}

function savedJson(storage: MemoryStorage): unknown {
  const raw = storage.getItem(ENGINE_SETTINGS_KEY);
  return raw === null ? undefined : JSON.parse(raw);
}

describe('EngineSettingsStore', () => {
  it('lists the click models (not propagation ones) and shows what the engine runs', async () => {
    const { store, service, client } = setup();
    expect(store.state).toBe('loading');
    await store.start();
    expect(store.models.map((m) => m.id)).toEqual(['isegformer-swin32-cpu', 'broken-model', 'damaged-model']);
    expect(store.selectedModel).toBe('classical');
    expect(store.selectedEp).toBe('auto');
    expect(store.state).toBe('ready');
    // Nothing saved: the app's own default stays, nothing is selected.
    expect(service.selects).toEqual([]);
    expect(client.calls).toEqual(['models.list']);
  });

  it('selecting a model calls models.select, feeds the status bar and saves the choice', async () => {
    const { store, service, prompts, storage } = setup();
    await store.start();
    expect(await store.select({ clickModel: 'isegformer-swin32-cpu' })).toBe(true);
    expect(service.selects).toEqual([{ clickModel: 'isegformer-swin32-cpu' }]);
    expect(prompts.engine?.kind).toBe('onnx');
    expect(prompts.engine?.clickModel).toBe('isegformer-swin32-cpu');
    expect(store.selectedModel).toBe('isegformer-swin32-cpu');
    expect(savedJson(storage)).toEqual({ clickModel: 'isegformer-swin32-cpu' });

    expect(await store.select({ clickModel: 'classical' })).toBe(true);
    expect(prompts.engine?.kind).toBe('classical');
    expect(store.selectedModel).toBe('classical');
    expect(savedJson(storage)).toEqual({ clickModel: 'classical' });
  });

  it('shows the request and marks the page busy while the service loads the model', async () => {
    const { store, service, app } = setup();
    await store.start();
    let open = (): void => undefined;
    service.gate = new Promise((resolve) => {
      open = resolve;
    });
    const selecting = store.select({ clickModel: 'isegformer-swin32-cpu', ep: 'cpu' });
    await vi.waitFor(() => {
      expect(service.selects).toHaveLength(1);
    });
    expect(store.state).toBe('busy');
    expect(store.selectedModel).toBe('isegformer-swin32-cpu');
    expect(store.selectedEp).toBe('cpu');
    expect(app.busy).toBe(true);
    open();
    await selecting;
    expect(store.state).toBe('ready');
    expect(app.busy).toBe(false);
  });

  it('a model that fails to load keeps the previous choice, reports why, and the fallback answers', async () => {
    const { store, prompts, storage } = setup();
    await store.start();
    await store.select({ clickModel: 'isegformer-swin32-cpu' });
    expect(await store.select({ clickModel: 'broken-model' })).toBe(false);
    expect(store.state).toBe('error');
    expect(store.error).toBe(
      'Model "broken-model" could not be loaded: bad graph Clicks use the classical segmenter.',
    );
    // What the service fell back to is what runs and what the selector shows.
    expect(prompts.engine?.kind).toBe('classical');
    expect(store.selectedModel).toBe('classical');
    // The saved choice is the last one that worked.
    expect(store.saved).toEqual({ clickModel: 'isegformer-swin32-cpu' });
    expect(savedJson(storage)).toEqual({ clickModel: 'isegformer-swin32-cpu' });

    // The next change clears the message.
    expect(await store.select({ clickModel: 'isegformer-swin32-cpu' })).toBe(true);
    expect(store.error).toBeUndefined();
    expect(store.state).toBe('ready');
  });

  it('a call that fails keeps the previous choice, reports the message, and asks what runs now', async () => {
    const { store, service, client, storage } = setup();
    await store.start();
    await store.select({ ep: 'cpu' });
    service.failure = new Error('The connection to iSeg Studio was lost.');
    expect(await store.select({ clickModel: 'isegformer-swin32-cpu' })).toBe(false);
    expect(store.error).toBe('Could not change the click engine: The connection to iSeg Studio was lost.');
    expect(store.state).toBe('error');
    expect(store.saved).toEqual({ ep: 'cpu' });
    expect(savedJson(storage)).toEqual({ ep: 'cpu' });
    expect(store.selectedModel).toBe('classical');
    expect(client.calls.at(-1)).toBe('models.list');
  });

  it('an execution provider the machine lacks is not a failure: the service falls back and says so', async () => {
    const { store, prompts, storage } = setup();
    await store.start();
    await store.select({ clickModel: 'isegformer-swin32-cpu' });
    expect(await store.select({ ep: 'cuda' })).toBe(true);
    expect(store.error).toBeUndefined();
    expect(prompts.engine?.ep).toBe('cpu');
    expect(prompts.engine?.messages).toEqual(['CUDA was requested but it is not available; using CPU.']);
    expect(store.selectedEp).toBe('cuda');
    expect(savedJson(storage)).toEqual({ clickModel: 'isegformer-swin32-cpu', ep: 'cuda' });
  });

  it('re-applies the saved choice at the next start (round trip through storage)', async () => {
    const storage = new MemoryStorage();
    const first = setup(storage);
    await first.store.start();
    await first.store.select({ clickModel: 'isegformer-swin32-cpu' });
    await first.store.select({ ep: 'cpu' });

    // A new page against a service that runs its defaults again.
    const second = setup(storage);
    expect(second.store.saved).toEqual({ clickModel: 'isegformer-swin32-cpu', ep: 'cpu' });
    await second.store.start();
    expect(second.service.selects).toEqual([{ clickModel: 'isegformer-swin32-cpu', ep: 'cpu' }]);
    expect(second.prompts.engine?.clickModel).toBe('isegformer-swin32-cpu');
    expect(second.store.selectedEp).toBe('cpu');
  });

  it('waits for the default model to load before comparing it with the saved choice', async () => {
    const storage = new MemoryStorage();
    storage.setItem(ENGINE_SETTINGS_KEY, JSON.stringify({ clickModel: 'classical' }));
    const { service, loaded } = loadingDefaultModel();
    const { store, prompts } = setup(storage, service);
    const started = store.start();
    await vi.waitFor(() => expect(service.lists).toBe(2)); // the list, then the wait for the engine
    expect(prompts.engine?.state).toBe('loading');
    expect(service.selects).toEqual([]);
    loaded();
    await started;
    // While loading, the engine reported the classical segmenter; the saved "classical" is applied
    // only now that the model is seen to run.
    expect(service.selects).toEqual([{ clickModel: 'classical' }]);
    expect(prompts.engine?.kind).toBe('classical');
    expect(store.selectedModel).toBe('classical');
  });

  it('shows the default model once it has loaded, with nothing saved', async () => {
    const { service, loaded } = loadingDefaultModel();
    const { store, prompts } = setup(new MemoryStorage(), service);
    const started = store.start();
    await vi.waitFor(() => expect(service.lists).toBe(2));
    loaded();
    await started;
    expect(prompts.engine).toMatchObject({ clickModel: 'isegformer-swin32-cpu', kind: 'onnx', state: 'ready' });
    expect(service.selects).toEqual([]);
  });

  it('does not reload a saved model the engine already runs', async () => {
    const storage = new MemoryStorage();
    storage.setItem(ENGINE_SETTINGS_KEY, JSON.stringify({ clickModel: 'isegformer-swin32-cpu' }));
    const service = new FakeEngineService();
    service.wanted = 'isegformer-swin32-cpu';
    const { store } = setup(storage, service);
    await store.start();
    expect(service.selects).toEqual([]);
    expect(store.selectedModel).toBe('isegformer-swin32-cpu');
  });

  it('a saved model that is gone leaves the fallback running, the message shown, and the choice saved', async () => {
    const storage = new MemoryStorage();
    storage.setItem(ENGINE_SETTINGS_KEY, JSON.stringify({ clickModel: 'removed-model' }));
    const { store, service } = setup(storage);
    await store.start();
    expect(service.selects).toEqual([{ clickModel: 'removed-model' }]);
    expect(store.state).toBe('error');
    expect(store.error).toContain('removed-model');
    expect(store.selectedModel).toBe('classical');
    expect(savedJson(storage)).toEqual({ clickModel: 'removed-model' });
  });

  it.each([
    ['not JSON', '{clickModel:'],
    ['a bare string', '"isegformer-swin32-cpu"'],
    ['null', 'null'],
    ['an array', '["isegformer-swin32-cpu"]'],
    ['a number for the model', '{"clickModel":5}'],
    ['a path for the model', '{"clickModel":"../../etc/passwd"}'],
    ['an over-long model id', JSON.stringify({ clickModel: 'm'.repeat(65) })],
    ['an unknown provider', '{"ep":"tpu"}'],
    ['an unexpected field', '{"clickModel":"isegformer-swin32-cpu","script":"alert(1)"}'],
    ['a prototype key', '{"__proto__":{"clickModel":"isegformer-swin32-cpu"}}'],
  ])('ignores corrupt or hostile storage: %s', async (_what, raw) => {
    const storage = new MemoryStorage();
    storage.setItem(ENGINE_SETTINGS_KEY, raw);
    expect(readSavedChoice(storage)).toEqual({});
    const { store, service } = setup(storage);
    await store.start();
    expect(service.selects).toEqual([]);
    expect(store.state).toBe('ready');
  });

  it('reads a valid saved choice (so the cases above fail for their content, not the key)', () => {
    const storage = new MemoryStorage();
    storage.setItem(ENGINE_SETTINGS_KEY, '{"clickModel":"isegformer-swin32-cpu","ep":"cpu"}');
    expect(readSavedChoice(storage)).toEqual({ clickModel: 'isegformer-swin32-cpu', ep: 'cpu' });
  });

  it('ignores storage that refuses to be read', async () => {
    const refusing = {
      getItem(): string | null {
        throw new Error('SecurityError');
      },
      setItem(): void {
        throw new Error('SecurityError');
      },
    };
    const service = new FakeEngineService();
    const client = service.client();
    const app = new AppStore();
    const prompts = new PromptStore(client);
    const store = new EngineSettingsStore(client, app, prompts, refusing);
    await store.start();
    expect(await store.select({ clickModel: 'isegformer-swin32-cpu' })).toBe(true);
    expect(prompts.engine?.clickModel).toBe('isegformer-swin32-cpu');
  });

  it('offers only the execution providers the service platform has', () => {
    const { store, app } = setup();
    const available = (): string[] => store.epOptions.filter((o) => o.available).map((o) => o.value);
    expect(available()).toEqual(['auto', 'cpu', 'cuda', 'dml', 'coreml']);
    const info = {
      name: 'iSeg Studio',
      version: '0',
      transport: 'serve' as const,
      inference: { state: 'ready' as const, restarts: 0 },
    };
    app.setInfo({ ...info, platform: 'linux-x64' });
    expect(available()).toEqual(['auto', 'cpu', 'cuda']);
    app.setInfo({ ...info, platform: 'win32-x64' });
    expect(available()).toEqual(['auto', 'cpu', 'cuda', 'dml']);
    app.setInfo({ ...info, platform: 'darwin-arm64' });
    expect(available()).toEqual(['auto', 'cpu', 'coreml']);
  });
});

describe('RootStore and the click engine settings', () => {
  it('lists the models once at start-up and re-applies the saved choice', async () => {
    const storage = new MemoryStorage();
    storage.setItem(ENGINE_SETTINGS_KEY, JSON.stringify({ clickModel: 'isegformer-swin32-cpu' }));
    vi.stubGlobal('localStorage', storage);
    const service = new FakeEngineService();
    const root = new RootStore(service.client());
    expect(service.selects).toEqual([]);
    await root.engineSettings.start();
    expect(root.prompts.engine?.clickModel).toBe('isegformer-swin32-cpu');
    expect(service.lists).toBe(1);
    expect(service.selects).toEqual([{ clickModel: 'isegformer-swin32-cpu' }]);
    expect(root.engineSettings.state).toBe('ready');
  });

  it('a new engine status replaces the last click answer in the status bar', async () => {
    const service = new FakeEngineService();
    const client = new FakeClient({
      'models.list': () => Promise.resolve({ models: MODELS, engine: service.status() }),
      'models.select': (input) => {
        if (input.clickModel !== undefined) service.wanted = input.clickModel;
        return Promise.resolve(service.status());
      },
      'segmentation.clickToMask': () =>
        Promise.resolve({
          mask: new Uint8Array(4).buffer,
          width: 2,
          height: 2,
          axis: 2 as const,
          slice: 0,
          modelId: 'classical-growcut',
          kind: 'classical' as const,
          elapsedMs: 1,
        }),
    });
    const prompts = new PromptStore(client);
    const store = new EngineSettingsStore(client, new AppStore(), prompts, new MemoryStorage());
    await store.start();
    await prompts.addClick('v', { axis: 2, slice: 0 }, { x: 0, y: 0, positive: true });
    expect(prompts.lastAnswer?.kind).toBe('classical');
    await store.select({ clickModel: 'isegformer-swin32-cpu' });
    expect(prompts.lastAnswer).toBeUndefined();
  });
});
