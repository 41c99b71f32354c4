import type { LabelSource } from '../code-changes.js';
import type { CommitAttributor, ExtraSources } from '../commit.js';
import { git } from '../../git/run.js';
import type { CommitStore } from '../../store/commits.js';

/** What finding a pick's or a revert's sources reads. */
export interface PickDeps {
  commits: CommitStore;
  attributor: CommitAttributor;
}

const PICK_CANDIDATES = 50;

/**
 * Label sources for a commit whose lines come from another commit rather than from the work tree, so
 * they keep their origin however far back that commit is: a cherry-pick (`-x` names the commit; else
 * the recorded commit with the same patch-id) takes the picked commit's versions; a revert (its message
 * names the reverted commit) takes the versions before the reverted commit.
 */
export async function pickSources(rec: PickDeps, repo: string, sha: string): Promise<ExtraSources | undefined> {
  const [message, reflog] = await Promise.all([
    git(repo, ['log', '-1', '--format=%B', sha], { allowFailure: true }),
    git(repo, ['reflog', '-n', '20', '--format=%H %gs', 'HEAD'], { allowFailure: true }),
  ]);
  const named = messageSources(rec, repo, message);
  if (named) return named;
  const action = reflog.split('\n').find((l) => l.startsWith(`${sha} `))?.slice(sha.length + 1) ?? '';
  const picked = action.startsWith('cherry-pick') ? await samePatch(rec, repo, sha) : undefined;
  return picked ? versionsAt(rec, repo, picked) : undefined;
}

/** Sources named by a commit message: `This reverts commit X` (the versions before X), `(cherry picked from commit X)`. */
export function messageSources(rec: PickDeps, repo: string, message: string): ExtraSources | undefined {
  const reverted = /This reverts commit ([0-9a-f]{40,64})/.exec(message)?.[1];
  if (reverted) return versionsAt(rec, repo, `${reverted}^`);
  const picked = /\(cherry picked from commit ([0-9a-f]{40,64})\)/.exec(message)?.[1];
  return picked ? versionsAt(rec, repo, picked) : undefined;
}

/** Each path's recorded version as of `rev` (the last recorded commit that changed it), as a label source. */
function versionsAt(rec: PickDeps, repo: string, rev: string): ExtraSources {
  return async (path: string, oldPath: string): Promise<LabelSource[]> => {
    const out: LabelSource[] = [];
    for (const p of new Set([path, oldPath])) {
      const src = await rec.attributor.inheritedLabels(repo, rev, p).catch(() => undefined);
      if (src) out.push(src);
    }
    return out;
  };
}

/** The recorded commit (touching the same paths) whose patch-id is the one of `sha`. */
async function samePatch(rec: PickDeps, repo: string, sha: string): Promise<string | undefined> {
  const paths = (await git(repo, ['diff-tree', '--no-commit-id', '--name-only', '-r', '-z', sha], { allowFailure: true })).split('\0').filter(Boolean);
  if (paths.length === 0) return undefined;
  const candidates = [...new Set(rec.commits.recentVersions(repo, paths, PICK_CANDIDATES).map((r) => r.sha))].filter((c) => c !== sha);
  if (candidates.length === 0) return undefined;
  const patches = await git(repo, ['show', '--no-color', '--no-ext-diff', '--format=commit %H', sha, ...candidates], { allowFailure: true });
  const ids = await git(repo, ['patch-id', '--stable'], { input: patches, allowFailure: true });
  const byCommit = new Map(ids.split('\n').filter(Boolean).map((l) => l.split(' ') as [string, string]).map(([id, c]) => [c, id]));
  const mine = byCommit.get(sha);
  return mine ? candidates.find((c) => byCommit.get(c) === mine) : undefined;
}

