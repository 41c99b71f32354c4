/** Every failure ai-trace reports to a user carries one of these codes. */
export type TraceErrorCode =
  | 'USAGE'
  | 'NOT_A_REPO'
  | 'NOT_INITIALIZED'
  | 'CONFIG_INVALID'
  | 'DAEMON_UNAVAILABLE'
  | 'NOT_FOUND'
  | 'GIT_FAILED'
  | 'VERIFY_FAILED'
  | 'DELIVERY_FAILED'
  | 'UNSUPPORTED'
  | 'INTERNAL';

/** A failure with a closed code, a message that says what to do, and the lower-level cause. */
export class TraceError extends Error {
  readonly code: TraceErrorCode;
  constructor(code: TraceErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TraceError';
    this.code = code;
  }
}

/** Wraps any thrown value into a TraceError, keeping an existing one as is. */
export function asTraceError(err: unknown, code: TraceErrorCode = 'INTERNAL'): TraceError {
  if (err instanceof TraceError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new TraceError(code, message, { cause: err });
}
