import type { CodeChanges } from '../attribution/code-changes.js';
import { decodeLabels, encodeLabels, type Label } from '../attribution/labels.js';
import type { DB } from './db.js';

/** A commit's stored attribution. */
export interface CommitRecord {
  repo: string;
  sha: string;
  parent: string | null;
  sessions: string[];
  codeChanges: CodeChanges;
  createdAt: string;
}

/** Per-commit attribution and the labels of every line of each changed file. */
export class CommitStore {
  constructor(private readonly db: DB) {}

  save(rec: CommitRecord, fileLabels: Map<string, Label[]>): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO commits (repo, sha, parent, sessions, code_changes, created_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (repo, sha) DO UPDATE SET parent = excluded.parent, sessions = excluded.sessions,
             code_changes = excluded.code_changes`,
        )
        .run(rec.repo, rec.sha, rec.parent, JSON.stringify(rec.sessions), JSON.stringify(rec.codeChanges), rec.createdAt);
      this.db.prepare('DELETE FROM commit_files WHERE repo = ? AND sha = ?').run(rec.repo, rec.sha);
      const ins = this.db.prepare('INSERT INTO commit_files (repo, sha, path, labels) VALUES (?, ?, ?, ?)');
      for (const [path, labels] of fileLabels) ins.run(rec.repo, rec.sha, path, encodeLabels(labels));
      this.db.prepare('DELETE FROM session_commits WHERE repo = ? AND sha = ?').run(rec.repo, rec.sha);
      const link = this.db.prepare('INSERT OR IGNORE INTO session_commits (session_id, repo, sha) VALUES (?, ?, ?)');
      for (const s of rec.sessions) link.run(s, rec.repo, rec.sha);
    })();
  }

  get(sha: string, repo?: string): CommitRecord | undefined {
    const row = (
      repo
        ? this.db.prepare('SELECT * FROM commits WHERE sha = ? AND repo = ?').get(sha, repo)
        : this.db.prepare('SELECT * FROM commits WHERE sha = ?').get(sha)
    ) as { repo: string; sha: string; parent: string | null; sessions: string; code_changes: string; created_at: string } | undefined;
    if (!row) return undefined;
    return {
      repo: row.repo,
      sha: row.sha,
      parent: row.parent,
      sessions: JSON.parse(row.sessions) as string[],
      codeChanges: JSON.parse(row.code_changes) as CodeChanges,
      createdAt: row.created_at,
    };
  }

  fileLabels(sha: string, path: string): Label[] | undefined {
    const row = this.db.prepare('SELECT labels FROM commit_files WHERE sha = ? AND path = ?').get(sha, path) as { labels: string } | undefined;
    return row ? decodeLabels(row.labels) : undefined;
  }

  /** The newest recorded versions of any of `paths` in `repo`, with their labels. */
  recentVersions(repo: string, paths: string[], limit: number): { sha: string; path: string; labels: Label[] }[] {
    const rows = this.db
      .prepare(
        `SELECT f.sha, f.path, f.labels FROM commit_files f JOIN commits c ON c.repo = f.repo AND c.sha = f.sha
          WHERE f.repo = ? AND f.path IN (${paths.map(() => '?').join(',')})
          ORDER BY c.created_at DESC, c.rowid DESC LIMIT ?`,
      )
      .all(repo, ...paths, limit) as { sha: string; path: string; labels: string }[];
    return rows.map((r) => ({ sha: r.sha, path: r.path, labels: decodeLabels(r.labels) }));
  }

  hasPath(repo: string, path: string): boolean {
    return this.db.prepare('SELECT 1 FROM commit_files WHERE repo = ? AND path = ? LIMIT 1').get(repo, path) !== undefined;
  }

  filesOf(sha: string): string[] {
    return (this.db.prepare('SELECT path FROM commit_files WHERE sha = ?').all(sha) as { path: string }[]).map((r) => r.path);
  }

  forSession(sessionId: string): CommitRecord[] {
    const rows = this.db
      .prepare(
        `SELECT c.sha, c.repo FROM session_commits s JOIN commits c ON c.sha = s.sha AND c.repo = s.repo
         WHERE s.session_id = ? ORDER BY c.created_at, c.rowid`,
      )
      .all(sessionId) as { sha: string; repo: string }[];
    return rows.map((r) => this.get(r.sha, r.repo)!).filter(Boolean);
  }
}
