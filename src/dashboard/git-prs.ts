import { parseTrailerValue, TRAILER_KEY } from '../attribution/commit.js';
import { git } from '../git/run.js';
import type { PrFact } from './facts.js';

const GITHUB_MERGE = /^Merge pull request #(\d+) from /;
const GITLAB_MERGE = /^See merge request (\S+)!(\d+)\s*$/m;
const SQUASH_SUFFIX = /\(#(\d+)\)\s*$/;
const SEP = '\x1e';

/**
 * The PRs that the history of `rev` names, from git alone: GitHub merge commits ("Merge pull request
 * #N from …": the PR's commits are those the merge brought in), GitHub squash commits (a subject
 * ending in "(#N)": the squash commit itself) and GitLab merge commits ("See merge request group/p!N").
 * Each is merged, dated by its commit's committer date; its sessions are those its commits' trailers name.
 */
export async function prsFromHistory(repo: string, repoName: string, rev = 'HEAD'): Promise<PrFact[]> {
  const out = await git(repo, ['log', `--format=%H%x00%P%x00%cI%x00%B${SEP}`, rev], { allowFailure: true }).catch(() => '');
  const prs: PrFact[] = [];
  for (const rec of out.split(SEP)) {
    const [sha, parents, date, body] = rec.replace(/^\n/, '').split('\0');
    if (!sha || body === undefined) continue;
    const subject = body.split('\n')[0] ?? '';
    const parentList = (parents ?? '').split(' ').filter(Boolean);
    const gh = GITHUB_MERGE.exec(subject);
    const gl = GITLAB_MERGE.exec(body);
    const squash = !gh && !gl ? SQUASH_SUFFIX.exec(subject) : null;
    let id: string | null = null;
    let number = 0;
    if (gh) [id, number] = [`${repoName}#${gh[1]}`, Number(gh[1])];
    else if (gl) [id, number] = [`${gl[1]}!${gl[2]}`, Number(gl[2])];
    else if (squash) [id, number] = [`${repoName}#${squash[1]}`, Number(squash[1])];
    if (!id) continue;
    const commits = parentList.length >= 2 ? await branchCommits(repo, parentList[0]!, parentList[1]!) : [sha];
    const sessions = await trailerSessions(repo, parentList.length >= 2 ? commits : [sha]);
    const at = new Date(Date.parse(date ?? '')).toISOString();
    prs.push({ id, repo: repoName, number, state: 'merged', at, commits: [...new Set([sha, ...commits])], sessions });
  }
  return prs;
}

/** The commits a merge brought in: reachable from the merged head and not from the first parent. */
async function branchCommits(repo: string, base: string, head: string): Promise<string[]> {
  const out = await git(repo, ['rev-list', `${base}..${head}`], { allowFailure: true }).catch(() => '');
  return out.split('\n').map((s) => s.trim()).filter(Boolean);
}

async function trailerSessions(repo: string, shas: string[]): Promise<string[]> {
  if (shas.length === 0) return [];
  const out = await git(repo, ['log', '--no-walk=unsorted', `--format=%(trailers:key=${TRAILER_KEY},valueonly,separator=%x2C)`, ...shas], { allowFailure: true }).catch(
    () => '',
  );
  return [...new Set(out.split('\n').flatMap((l) => parseTrailerValue(l)))];
}
