import type { DB } from './db.js';

/** The log of ingested hook events: one row per spool file, so a file is never applied twice. */
export class EventStore {
  constructor(private readonly db: DB) {}

  seen(spoolKey: string): boolean {
    return this.db.prepare('SELECT 1 FROM events WHERE spool_key = ?').get(spoolKey) !== undefined;
  }

  add(e: { spoolKey: string; sessionId?: string; repo?: string; ts: string; agent: string; name: string; tool?: string; file?: string; note?: string }): void {
    this.db
      .prepare('INSERT OR IGNORE INTO events (spool_key, session_id, repo, ts, agent, name, tool, file, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(e.spoolKey, e.sessionId ?? null, e.repo ?? null, e.ts, e.agent, e.name, e.tool ?? null, e.file ?? null, e.note ?? null);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  }
}
