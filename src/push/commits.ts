import { git } from '../git/run.js';
import { orderByAncestry } from '../git/topo.js';
import type { DB } from '../store/db.js';

/** One `<local ref> <local sha> <remote ref> <remote sha>` line git gives pre-push. */
export interface PrePushLine {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

const ZERO = /^0+$/;

export function parsePrePush(stdin: string): PrePushLine[] {
  return stdin
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4)
    .map(([localRef, localSha, remoteRef, remoteSha]) => ({ localRef: localRef!, localSha: localSha!, remoteRef: remoteRef!, remoteSha: remoteSha! }));
}

/**
 * The traced commits a push carries: commits with recorded agent sessions, not yet attested for this
 * remote, reachable from a pushed sha and not from what the remote had (new branches and force-pushes
 * included). Only traced commits are examined, so a push of human-only work costs nothing.
 */
export async function tracedCommitsInPush(db: DB, repo: string, remote: string, lines: PrePushLine[]): Promise<string[]> {
  if (!lines.some((l) => !ZERO.test(l.localSha))) return [];
  return commitsInPush(repo, unattestedTraced(db, repo, remote), lines);
}

/** Commits some push of `repo` (to `remote`, or to any remote) attested. */
export function attestedCommits(db: DB, repo: string, remote?: string): Set<string> {
  const rows = (
    remote === undefined
      ? db.prepare('SELECT commits FROM pushes WHERE repo = ?').all(repo)
      : db.prepare('SELECT commits FROM pushes WHERE repo = ? AND remote = ?').all(repo, remote)
  ) as { commits: string }[];
  const attested = new Set<string>();
  for (const r of rows) for (const c of JSON.parse(r.commits) as string[]) attested.add(c);
  return attested;
}

/** Commits of `repo` with agent sessions that no push (to `remote`, or to any remote) attested, oldest first. */
export function unattestedTraced(db: DB, repo: string, remote?: string): string[] {
  const attested = attestedCommits(db, repo, remote);
  return (db.prepare(`SELECT sha FROM commits WHERE repo = ? AND sessions != '[]' ORDER BY created_at, rowid`).all(repo) as { sha: string }[])
    .map((r) => r.sha)
    .filter((sha) => !attested.has(sha));
}

/** Those of `candidates` the push carries: reachable from a pushed sha and not from what the remote had, oldest first. */
export async function commitsInPush(repo: string, candidates: readonly string[], lines: PrePushLine[]): Promise<string[]> {
  const pushed = lines.filter((l) => !ZERO.test(l.localSha));
  if (pushed.length === 0) return [];
  const out: string[] = [];
  for (const sha of candidates) {
    for (const l of pushed) {
      if (!(await isAncestor(repo, sha, l.localSha))) continue;
      if (!ZERO.test(l.remoteSha) && (await isAncestor(repo, sha, l.remoteSha))) continue;
      out.push(sha);
      break;
    }
  }
  return orderByHistory(repo, out);
}

/** True when commit `a` is `b` or one of its ancestors. */
async function isAncestor(repo: string, a: string, b: string): Promise<boolean> {
  const base = await git(repo, ['merge-base', a, b], { allowFailure: true }).catch(() => '');
  return base.trim() === a;
}

/** Oldest first by ancestry (commits of one second keep their real order). */
function orderByHistory(repo: string, shas: string[]): Promise<string[]> {
  return orderByAncestry(repo, shas);
}
