/** The service client inside Electron, over the narrow bridge the preload exposes. */
import {
  CallError,
  methods,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type PreloadBridge,
  type ServiceClient,
} from '../../../electron/common/contract';
import { EventHub } from './event-hub';

export class IpcClient implements ServiceClient {
  private readonly hub = new EventHub();

  constructor(private readonly bridge: PreloadBridge) {
    bridge.onEvent((name, payload) => {
      this.hub.emit(name, payload);
    });
  }

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const result = await this.bridge.invoke(method, input);
    if (!result.ok) throw new CallError(result.error.code, result.error.message);
    const parsed = methods[method].output.safeParse(result.output);
    if (!parsed.success) throw new CallError('bad-response', `Unexpected reply to ${method}.`);
    return parsed.data as MethodOutput<M>;
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.hub.on(event, listener);
  }
}
