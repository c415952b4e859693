/** Typed event listeners shared by both transports; payloads are validated before delivery. */
import { events, isEventName, type EventName, type EventPayload } from '../../../electron/common/contract';

type AnyListener = (payload: unknown) => void;

export class EventHub {
  private readonly listeners = new Map<EventName, Set<AnyListener>>();

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const entry = listener as AnyListener;
    set.add(entry);
    return () => set.delete(entry);
  }

  emit(name: unknown, payload: unknown): void {
    if (!isEventName(name)) return;
    const parsed = events[name].safeParse(payload);
    if (!parsed.success) {
      // A dropped event leaves whoever waits on it waiting: say so where a developer will look.
      console.error(`Dropped a malformed ${name} event: ${parsed.error.issues[0]?.message ?? 'rejected'} at ${parsed.error.issues[0]?.path.join('.') ?? ''}`);
      return;
    }
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        listener(parsed.data);
      } catch (error) {
        // One listener's failure must not stop the others, nor the transport's frames after it.
        console.error(`A ${name} listener failed:`, error);
      }
    }
  }
}
