import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RequestUsage } from '../request-usage.js';

/**
 * OpenCode's own records of a session (1.18: SQLite `opencode.db` in its data dir, WAL mode; tables
 * `session` and `message`, whose `data` column is the message JSON). Each assistant message carries
 * `tokens {input, output, reasoning, cache: {read, write}}`, `modelID`, `providerID` and `cost`.
 *
 * OpenCode counts like Anthropic for input and apart for reasoning: `input` EXCLUDES cache reads and
 * writes, `output` EXCLUDES `reasoning`. ai-trace reports Claude Code's semantics, so output = output +
 * reasoning; input and the cache figures are taken as they are.
 */

/** One assistant message (one model request). */
export interface OpencodeRequest extends RequestUsage {
  id: string;
  provider?: string;
  /** OpenCode's own cost figure for the message (0 for a model it has no price for). */
  cost?: number;
}

/** What the records say about one session; JSON, kept with the session between reads. */
export interface OpencodeRecords {
  /** The database the session was found in. */
  db?: string;
  version?: string;
  slug?: string;
  title?: string;
  requests: OpencodeRequest[];
  userMessages: number;
  assistantMessages: number;
  lastTimestamp?: string;
  warnings: string[];
}

type Json = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The databases that may hold a session, best first: `where` itself when it is a file (OPENCODE_DB),
 * else in that data dir `opencode.db`, then the channel databases (`opencode-<channel>.db`).
 */
function candidates(where: string): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(where);
  } catch {
    return [];
  }
  if (st.isFile()) return [where];
  if (!st.isDirectory()) return [];
  const names = fs.readdirSync(where).filter((n) => /^opencode(-[A-Za-z0-9._-]+)?\.db$/.test(n));
  names.sort((a, b) => (a === 'opencode.db' ? -1 : b === 'opencode.db' ? 1 : a.localeCompare(b)));
  return names.map((n) => path.join(where, n));
}

/** Reads session `sessionId` from OpenCode's records at `where` (its database, or its data dir). Never throws. */
export function readOpencodeRecords(where: string, sessionId: string): OpencodeRecords {
  const out: OpencodeRecords = { requests: [], userMessages: 0, assistantMessages: 0, warnings: [] };
  const dbs = candidates(where);
  if (dbs.length === 0) {
    out.warnings.push(`${where}: no OpenCode database there; usage unknown`);
    return out;
  }
  for (const file of dbs) {
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true, timeout: 2000 });
      const session = db.prepare('SELECT slug, title, version FROM session WHERE id = ?').get(sessionId) as Json | undefined;
      if (!session) continue;
      out.db = file;
      out.version = str(session.version);
      out.slug = str(session.slug);
      out.title = str(session.title);
      const rows = db.prepare('SELECT id, time_created, data FROM message WHERE session_id = ? ORDER BY time_created, id').all(sessionId) as Json[];
      for (const row of rows) fold(out, row);
      return out;
    } catch (err) {
      out.warnings.push(`${file}: not readable as OpenCode's database (${(err as Error).message})`);
    } finally {
      db?.close();
    }
  }
  if (!out.warnings.length) out.warnings.push(`session ${sessionId} is not in OpenCode's database at ${where}; usage unknown`);
  return out;
}

function fold(out: OpencodeRecords, row: Json): void {
  let data: Json;
  try {
    data = JSON.parse(String(row.data)) as Json;
  } catch {
    return;
  }
  const created = typeof row.time_created === 'number' ? new Date(row.time_created).toISOString() : undefined;
  if (created && (!out.lastTimestamp || created > out.lastTimestamp)) out.lastTimestamp = created;
  if (data.role === 'user') {
    out.userMessages++;
    return;
  }
  if (data.role !== 'assistant') return;
  out.assistantMessages++;
  const t = (data.tokens && typeof data.tokens === 'object' ? data.tokens : {}) as Json;
  const cache = (t.cache && typeof t.cache === 'object' ? t.cache : {}) as Json;
  out.requests.push({
    id: String(row.id),
    ...(str(data.modelID) ? { model: str(data.modelID) } : {}),
    ...(str(data.providerID) ? { provider: str(data.providerID) } : {}),
    input: num(t.input),
    output: num(t.output) + num(t.reasoning),
    cacheRead: num(cache.read),
    cacheWrite: num(cache.write),
    ...(typeof data.cost === 'number' ? { cost: data.cost } : {}),
  });
}
