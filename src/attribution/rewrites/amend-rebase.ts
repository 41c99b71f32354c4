import type { LabelSource } from '../code-changes.js';
import type { ExtraSources } from '../commit.js';
import { splitLines } from '../lines.js';
import { readObjects } from '../../git/run.js';
import type { CommitStore } from '../../store/commits.js';

/** What re-attributing rewritten commits needs: the recorded labels, and how to record a commit again. */
export interface RewriteDeps {
  commits: CommitStore;
  recordCommit(repo: string, sha: string, extra?: ExtraSources): Promise<unknown>;
}

/**
 * Applies git's post-rewrite map (`<old> <new> [extra]` lines, from amend or rebase): every new commit
 * is attributed again with the labels of the commits it replaces as the first source of labels, so
 * lines keep their origin through amend, reorder, squash and fixup; lines the rewrite changed are the
 * rewriter's.
 */
export async function applyRewrite(rec: RewriteDeps, repo: string, _kind: string, stdin: string): Promise<number> {
  const olds = new Map<string, string[]>();
  for (const line of stdin.split('\n')) {
    const [oldSha, newSha] = line.trim().split(/\s+/);
    if (!oldSha || !newSha) continue;
    olds.set(newSha, [...(olds.get(newSha) ?? []), oldSha]);
  }
  let n = 0;
  for (const [newSha, oldShas] of olds) {
    const extra = async (path: string, oldPath: string): Promise<LabelSource[]> => {
      const out: LabelSource[] = [];
      for (const old of [...oldShas].reverse()) {
        const p = rec.commits.fileLabels(old, path) ? path : rec.commits.fileLabels(old, oldPath) ? oldPath : undefined;
        if (!p) continue;
        const [blob] = await readObjects(repo, [`${old}:${p}`]);
        if (blob) out.push({ lines: splitLines(blob.toString('utf8')), labels: rec.commits.fileLabels(old, p)! });
      }
      return out;
    };
    await rec.recordCommit(repo, newSha, extra);
    n++;
  }
  return n;
}
