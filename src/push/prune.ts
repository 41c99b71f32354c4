import type { DB } from '../store/db.js';

/** How long local session data is kept once everything it contributed to was delivered. */
export function retentionMs(env: NodeJS.ProcessEnv = process.env): number {
  const days = Number(env.TRACE_RETENTION_DAYS ?? 30);
  return (Number.isFinite(days) && days >= 0 ? days : 30) * 24 * 60 * 60 * 1000;
}

/**
 * Prunes the local detail of sessions that ended more than `keepMs` ago and whose every commit is in
 * a delivered attestation: their event rows go; the session summary (with its transcript totals),
 * commit attribution and the attestations stay, so trace show and trace verify keep working.
 */
export function pruneDelivered(db: DB, keepMs: number, now = Date.now()): number {
  const cutoff = new Date(now - keepMs).toISOString();
  const candidates = db
    .prepare(`SELECT s.id FROM sessions s WHERE s.ended_at IS NOT NULL AND s.ended_at < ? AND EXISTS (SELECT 1 FROM events e WHERE e.session_id = s.id)`)
    .all(cutoff) as { id: string }[];
  if (candidates.length === 0) return 0;
  const delivered = new Set<string>();
  const rows = db
    .prepare(`SELECT p.commits FROM pushes p WHERE NOT EXISTS (SELECT 1 FROM delivery_jobs j WHERE j.push_id = p.id AND j.state != 'delivered')`)
    .all() as { commits: string }[];
  for (const r of rows) for (const c of JSON.parse(r.commits) as string[]) delivered.add(c);
  let n = 0;
  const commitsOf = db.prepare('SELECT sha FROM session_commits WHERE session_id = ?');
  const dropEvents = db.prepare('DELETE FROM events WHERE session_id = ?');
  for (const { id } of candidates) {
    const shas = (commitsOf.all(id) as { sha: string }[]).map((r) => r.sha);
    if (shas.length === 0 || !shas.every((s) => delivered.has(s))) continue;
    dropEvents.run(id);
    n++;
  }
  return n;
}
