import type { FileDiff, FileStatus } from '../git/diff.js';
import { HUMAN, isAi, sessionOf, type Label } from './labels.js';
import { carryLabels } from './match.js';
import type { RemovedLine } from './provenance.js';
import { toRanges, type LineRange } from './ranges.js';

/** One file of a commit's attribution, with Chainloop's field names plus ai-trace's human ranges. */
export interface FileChange {
  path: string;
  old_path?: string;
  status: FileStatus;
  binary?: boolean;
  lines_added: number;
  lines_removed: number;
  attribution: 'ai' | 'human';
  line_ranges: LineRange[];
  human_line_ranges: LineRange[];
  ai_lines_added: number;
  ai_lines_removed: number;
  human_lines_added: number;
  human_lines_removed: number;
  session_ids: string[];
}

/** The `code_changes` object of a Chainloop AI coding session, for one commit or a range. */
export interface CodeChanges {
  files_modified: number;
  files_created: number;
  files_deleted: number;
  lines_added: number;
  lines_removed: number;
  ai_lines_added: number;
  ai_lines_removed: number;
  human_lines_added: number;
  human_lines_removed: number;
  files: FileChange[];
}

/** Known lines with known origins that a new version of a file may share lines with. */
export interface LabelSource {
  lines: readonly string[];
  labels: readonly Label[];
}

/** Everything needed to attribute one changed file. */
export interface FileInput {
  diff: FileDiff;
  /** The new version's lines (empty for a deletion or a binary file). */
  lines: string[];
  /** Where labels may come from, best first. */
  sources: LabelSource[];
  /** Lines agents removed that have not been committed yet. */
  removedByAgents: RemovedLine[];
}

/** A file's attribution and the labels of every line of its new version. */
export interface AttributedFile {
  change: FileChange;
  labels: Label[];
}

/**
 * How much a label tells: an agent's label is the strongest; `h` says only that the line appeared
 * without an agent edit (typed, or written by git: checkout, merge, stash pop); `b` only that it was
 * committed before tracing saw it.
 */
const strength = (l: Label): number => (isAi(l) ? 2 : l === HUMAN ? 1 : 0);

/**
 * Labels a file version: a line takes its label from the first source that has it, unless a later
 * source knows more (an agent's label for a line another source has as `h`/`b`, as when git brings
 * back lines an agent wrote); a line no source has is a human's.
 */
export function labelLines(lines: readonly string[], sources: readonly LabelSource[]): Label[] {
  const out: (Label | undefined)[] = new Array(lines.length).fill(undefined);
  for (const src of sources) {
    const carried = carryLabels<Label | undefined>(src.lines, src.labels, lines, undefined);
    for (let j = 0; j < lines.length; j++) {
      const c = carried[j];
      if (c !== undefined && (out[j] === undefined || strength(c) > strength(out[j]!))) out[j] = c;
    }
  }
  return out.map((l) => l ?? HUMAN);
}

export function attributeFile(input: FileInput): AttributedFile {
  const { diff } = input;
  const labels = diff.binary ? [] : labelLines(input.lines, input.sources);
  const aiLines: number[] = [];
  const humanLines: number[] = [];
  const sessions = new Set<string>();
  for (const a of diff.added) {
    const l = labels[a.line - 1] ?? HUMAN;
    if (isAi(l)) {
      aiLines.push(a.line);
      sessions.add(sessionOf(l)!);
    } else humanLines.push(a.line);
  }
  const pool = new Map<string, string[]>();
  for (const r of input.removedByAgents) {
    const list = pool.get(r.text) ?? [];
    list.push(r.session);
    pool.set(r.text, list);
  }
  let aiRemoved = 0;
  for (const r of diff.removed) {
    const s = pool.get(r.text)?.shift();
    if (s) {
      aiRemoved++;
      sessions.add(s);
    }
  }
  const change: FileChange = {
    path: diff.path,
    ...(diff.status === 'renamed' ? { old_path: diff.oldPath } : {}),
    status: diff.status,
    ...(diff.binary ? { binary: true } : {}),
    lines_added: diff.added.length,
    lines_removed: diff.removed.length,
    attribution: aiLines.length > 0 ? 'ai' : 'human',
    line_ranges: toRanges(aiLines),
    human_line_ranges: toRanges(humanLines),
    ai_lines_added: aiLines.length,
    ai_lines_removed: aiRemoved,
    human_lines_added: humanLines.length,
    human_lines_removed: diff.removed.length - aiRemoved,
    session_ids: [...sessions].sort(),
  };
  return { change, labels };
}

/** Totals over files, in Chainloop's `code_changes` shape. */
export function summarize(files: FileChange[]): CodeChanges {
  const sum = (k: keyof FileChange) => files.reduce((n, f) => n + (f[k] as number), 0);
  return {
    files_modified: files.filter((f) => f.status === 'modified' || f.status === 'renamed').length,
    files_created: files.filter((f) => f.status === 'created').length,
    files_deleted: files.filter((f) => f.status === 'deleted').length,
    lines_added: sum('lines_added'),
    lines_removed: sum('lines_removed'),
    ai_lines_added: sum('ai_lines_added'),
    ai_lines_removed: sum('ai_lines_removed'),
    human_lines_added: sum('human_lines_added'),
    human_lines_removed: sum('human_lines_removed'),
    files,
  };
}
