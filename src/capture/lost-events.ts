import fs from 'node:fs';
import { git } from '../git/run.js';
import type { HealthWarning } from '../health/checks.js';
import { repoStatePaths } from '../paths.js';
import { MAX_SESSION_WARNINGS } from '../store/sessions.js';
import type { CaptureState } from './state.js';
import { commitsInWindow } from './unhooked-commits.js';

/**
 * The hooks' record of events the spool could not take (TRACE_HOME full or unwritable):
 * `<git common dir>/chainloop-trace/lost`, one `<epoch s> <agent|git> <event> [<commit>]` line each.
 */
export interface LostEvents {
  file: string;
  /** First and last loss (ms). */
  first: number;
  last: number;
  count: number;
  /** Commits whose post-commit event was lost. */
  commits: string[];
}

export function readLostEvents(gitDir: string): LostEvents | undefined {
  const file = repoStatePaths(gitDir).lost;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const times: number[] = [];
  const commits: string[] = [];
  for (const line of text.split('\n')) {
    const [at, agent, , sha] = line.trim().split(/\s+/);
    if (!at || !/^\d+$/.test(at)) continue;
    times.push(Number(at) * 1000);
    if (agent === 'git' && sha && /^[0-9a-f]{40,64}$/.test(sha)) commits.push(sha);
  }
  if (times.length === 0) return undefined;
  return { file, first: Math.min(...times), last: Math.max(...times), count: times.length, commits };
}

/** What recovering needs: the stores and a way to attribute a commit. */
export interface LostDeps extends Pick<CaptureState, 'sessions' | 'commits'> {
  recordCommit(repo: string, sha: string): Promise<{ sessions: string[] }>;
}

/**
 * Once the spool takes events again: the commits made since the first lost event that the daemon never
 * recorded (their post-commit was lost too) are attributed from what it knows; the sessions active in
 * the repository meanwhile say in `warnings` that some of their events were lost; and the warning for
 * `trace status` names those commits as possibly carrying agent lines labelled human. Idempotent: the
 * hooks' file stays (and the status warning with it) until the user removes it.
 */
export async function recoverLostEvents(deps: LostDeps, top: string, gitDir: string): Promise<HealthWarning | null> {
  const lost = readLostEvents(gitDir);
  if (!lost) return null;
  const inWindow = (await commitsInWindow(top, lost.first, Date.now())).map((c) => c.sha);
  const commits = [...new Set([...lost.commits, ...inWindow])];
  for (const sha of commits) {
    if (deps.commits.get(sha, top)) continue;
    await deps.recordCommit(top, sha).catch(() => undefined); // still full: told again at the next check
  }
  const span = `${new Date(lost.first).toISOString()} to ${new Date(lost.last).toISOString()}`;
  const note = `${lost.count} hook event(s) in ${top} could not be written to the spool (TRACE_HOME full or unwritable, ${span}): lines an agent wrote then may be labelled human`;
  for (const s of deps.sessions.list(100)) {
    if (s.repo !== top || Date.parse(s.startedAt) > lost.last + 1000 || (s.endedAt && Date.parse(s.endedAt) < lost.first - 1000)) continue;
    if (s.warnings.includes(note) || s.warnings.length >= MAX_SESSION_WARNINGS) continue;
    s.warnings.push(note);
    try {
      deps.sessions.save(s);
    } catch {
      /* still full: told again at the next check */
    }
  }
  const subjects = commits.length ? await git(top, ['log', '--no-walk=unsorted', '--format=%h %s', ...commits.slice(0, 5)], { allowFailure: true }).catch(() => '') : '';
  const named = subjects.trim().split('\n').filter(Boolean).join('; ');
  return {
    code: 'EVENTS_LOST',
    message: `${note}; ${commits.length ? `commits since then may carry agent lines labelled human: ${named}${commits.length > 5 ? ` and ${commits.length - 5} more` : ''}` : 'no commit since then'}`,
    fix: `check ${commits.length ? 'them' : 'the next commit'} with \`trace show <commit>\`; then remove ${lost.file}`,
  };
}
