import type { ReadModel } from './deps.js';
import { refreshUsage } from '../agents/usage.js';
import { TraceError } from '../errors.js';
import { buildSessionData, type SessionData } from '../evidence/session-data.js';
import type { SessionRecord } from '../store/sessions.js';

/** Finds a session by full id or unambiguous prefix. */
export function findSession(rec: Pick<ReadModel, 'commits' | 'sessions'>, id: string): SessionRecord {
  const exact = rec.sessions.get(id);
  if (exact) return exact;
  const found = id.length >= 4 ? rec.sessions.findByPrefix(id) : [];
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new TraceError('USAGE', `session id ${id} is ambiguous: give more characters`);
  throw new TraceError('NOT_FOUND', `no session ${id}: see trace status for the sessions ai-trace knows`);
}

/** The session's evidence, with the transcript read up to now. */
export async function showSession(rec: Pick<ReadModel, 'commits' | 'sessions'>, id: string): Promise<SessionData> {
  const s = findSession(rec, id);
  refreshUsage(s);
  rec.sessions.save(s);
  return buildSessionData(s, rec.commits);
}
