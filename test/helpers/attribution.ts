/** Expected `trace show --json` objects for the attribution tests, and partial staging. */
import { expect } from 'vitest';
import { CODE_CHANGES_KEYS, FILE_KEYS, SHOW_KEYS, type Show, type ShowFile, type TestRepo } from './repo.js';

/** A `files[]` entry with the given parts and zero/empty defaults for the rest. */
export function file(p: Partial<ShowFile> & { path: string }): ShowFile {
  return {
    status: 'modified',
    lines_added: 0,
    lines_removed: 0,
    attribution: 'human',
    line_ranges: [],
    human_line_ranges: [],
    ai_lines_added: 0,
    ai_lines_removed: 0,
    human_lines_added: 0,
    human_lines_removed: 0,
    session_ids: [],
    ...p,
  };
}

/** The whole `code_changes` for these files, totals summed. */
export function changes(files: ShowFile[]): Show['code_changes'] {
  const sum = (k: keyof ShowFile) => files.reduce((n, f) => n + (f[k] as number), 0);
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

/** `trace show <rev> --json`, with the contract's key sets checked. */
export function show(t: TestRepo, rev = 'HEAD'): Show {
  const s = t.show(rev);
  expect(Object.keys(s).sort()).toEqual(SHOW_KEYS);
  expect(Object.keys(s.code_changes).sort()).toEqual(CODE_CHANGES_KEYS);
  for (const f of s.code_changes.files) expect(Object.keys(f).sort()).toEqual(FILE_KEYS);
  expect(s.commit).toBe(t.git('rev-parse', rev).trim());
  return s;
}

/** Stages only the hunks of `git diff -U1 -- path` whose index is in `keep` (what `git add -p` does). */
export function stageHunks(t: TestRepo, path: string, keep: number[]): void {
  const patch = t.git('diff', '-U1', '--', path);
  const [head, ...hunks] = patch.split(/^(?=@@ )/m);
  expect(hunks.length).toBeGreaterThan(Math.max(...keep));
  const partial = head + hunks.filter((_, i) => keep.includes(i)).join('');
  t.gitIn(t.repo, ['apply', '--cached', '-'], partial);
}
