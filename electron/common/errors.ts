/** Errors that cross a process boundary: a stable code plus one sentence for the user. */
export const ERROR_CODES = [
  'bad-request',
  'unknown-method',
  'not-allowed',
  'not-found',
  'unreadable',
  'geometry-mismatch',
  'worker-crashed',
  'worker-unavailable',
  'cancelled',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
}

export function toWireError(error: unknown): WireError {
  if (error instanceof ServiceError) return { code: error.code, message: error.message };
  // Anything else is a bug on our side: say so without leaking a stack or a path to the page.
  return { code: 'internal', message: 'Internal error; the details are in the application log.' };
}
