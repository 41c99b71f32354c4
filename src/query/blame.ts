import fs from 'node:fs';
import path from 'node:path';
import { isAi, sessionOf, type Label } from '../attribution/labels.js';
import { splitLines } from '../attribution/lines.js';
import { carryLabels } from '../attribution/match.js';
import type { ReadModel } from './deps.js';
import { TraceError } from '../errors.js';
import { git } from '../git/run.js';
import type { BlameLine, BlameResponse } from '../protocol/types.js';

export type { BlameLine, BlameResponse };

const ZERO = /^0+$/;

/**
 * Every line of a file (working tree, or `rev`) with its origin: `git blame` finds the commit that
 * added each line, and that commit's recorded labels say who wrote it. Lines of commits ai-trace never
 * recorded are `base`; uncommitted lines take their labels from the file's provenance.
 */
export async function blameFile(rec: Pick<ReadModel, 'commits' | 'provenance' | 'sessions'>, repo: string, file: string, rev?: string): Promise<BlameResponse> {
  // --porcelain (not --line-porcelain): commit details and the file name once per commit, a
  // fraction of the output on a long file
  const args = ['blame', '--porcelain', ...(rev ? [rev] : []), '--', file];
  const out = await git(repo, args, { allowFailure: true });
  if (!out.trim()) {
    if (!rev && fs.existsSync(path.join(repo, file))) return uncommittedOnly(rec, repo, file);
    throw new TraceError('NOT_FOUND', `${file} is not a tracked file${rev ? ` at ${rev}` : ''}: give a path inside the repository`);
  }
  const labelsCache = new Map<string, Label[] | null>();
  const models = new Map<string, string | undefined>();
  let workingLabels: Label[] | null | undefined;
  const lines: BlameLine[] = [];
  const filenames = new Map<string, string>(); // the path in each commit, given with its first line
  let sha = '';
  let orig = 0;
  let final = 0;
  let filename = file;
  for (const l of out.split('\n')) {
    if (l.startsWith('\t')) {
      lines.push(await origin());
      continue;
    }
    const head = /^([0-9a-f]{40,64}) (\d+) (\d+)/.exec(l);
    if (head) {
      sha = head[1]!;
      orig = Number(head[2]);
      final = Number(head[3]);
      filename = filenames.get(sha) ?? file;
    } else if (l.startsWith('filename ')) {
      filename = l.slice(9);
      filenames.set(sha, filename);
    }
  }
  return { file, lines };

  async function origin(): Promise<BlameLine> {
    let label: Label | undefined;
    if (ZERO.test(sha)) {
      if (workingLabels === undefined) workingLabels = workingTreeLabels(rec, repo, file);
      label = workingLabels?.[final - 1] ?? 'h';
    } else {
      const key = `${sha}\0${filename}`;
      if (!labelsCache.has(key)) labelsCache.set(key, rec.commits.fileLabels(sha, filename) ?? null);
      const labels = labelsCache.get(key);
      if (!labels) return { line: final, origin: 'base', commit: sha };
      label = labels[orig - 1] ?? 'h';
    }
    const commit = ZERO.test(sha) ? undefined : sha;
    if (isAi(label)) {
      const session = sessionOf(label)!;
      if (!models.has(session)) models.set(session, rec.sessions.get(session)?.model ?? undefined);
      const model = models.get(session);
      return { line: final, origin: 'ai', session, ...(model ? { model } : {}), ...(commit ? { commit } : {}) };
    }
    return { line: final, origin: label === 'b' ? 'base' : 'human', ...(commit ? { commit } : {}) };
  }
}

function workingTreeLabels(rec: Pick<ReadModel, 'commits' | 'provenance' | 'sessions'>, repo: string, file: string): Label[] | null {
  const prov = rec.provenance.get(repo, file);
  if (!prov) return null;
  const current = splitLines(fs.readFileSync(path.join(repo, file), 'utf8'));
  return carryLabels(prov.lines, prov.labels, current, 'h');
}

function uncommittedOnly(rec: Pick<ReadModel, 'commits' | 'provenance' | 'sessions'>, repo: string, file: string): BlameResponse {
  const current = splitLines(fs.readFileSync(path.join(repo, file), 'utf8'));
  const labels = workingTreeLabels(rec, repo, file) ?? current.map(() => 'h');
  return {
    file,
    lines: labels.map((l, i) => {
      if (!isAi(l)) return { line: i + 1, origin: l === 'b' ? 'base' : 'human' } as BlameLine;
      const session = sessionOf(l)!;
      const model = rec.sessions.get(session)?.model ?? undefined;
      return { line: i + 1, origin: 'ai', session, ...(model ? { model } : {}) };
    }),
  };
}
