import type { DB } from './db.js';

/** Kept per repository: enough to explain any commit a recent failed pre-push carried. */
const KEEP_PER_REPO = 200;

/** Pre-pushes that could not be attested, and why (`push_failures`). */
export class PushFailureStore {
  constructor(private readonly db: DB) {}

  record(repo: string, remote: string, commits: readonly string[], reason: string, now = Date.now()): void {
    this.db.prepare('INSERT INTO push_failures (repo, remote, commits, reason, created_at) VALUES (?, ?, ?, ?, ?)').run(repo, remote, JSON.stringify(commits), reason, now);
    this.db
      .prepare('DELETE FROM push_failures WHERE repo = ? AND id NOT IN (SELECT id FROM push_failures WHERE repo = ? ORDER BY id DESC LIMIT ?)')
      .run(repo, repo, KEEP_PER_REPO);
  }

  /** The newest failure's reason for each of `shas` a failed pre-push carried. */
  reasons(repo: string, shas: readonly string[]): Map<string, string> {
    const want = new Set(shas);
    const out = new Map<string, string>();
    const rows = this.db.prepare('SELECT commits, reason FROM push_failures WHERE repo = ? ORDER BY id DESC').all(repo) as { commits: string; reason: string }[];
    for (const r of rows) {
      for (const c of JSON.parse(r.commits) as string[]) if (want.has(c) && !out.has(c)) out.set(c, r.reason);
      if (out.size === want.size) break;
    }
    return out;
  }
}
