import type { Recorder } from '../capture/recorder.js';
import { emptyTree } from '../git/diff.js';
import { git } from '../git/run.js';

/** Sessions whose agent lines (added or removed) are in the changes being committed. */
export async function sessionsInIndex(rec: Recorder, repo: string, indexFile?: string): Promise<string[]> {
  const head = (await git(repo, ['rev-parse', '--verify', '--quiet', 'HEAD'], { allowFailure: true })).trim();
  const r = await rec.attributor.attributeDiff(repo, head || (await emptyTree(repo)), { index: true, indexFile });
  return r.sessions;
}
