import type { DB } from './db.js';

/** A commit made while the daemon was too busy to answer its hooks: no trailer, sessions known only here. */
export interface UnansweredCommit {
  repo: string;
  sha: string;
  /** Events the spool held when the commit's hook gave up waiting. */
  queued: number;
  /** Sessions with lines in the commit that its message does not name. */
  sessions: string[];
  createdAt: string;
}

/** Commits without the trailer they should carry, kept until a push attests them. */
export class UnansweredCommitStore {
  constructor(private readonly db: DB) {}

  add(c: UnansweredCommit): void {
    this.db
      .prepare('INSERT OR REPLACE INTO unanswered_commits (repo, sha, queued, sessions, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(c.repo, c.sha, c.queued, JSON.stringify(c.sessions), c.createdAt);
  }

  /** Those not yet in any recorded push (a pushed one is dropped here: its attestation names its sessions). */
  unpushed(): UnansweredCommit[] {
    const rows = this.db.prepare('SELECT repo, sha, queued, sessions, created_at FROM unanswered_commits ORDER BY created_at').all() as {
      repo: string; sha: string; queued: number; sessions: string; created_at: string;
    }[];
    const pushed = this.db.prepare('SELECT 1 FROM pushes WHERE repo = ? AND instr(commits, ?) > 0 LIMIT 1');
    const out: UnansweredCommit[] = [];
    for (const r of rows) {
      if (pushed.get(r.repo, r.sha)) {
        this.db.prepare('DELETE FROM unanswered_commits WHERE repo = ? AND sha = ?').run(r.repo, r.sha);
        continue;
      }
      out.push({ repo: r.repo, sha: r.sha, queued: r.queued, sessions: JSON.parse(r.sessions) as string[], createdAt: r.created_at });
    }
    return out;
  }
}
