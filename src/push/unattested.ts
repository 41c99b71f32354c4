import fs from 'node:fs';
import { git } from '../git/run.js';
import type { HealthWarning } from '../health/checks.js';
import type { TracePaths } from '../paths.js';
import type { DB } from '../store/db.js';
import { PushFailureStore } from '../store/push-failures.js';
import { unattestedTraced } from './commits.js';

/** A traced commit a remote has (a remote-tracking ref reaches it) that no attestation covers. */
export interface UnattestedCommit {
  repo: string;
  sha: string;
  remote: string;
  /** Why, as far as the daemon knows. */
  reason: string;
  /** True when a pre-push for it failed: there is a cause to fix before `trace push --retry`. */
  failed: boolean;
}

/** Why a commit reached a remote unattested when no pre-push for it was recorded as failed. */
export const NO_HOOK_REASON = 'no pre-push hook ran for it: pushed with git push --no-verify, or with the hooks bypassed';

/** At most this many of a repository's newest unattested traced commits are looked for on remotes. */
const MAX_CANDIDATES = 500;

/** Repositories with traced commits that no push attested (the database only: no git). */
export function reposWithUnattested(db: DB): string[] {
  const repos = (db.prepare(`SELECT DISTINCT repo FROM commits WHERE sessions != '[]'`).all() as { repo: string }[]).map((r) => r.repo);
  return repos.filter((repo) => unattestedTraced(db, repo).length > 0);
}

/**
 * The traced commits of `repo` that reached a remote without an attestation: not in any push, yet
 * reachable from a remote-tracking ref (`git push --no-verify` updates those too). One `git name-rev`
 * for all of them, and none when every traced commit is attested.
 */
export async function findUnattested(db: DB, repo: string): Promise<UnattestedCommit[]> {
  const candidates = unattestedTraced(db, repo).slice(-MAX_CANDIDATES);
  if (candidates.length === 0 || !fs.existsSync(repo)) return [];
  const named = await git(repo, ['name-rev', '--refs=refs/remotes/*', ...candidates], { allowFailure: true }).catch(() => '');
  const onRemote = new Map<string, string>(); // sha → the remote-tracking name that reaches it
  for (const line of named.split('\n')) {
    const [sha, name] = line.split(' ');
    if (sha && name && name !== 'undefined' && name.startsWith('remotes/')) onRemote.set(sha, name.slice('remotes/'.length));
  }
  if (onRemote.size === 0) return [];
  // remote names may hold a slash: the longest that prefixes the ref's name
  const remotes = (await git(repo, ['remote'], { allowFailure: true }).catch(() => '')).split('\n').filter(Boolean).sort((a, b) => b.length - a.length);
  const reasons = new PushFailureStore(db).reasons(repo, [...onRemote.keys()]);
  const out: UnattestedCommit[] = [];
  for (const sha of candidates) {
    const name = onRemote.get(sha);
    if (!name) continue;
    const remote = remotes.find((r) => name.startsWith(`${r}/`)) ?? name.split('/')[0]!;
    const failure = reasons.get(sha);
    out.push({ repo, sha, remote, reason: failure ? `its pre-push failed: ${failure}` : NO_HOOK_REASON, failed: failure !== undefined });
  }
  return out;
}

/**
 * True while a pre-push event waits in the spool: its commits may already be on the remote-tracking
 * refs before the daemon has attested them, so they are not reported yet.
 */
export function prePushPending(paths: TracePaths): boolean {
  try {
    return fs.readdirSync(paths.spoolNew).some((f) => f.endsWith('-git-pre-push.git'));
  } catch {
    return false;
  }
}

/** One warning per repository for `trace status`: the commits, where they went, why, and what to do. */
export function unattestedWarning(repo: string, commits: UnattestedCommit[]): HealthWarning {
  const groups = new Map<string, UnattestedCommit[]>();
  for (const c of commits) groups.set(`${c.remote}\0${c.reason}`, [...(groups.get(`${c.remote}\0${c.reason}`) ?? []), c]);
  const parts = [...groups.values()].map((g) => {
    const shown = g.slice(0, 5).map((c) => c.sha.slice(0, 12));
    const more = g.length > shown.length ? ` and ${g.length - shown.length} more` : '';
    return `${shown.join(', ')}${more} reached ${g[0]!.remote} without an attestation (${g[0]!.reason})`;
  });
  const failed = commits.some((c) => c.failed);
  return {
    code: 'UNATTESTED',
    message: `${repo}: ${commits.length} traced commit(s) on a remote are not attested: ${parts.join('; ')}`,
    fix: `${failed ? 'fix the cause (trace status shows it again if it remains), then ' : ''}run \`trace push --retry\`: one attestation covering them goes to the configured destinations`,
  };
}
