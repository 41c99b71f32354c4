import fs from 'node:fs';
import path from 'node:path';
import { git } from '../git/run.js';
import type { CommitStore } from '../store/commits.js';

/** A commit HEAD moved to, as the reflog tells it. */
export interface ReflogCommit {
  sha: string;
  /** When HEAD moved to it (seconds since the epoch, the reflog's resolution). */
  at: number;
}

const TRAILER = /^chainloop-trace-sessions:/im;

/**
 * Commits HEAD moved to between `startMs` and `endMs` (inclusive, at the reflog's one-second resolution)
 * through a commit command (`commit`, `commit (amend|merge|initial)`), oldest first.
 */
export async function commitsInWindow(top: string, startMs: number, endMs: number): Promise<ReflogCommit[]> {
  const out = await git(top, ['reflog', 'show', '--date=unix', '--format=%H%x09%gd%x09%gs', '-n', '50', 'HEAD'], { allowFailure: true });
  const from = Math.floor(startMs / 1000);
  const to = Math.ceil(endMs / 1000);
  const found: ReflogCommit[] = [];
  for (const line of out.split('\n')) {
    const [sha, selector, subject] = line.split('\t');
    const at = Number(/@\{(\d+)\}$/.exec(selector ?? '')?.[1]);
    if (!sha || !subject || !Number.isFinite(at)) continue;
    if (at < from) break;
    if (at <= to && /^commit( \((amend|merge|initial)\))?:/.test(subject)) found.push({ sha, at });
  }
  return found.reverse();
}

/** What recording a commit afterwards needs. */
export interface UnhookedDeps {
  commits: Pick<CommitStore, 'get'>;
  recordCommit(repo: string, sha: string): Promise<{ sessions: string[] }>;
}

/**
 * After an agent's shell call: commits it made that no git hook reported (Gemini CLI runs its shell with
 * core.hooksPath emptied; a git run the BeforeTool rewrite did not reach) are recorded now, so their
 * lines are attributed and attested, and a warning says that such a commit carries no trailer. Cheap when
 * nothing was committed: HEAD's reflog is only read when it changed during the call.
 */
export async function recordUnhookedCommits(deps: UnhookedDeps, top: string, startMs: number, endMs: number): Promise<string | undefined> {
  const dotGit = path.join(top, '.git');
  try {
    // a linked work tree keeps its HEAD log elsewhere: read the reflog then
    if (fs.statSync(dotGit).isDirectory() && fs.statSync(path.join(dotGit, 'logs', 'HEAD')).mtimeMs < startMs - 1000) return undefined;
  } catch {
    return undefined;
  }
  const notes: string[] = [];
  for (const c of await commitsInWindow(top, startMs, endMs)) {
    if (deps.commits.get(c.sha, top)) continue;
    const r = await deps.recordCommit(top, c.sha);
    if (r.sessions.length === 0) continue;
    const message = await git(top, ['log', '-1', '--format=%B', c.sha], { allowFailure: true });
    if (!TRAILER.test(message)) {
      notes.push(`commit ${c.sha.slice(0, 12)} was made in the agent's shell without git hooks: recorded afterwards from the reflog; it carries no Chainloop-Trace-Sessions trailer`);
    }
  }
  return notes.length ? notes.join('; ') : undefined;
}
