import { trailerSessions } from '../attribution/commit.js';
import type { ReadModel } from './deps.js';
import { emptyTree } from '../git/diff.js';
import { git } from '../git/run.js';
import type { ShowResponse } from '../protocol/types.js';

/**
 * A commit's attribution. A commit no hook recorded (made before ai-trace saw any agent edit in the
 * repository, or with hooks skipped) is computed on the spot from recorded history only.
 */
export async function showCommit(rec: Pick<ReadModel, 'attributor' | 'commits'>, repo: string, sha: string): Promise<ShowResponse> {
  const stored = rec.commits.get(sha, repo) ?? rec.commits.get(sha);
  if (stored) return { commit: sha, sessions: stored.sessions, code_changes: stored.codeChanges };
  const parent = (await git(repo, ['rev-parse', '--verify', '--quiet', `${sha}^`], { allowFailure: true })).trim();
  const r = await rec.attributor.attributeDiff(repo, parent || (await emptyTree(repo)), { commit: sha }, { parent: parent || null, useProvenance: false });
  return { commit: sha, sessions: await trailerSessions(repo, sha), code_changes: r.codeChanges };
}
