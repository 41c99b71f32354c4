/** Every failure ai-trace reports to a user carries one of these codes. */
export const TRACE_ERROR_CODES = [
  'USAGE',
  'NOT_A_REPO',
  'NOT_INITIALIZED',
  'CONFIG_INVALID',
  'DAEMON_UNAVAILABLE',
  'NOT_FOUND',
  'GIT_FAILED',
  'VERIFY_FAILED',
  'DELIVERY_FAILED',
  'UNSUPPORTED',
  'STATE_NOT_OWNED',
  'CANCELLED',
  'INTERNAL',
] as const;

/** One of TRACE_ERROR_CODES. */
export type TraceErrorCode = (typeof TRACE_ERROR_CODES)[number];

/** True for a string that is one of the codes (e.g. read back from the daemon's answer). */
export function isTraceErrorCode(code: unknown): code is TraceErrorCode {
  return typeof code === 'string' && (TRACE_ERROR_CODES as readonly string[]).includes(code);
}

/** The process exit status for a code: 2 for a usage error (the `trace pr` contract: 0 ok, 1 failure, 2 usage), else 1. */
export function exitCodeFor(code: TraceErrorCode): 1 | 2 {
  return code === 'USAGE' ? 2 : 1;
}

/** The HTTP status the daemon answers a code with (the client reads the code back from the body). */
export function httpStatusFor(code: TraceErrorCode): number {
  switch (code) {
    case 'USAGE':
      return 400;
    case 'NOT_FOUND':
      return 404;
    case 'NOT_A_REPO':
    case 'NOT_INITIALIZED':
    case 'CONFIG_INVALID':
    case 'UNSUPPORTED':
      return 422;
    case 'DAEMON_UNAVAILABLE':
    case 'DELIVERY_FAILED':
      return 503;
    default:
      return 500;
  }
}

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
