import { TraceError } from '../errors.js';
import type { Dashboard, DailySeries } from './cards.js';
import type { PeriodName } from './period.js';

/** GETs `path` from a `trace server` (base URL) and returns the parsed JSON, or a clear error. */
async function getJson<T>(base: string, path: string): Promise<T> {
  let url: URL;
  try {
    url = new URL(path, base.endsWith('/') ? base : `${base}/`);
  } catch {
    throw new TraceError('USAGE', `--server '${base}' is not a URL; pass e.g. http://trace.example.com:8080`);
  }
  const { request } = await import('undici');
  let res;
  try {
    res = await request(url, { method: 'GET', headersTimeout: 30_000, bodyTimeout: 30_000 });
  } catch (err) {
    throw new TraceError('NOT_FOUND', `cannot reach the trace server at ${url.origin}: ${(err as Error).message}; check --server and that it runs`, { cause: err });
  }
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new TraceError('NOT_FOUND', `${url.href} answered HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

/** The dashboard JSON of a period from a server (`GET /api/dashboard`). */
export const fetchDashboard = (base: string, period: PeriodName): Promise<Dashboard> => getJson(base, `api/dashboard?period=${period}`);

/** The per-day figures of a period from a server (`GET /api/dashboard/daily`). */
export const fetchDailySeries = (base: string, period: PeriodName): Promise<DailySeries> => getJson(base, `api/dashboard/daily?period=${period}`);
