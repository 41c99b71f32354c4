import { trailerSessions } from '../attribution/commit.js';
import type { Recorder } from '../capture/recorder.js';
import { emptyTree } from '../git/diff.js';
import { git } from '../git/run.js';
import type { ShowResponse } from '../protocol/types.js';

/**
 * A commit's attribution. A commit no hook recorded (made while no agent edit was pending, or before
 * ai-trace was installed) has no agent lines: it is computed on the spot, every added line a human's.
 */
export async function showCommit(rec: Recorder, repo: string, sha: string): Promise<ShowResponse> {
  const stored = rec.commits.get(sha, repo) ?? rec.commits.get(sha);
  if (stored) return { commit: sha, sessions: stored.sessions, code_changes: stored.codeChanges };
  const parent = (await git(repo, ['rev-parse', '--verify', '--quiet', `${sha}^`], { allowFailure: true })).trim();
  const r = await rec.attributor.attributeDiff(repo, parent || (await emptyTree(repo)), { commit: sha }, undefined, null, false);
  return { commit: sha, sessions: await trailerSessions(repo, sha), code_changes: r.codeChanges };
}
