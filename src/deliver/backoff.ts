import { TraceError } from '../errors.js';

/** How long to wait between delivery attempts: exponential from baseMs, capped at maxMs. */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
}

/** Defaults when TRACE_RETRY_BASE_MS / TRACE_RETRY_MAX_MS are unset: 2 s, doubling, at most 10 min. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ baseMs: 2000, maxMs: 10 * 60 * 1000 });

/**
 * Delay in ms before the next attempt, after `attempt` attempts have failed (1 = the first failure).
 * Full jitter: uniform in [0, min(maxMs, baseMs * 2^(attempt-1))]; never above maxMs.
 */
export function nextDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const n = Number.isFinite(attempt) && attempt >= 1 ? Math.floor(attempt) : 1;
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(n - 1, 1000));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.min(policy.maxMs, Math.round(ceiling * r));
}

/** Reads TRACE_RETRY_BASE_MS / TRACE_RETRY_MAX_MS over the defaults; throws CONFIG_INVALID on junk. */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const baseMs = readMs(env, 'TRACE_RETRY_BASE_MS') ?? DEFAULT_RETRY_POLICY.baseMs;
  const maxMs = readMs(env, 'TRACE_RETRY_MAX_MS') ?? Math.max(DEFAULT_RETRY_POLICY.maxMs, baseMs);
  return { baseMs, maxMs: Math.max(maxMs, baseMs) };
}

function readMs(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw.trim());
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TraceError(
      'CONFIG_INVALID',
      `${name} must be a positive whole number of milliseconds, got '${raw}'; fix or unset it and restart the daemon`,
    );
  }
  return value;
}
