import { TraceError } from '../errors.js';

/** The periods the dashboard knows, as Chainloop's dashboard offers them. */
export const PERIODS = { '24h': 24 * 3600_000, '7d': 7 * 86400_000, '30d': 30 * 86400_000, '90d': 90 * 86400_000 } as const;
export type PeriodName = keyof typeof PERIODS;

/** A half-open time window [from, to) in ISO 8601 UTC, and the window of the same length before it. */
export interface Window {
  name: PeriodName;
  from: string;
  to: string;
  previousFrom: string;
}

/** Parses `24h|7d|30d|90d` (default 7d); a USAGE error otherwise. */
export function parsePeriod(raw: string | undefined): PeriodName {
  const name = raw ?? '7d';
  if (!(name in PERIODS)) throw new TraceError('USAGE', `unknown period '${name}': use one of ${Object.keys(PERIODS).join(', ')}`);
  return name as PeriodName;
}

/** The window of `name` ending at `now`. */
export function windowFor(name: PeriodName, now: Date = new Date()): Window {
  const len = PERIODS[name];
  const to = now.getTime();
  return {
    name,
    from: new Date(to - len).toISOString(),
    to: new Date(to).toISOString(),
    previousFrom: new Date(to - 2 * len).toISOString(),
  };
}

/** `YYYY-MM-DD` (UTC) of an ISO time. */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

/** Every UTC day that [from, to) touches, in order. */
export function daysOf(w: Window): string[] {
  const out: string[] = [];
  const end = Date.parse(w.to);
  for (let t = Date.parse(`${dayOf(w.from)}T00:00:00.000Z`); t < end; t += 86400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
