/**
 * Sends a prompt part (a click, a box or a scribble) for the open image to the click engine on
 * behalf of the click, box and scribble tools; a failure becomes the status bar's notice.
 */
import type { SliceRef } from '../../../electron/common/slice';
import type { PromptPart } from '../stores/prompt-store';

/** The stores a prompt goes through (AppStore, VolumeStore, PromptStore). */
export interface PromptStores {
  readonly app: {
    track<T>(work: () => Promise<T>): Promise<T>;
    setNotice(message: string | undefined): void;
  };
  readonly volume: { readonly meta: { readonly id: string } | undefined };
  readonly prompts: { add(volumeId: string, ref: SliceRef, part: PromptPart): Promise<void> };
}

export class PromptInput {
  constructor(private readonly stores: PromptStores) {}

  /** Adds `part` to the prompt on `ref`; without an open image it does nothing. */
  async send(ref: SliceRef, part: PromptPart): Promise<void> {
    const { app, volume, prompts } = this.stores;
    const id = volume.meta?.id;
    if (id === undefined) return;
    try {
      await app.track(() => prompts.add(id, ref, part));
    } catch (error) {
      const what = 'click' in part ? 'Click' : 'box' in part ? 'Box' : 'Scribble';
      app.setNotice(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
