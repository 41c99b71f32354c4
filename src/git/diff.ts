import { git } from './run.js';
import { limits } from '../guard/limits.js';

/** How a path changed in one diff. */
export type FileStatus = 'created' | 'modified' | 'deleted' | 'renamed';

/** One file of a diff: its paths, status, and the changed lines with 1-based numbers. */
export interface FileDiff {
  status: FileStatus;
  path: string;
  oldPath: string;
  binary: boolean;
  /** The new side's blob id (all zeros when git has not hashed a work-tree file). */
  newOid: string;
  added: { line: number; text: string }[];
  removed: { line: number; text: string }[];
}

/** The side of a diff: a commit-ish, or the index (with the hook's GIT_INDEX_FILE when given). */
export type DiffTarget = { commit: string } | { index: true; indexFile?: string };

const DIFF_FLAGS = ['-M', '--no-color', '--no-ext-diff', '--no-textconv', '--ignore-submodules', '--src-prefix=a/', '--dst-prefix=b/'];

/**
 * `git diff -M` between `from` and `to`, in one git run: statuses from --raw -z, then (after an empty
 * NUL-terminated entry) line numbers from the --unified=0 patch, file for file in the same order.
 */
export async function diffFiles(cwd: string, from: string, to: DiffTarget): Promise<FileDiff[]> {
  const range = 'commit' in to ? [from, to.commit] : ['--cached', from];
  const env = 'index' in to && to.indexFile ? { GIT_INDEX_FILE: to.indexFile } : undefined;
  // a file past the snapshot cap counts as binary: git computes no patch for it, none is buffered here
  const out = await git(cwd, ['-c', `core.bigFileThreshold=${limits().snapshotBytes}`, 'diff', '--raw', '-z', '--no-abbrev', '--patch', '--unified=0', ...DIFF_FLAGS, ...range], { env });
  const split = out.indexOf('\0\0');
  const entries = parseRaw(split < 0 ? out : out.slice(0, split + 1));
  const hunks = parsePatch(split < 0 ? '' : out.slice(split + 2));
  entries.forEach(({ file }, i) => {
    const h = hunks[i];
    if (!h) return;
    file.binary = h.binary;
    file.added = h.added;
    file.removed = h.removed;
  });
  return entries.filter((e) => !e.submodule).map((e) => e.file);
}

/** The --raw -z entries in order, submodules (gitlinks) marked: the patch has a section for them too. */
function parseRaw(raw: string): { file: FileDiff; submodule: boolean }[] {
  const parts = raw.split('\0');
  const entries: { file: FileDiff; submodule: boolean }[] = [];
  for (let i = 0; i < parts.length; ) {
    const meta = parts[i++];
    if (!meta || !meta.startsWith(':')) continue;
    const fields = meta.slice(1).split(' ');
    const letter = (fields[4] ?? 'M')[0];
    const first = parts[i++] ?? '';
    const second = letter === 'R' || letter === 'C' ? parts[i++] ?? '' : first;
    const status: FileStatus = letter === 'A' || letter === 'C' ? 'created' : letter === 'D' ? 'deleted' : letter === 'R' ? 'renamed' : 'modified';
    const submodule = fields[0] === '160000' || fields[1] === '160000';
    entries.push({ file: { status, path: second, oldPath: first, binary: false, newOid: fields[3] ?? '', added: [], removed: [] }, submodule });
  }
  return entries;
}

interface Hunks {
  binary: boolean;
  added: { line: number; text: string }[];
  removed: { line: number; text: string }[];
}

function parsePatch(patch: string): Hunks[] {
  const out: Hunks[] = [];
  let cur: Hunks | undefined;
  let oldLine = 0;
  let newLine = 0;
  let inHunk = false;
  for (const line of patch.split('\n')) {
    if (line.startsWith('diff --git ')) {
      cur = { binary: false, added: [], removed: [] };
      out.push(cur);
      inHunk = false;
      continue;
    }
    if (!cur) continue;
    if (line.startsWith('@@')) {
      const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
      if (m) {
        oldLine = Number(m[1]);
        newLine = Number(m[2]);
        inHunk = true;
      }
      continue;
    }
    if (!inHunk) {
      if (line.startsWith('Binary files ') || line === 'GIT binary patch') cur.binary = true;
      continue;
    }
    if (line.startsWith('+')) cur.added.push({ line: newLine++, text: line.slice(1) });
    else if (line.startsWith('-')) {
      cur.removed.push({ line: oldLine, text: line.slice(1) });
      oldLine++;
    } else if (line.startsWith('\\')) continue;
  }
  return out;
}

/** The empty tree of this repository's hash algorithm, the parent of a root commit. */
export async function emptyTree(cwd: string): Promise<string> {
  return (await git(cwd, ['hash-object', '-t', 'tree', '/dev/null'])).trim();
}
