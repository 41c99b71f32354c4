import { attributeFile, summarize, type CodeChanges, type FileChange } from '../attribution/code-changes.js';
import { isBinary, splitLines } from '../attribution/lines.js';
import { diffFiles, emptyTree } from '../git/diff.js';
import { readObjects } from '../git/run.js';
import { orderByAncestry } from '../git/topo.js';
import type { CommitRecord, CommitStore } from '../store/commits.js';

/**
 * `code_changes` over several commits of one repository, in the numbering of the last one: the diff
 * from the first commit's parent to the last commit, each line labelled as the newest of these commits
 * that changed its file recorded it. Agent-removed line counts are summed over the commits.
 */
export async function aggregateCodeChanges(repo: string, given: CommitRecord[], commits: CommitStore): Promise<CodeChanges> {
  if (given.length === 0) return summarize([]);
  if (given.length === 1) return given[0]!.codeChanges;
  // first and last by ancestry, whatever order the caller had them in (dates tie within a second)
  const bySha = new Map(given.map((r) => [r.sha, r]));
  const records = (await orderByAncestry(repo, given.map((r) => r.sha))).map((sha) => bySha.get(sha)!);
  const first = records[0]!;
  const last = records[records.length - 1]!;
  const diffs = await diffFiles(repo, first.parent ?? (await emptyTree(repo)), { commit: last.sha });
  const blobs = await readObjects(repo, diffs.map((d) => `${last.sha}:${d.path}`));
  const files: FileChange[] = [];
  for (let i = 0; i < diffs.length; i++) {
    const d = diffs[i]!;
    const blob = d.status === 'deleted' ? null : blobs[i] ?? null;
    if (blob && isBinary(blob)) d.binary = true;
    const lines = blob && !d.binary ? splitLines(blob.toString('utf8')) : [];
    const owner = [...records].reverse().find((r) => r.codeChanges.files.some((f) => f.path === d.path));
    const sources = [];
    if (owner) {
      const labels = commits.fileLabels(owner.sha, d.path);
      const [ownerBlob] = labels ? await readObjects(repo, [`${owner.sha}:${d.path}`]) : [null];
      if (labels && ownerBlob) sources.push({ lines: splitLines(ownerBlob.toString('utf8')), labels });
    }
    const change = attributeFile({ diff: d, lines, sources, removedByAgents: [] }).change;
    const removedByAi = records.flatMap((r) => r.codeChanges.files.filter((f) => f.path === d.path || f.path === d.oldPath)).reduce((n, f) => n + f.ai_lines_removed, 0);
    change.ai_lines_removed = Math.min(removedByAi, change.lines_removed);
    change.human_lines_removed = change.lines_removed - change.ai_lines_removed;
    const sessions = new Set(change.session_ids);
    for (const r of records) for (const f of r.codeChanges.files) if (f.path === d.path && f.ai_lines_removed > 0) f.session_ids.forEach((s) => sessions.add(s));
    change.session_ids = [...sessions].sort();
    files.push(change);
  }
  return summarize(files);
}
