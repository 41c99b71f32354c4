import { TraceError } from '../errors.js';
import { git, repoTop } from '../git/run.js';

/** The work tree top of `cwd`, or a NOT_A_REPO error saying what to do. */
export async function requireRepo(cwd: string): Promise<string> {
  const top = await repoTop(cwd);
  if (!top) throw new TraceError('NOT_A_REPO', `${cwd} is not in a git work tree: run this inside a repository`);
  return top;
}

/** A full commit id for any commit-ish, or NOT_FOUND. */
export async function resolveCommit(repo: string, rev: string): Promise<string> {
  const sha = (await git(repo, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { allowFailure: true })).trim();
  if (!sha) throw new TraceError('NOT_FOUND', `${rev} is not a commit in ${repo}`);
  return sha;
}
