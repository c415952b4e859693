/**
 * Validates and routes one call from an untrusted caller. Both transports (Electron IPC and the
 * serve-mode WebSocket) go through here, so a payload is checked the same way whichever way it came.
 */
import { isMethodName, methods, type MethodArgs, type MethodName, type MethodOutput } from './contract';
import { ServiceError, toWireError, type WireError } from './errors';
import { payloadLimitProblem } from './payload-limits';

export type ServiceHandlers = {
  [M in MethodName]: (input: MethodArgs<M>) => Promise<MethodOutput<M>>;
};

export type DispatchResult = { ok: true; output: unknown } | { ok: false; error: WireError };

export interface DispatchOptions {
  /** Told about internal errors (with their stack) so they reach the log, never the caller. */
  onInternalError?: (method: string, error: unknown) => void;
}

export async function dispatch(
  handlers: ServiceHandlers,
  method: unknown,
  input: unknown,
  options: DispatchOptions = {},
): Promise<DispatchResult> {
  if (!isMethodName(method)) {
    return { ok: false, error: { code: 'unknown-method', message: 'Unknown method.' } };
  }
  // Nothing a caller sends may take the service down: validation and handler alike are caught.
  try {
    const tooBig = payloadLimitProblem(input);
    if (tooBig !== undefined) return { ok: false, error: { code: 'bad-request', message: `Invalid input for ${method}: ${tooBig}` } };
    const parsed = methods[method].input.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      return {
        ok: false,
        error: { code: 'bad-request', message: `Invalid input for ${method}${where}: ${issue?.message ?? 'rejected'}.` },
      };
    }
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    const output = await handler(parsed.data);
    return { ok: true, output };
  } catch (error) {
    if (!(error instanceof ServiceError)) options.onInternalError?.(method, error);
    return { ok: false, error: toWireError(error) };
  }
}

export { ServiceError };
