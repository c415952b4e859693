/**
 * The click engine's settings: which click model answers clicks (the classical GrowCut segmenter
 * or an ONNX model from `models.list`) and which execution provider runs it. A change goes to
 * `models.select`; the service decides what actually runs (it falls back to the classical
 * segmenter, or to the CPU, and says why), so the selectors show the engine's status, not the
 * request. A choice that took effect is saved in localStorage and re-applied at the next start.
 */
import { action, computed, makeObservable, observable, observableRef, runInAction } from 'mobx';
import { z } from 'zod';
import type { ServiceClient } from '../../../electron/common/contract';
import {
  executionProviderPreferenceSchema,
  type ClickEngineStatus,
  type ModelInfo,
} from '../../../electron/common/contract-click';
import {
  EP_LABELS,
  EXECUTION_PROVIDERS,
  providerAvailable,
  type ExecutionProviderPreference,
} from '../../../electron/common/click/execution-provider';
import type { AppStore } from './app-store';
import type { PromptStore } from './prompt-store';
import { readStored, writeStored, type KeyValueStorage } from './stored-settings';

// Moved to stored-settings.ts (shared with the workspace settings); re-exported for existing importers.
export { browserStorage, type KeyValueStorage } from './stored-settings';

/** What `models.select` takes to pick the classical segmenter. */
export const CLASSICAL_CHOICE = 'classical';
/** The localStorage key (namespaced: the page may share its origin's storage with other tools). */
export const ENGINE_SETTINGS_KEY = 'iseg.clickEngine';

/** What the user chose; a field is present only once the user set it (the rest stays the app's default). */
export interface EngineChoice {
  /** "classical" or a click model id. */
  readonly clickModel?: string;
  readonly ep?: ExecutionProviderPreference;
}

/**
 * The saved choice, checked on read: anything else in storage (an older format, a hand edit,
 * another page's junk) is ignored rather than sent to the service.
 */
const savedChoiceSchema = z
  .object({
    clickModel: z
      .string()
      .max(64)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'not a model id')
      .optional(),
    ep: executionProviderPreferenceSchema.optional(),
  })
  .strict();

export function readSavedChoice(storage: KeyValueStorage | undefined): EngineChoice {
  const saved = readStored(storage, ENGINE_SETTINGS_KEY, savedChoiceSchema);
  if (saved === undefined) return {};
  const { clickModel, ep } = saved;
  return { ...(clickModel === undefined ? {} : { clickModel }), ...(ep === undefined ? {} : { ep }) };
}

/** The selector value for what the engine runs: "classical" or the model id. */
export function engineModelChoice(engine: ClickEngineStatus): string {
  return engine.kind === 'classical' ? CLASSICAL_CHOICE : engine.clickModel;
}

/** A model can be loaded only when its files matched its manifest. */
export function modelUsable(model: ModelInfo): boolean {
  return model.status === 'ok' || model.status === 'unverified';
}

/** The selector's order: Automatic, the CPU (always there), then the accelerators. */
export const EP_PREFERENCES: readonly ExecutionProviderPreference[] = [
  'auto',
  'cpu',
  ...EXECUTION_PROVIDERS.filter((ep) => ep !== 'cpu'),
];

export interface EpOption {
  readonly value: ExecutionProviderPreference;
  readonly label: string;
  /** False where onnxruntime cannot offer it on the service's platform (the service would use the CPU). */
  readonly available: boolean;
  readonly note: string;
}

export type EngineSettingsState = 'loading' | 'busy' | 'ready' | 'error';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class EngineSettingsStore {
  /** Click models from `models.list` (propagation models left out; the service lists no fixtures). */
  models: readonly ModelInfo[] = [];
  /** The choice saved for the next start (only changes that took effect are saved). */
  saved: EngineChoice;
  /** The change being applied; the selectors show it until the service answers. */
  pending: EngineChoice | undefined = undefined;
  /** Why the last change did not take effect (cleared by the next change). */
  error: string | undefined = undefined;
  /** False until the first `models.list` of this store has answered (or failed). */
  listed = false;
  private started = false;
  /** Changes run one after another, so the service never loads two models at once for us. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly client: ServiceClient,
    private readonly app: AppStore,
    private readonly prompts: PromptStore,
    private readonly storage: KeyValueStorage | undefined,
  ) {
    this.saved = readSavedChoice(storage);
    makeObservable<EngineSettingsStore, 'client' | 'app' | 'prompts' | 'storage' | 'started' | 'queue'>(
      this,
      {
        client: false,
        app: false,
        prompts: false,
        storage: false,
        started: false,
        queue: false,
        models: observableRef,
        saved: observableRef,
        pending: observableRef,
        error: observable,
        listed: observable,
        selectedModel: computed,
        selectedEp: computed,
        epOptions: computed,
        state: computed,
        setListed: action,
      },
    );
  }

  /** The model the selector shows: the one being applied, else what the engine runs ('' unknown). */
  get selectedModel(): string {
    const engine = this.prompts.engine;
    return this.pending?.clickModel ?? (engine === undefined ? '' : engineModelChoice(engine));
  }

  get selectedEp(): ExecutionProviderPreference {
    return this.pending?.ep ?? this.prompts.engine?.preference ?? 'auto';
  }

  /** Automatic first, then each provider, marked unavailable where the service's platform lacks it. */
  get epOptions(): readonly EpOption[] {
    const platform = this.app.info?.platform;
    const dash = platform?.indexOf('-') ?? -1;
    const facts =
      platform === undefined || dash < 0
        ? undefined
        : // Whether CUDA's libraries are installed is not known here; the service falls back if not.
          { platform: platform.slice(0, dash), arch: platform.slice(dash + 1), cudaBinaries: true };
    return EP_PREFERENCES.map((value) => {
      if (value === 'auto')
        return {
          value,
          label: 'Automatic',
          available: true,
          note: 'The fastest provider this machine offers, else the CPU',
        };
      const available = facts === undefined || providerAvailable(value, facts);
      const label = EP_LABELS[value];
      return {
        value,
        label,
        available,
        note: available
          ? `Run the click model with ${label}`
          : `${label} is not available on ${platform ?? '?'}; the CPU would be used`,
      };
    });
  }

  get state(): EngineSettingsState {
    if (this.pending !== undefined) return 'busy';
    if (!this.listed) return 'loading';
    return this.error === undefined ? 'ready' : 'error';
  }

  setListed(models: readonly ModelInfo[] | undefined, error?: string): void {
    if (models !== undefined) this.models = models.filter((m) => m.task !== 'propagation');
    this.listed = true;
    this.error = error;
  }

  /**
   * Lists the models (the page's one `models.list` at start-up, which also tells the status bar what
   * the engine runs), then re-applies the saved choice where the engine runs something else. Runs once.
   */
  start(): Promise<void> {
    if (this.started) return this.queue.then(() => undefined);
    this.started = true;
    return this.enqueue(async () => {
      try {
        const { models, engine } = await this.app.track(() => this.client.call('models.list', {}));
        this.prompts.setEngine(engine);
        this.setListed(models);
        // The default model is still loading: until it has, the engine reports the classical
        // segmenter, which must not be taken for what runs (nor for a saved "classical" choice).
        if (engine.state === 'loading' || engine.state === 'idle') await this.awaitEngine();
      } catch (error) {
        this.setListed(undefined, `Could not list the click models: ${messageOf(error)}`);
        return;
      }
      const saved = this.saved;
      const engine = this.prompts.engine;
      if (engine === undefined || (saved.clickModel === undefined && saved.ep === undefined)) return;
      const sameModel = saved.clickModel === undefined || saved.clickModel === engineModelChoice(engine);
      const sameEp = saved.ep === undefined || saved.ep === engine.preference;
      // Re-selecting what already runs would unload and load the model again for nothing.
      if (sameModel && sameEp) return;
      await this.apply(saved, false);
    });
  }

  /** Waits for the engine's model to load and shows what then runs (on failure, the last status stays). */
  private async awaitEngine(): Promise<void> {
    try {
      const { engine } = await this.app.track(() => this.client.call('models.list', { waitForEngine: true }));
      this.prompts.setEngine(engine);
    } catch {
      // The status bar keeps the "loading" status; the first click's answer will replace it.
    }
  }

  /** Asks the service for `change`; true when it took effect (and was saved). */
  select(change: EngineChoice): Promise<boolean> {
    return this.enqueue(() => this.apply(change, true));
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async apply(change: EngineChoice, save: boolean): Promise<boolean> {
    if (change.clickModel === undefined && change.ep === undefined) return true;
    const running = this.prompts.engine;
    // The model that should answer afterwards: the one asked for, else the one that runs now.
    const expected = change.clickModel ?? (running === undefined ? undefined : engineModelChoice(running));
    runInAction(() => {
      this.pending = change;
      this.error = undefined;
    });
    let status: ClickEngineStatus;
    try {
      status = await this.app.track(() => this.client.call('models.select', { ...change }));
    } catch (error) {
      await this.resync();
      runInAction(() => {
        this.pending = undefined;
        this.error = `Could not change the click engine: ${messageOf(error)}`;
      });
      return false;
    }
    this.prompts.setEngine(status);
    // The service never fails a selection: a model it cannot load leaves the classical segmenter
    // answering, with the reason in its messages. That is a failure of this choice.
    const wantedModel = expected !== undefined && expected !== CLASSICAL_CHOICE && expected !== 'default';
    const failed = wantedModel && (status.kind !== 'onnx' || status.clickModel !== expected);
    runInAction(() => {
      this.pending = undefined;
      if (failed) {
        const why = status.messages.join(' ');
        this.error =
          why === '' ? `The click model "${expected}" could not be loaded; clicks use ${status.label}.` : why;
        return;
      }
      if (save) {
        this.saved = { ...this.saved, ...change };
        this.persist();
      }
    });
    return !failed;
  }

  /** After a failed call, asks what the engine runs now (best effort: the call may have half-happened). */
  private async resync(): Promise<void> {
    try {
      const { engine } = await this.client.call('models.list', {});
      this.prompts.setEngine(engine);
    } catch {
      // The selectors keep showing the last status the service gave.
    }
  }

  private persist(): void {
    writeStored(this.storage, ENGINE_SETTINGS_KEY, this.saved);
  }
}
