/**
 * Codex's `apply_patch` format (codex-rs/apply-patch): the only record of an edit its hooks carry.
 *
 *   *** Begin Patch
 *   *** Add File: <path>        then `+line` per line
 *   *** Delete File: <path>
 *   *** Update File: <path>     optionally `*** Move to: <path>`, then chunks: `@@ [context]` and
 *                               ` ctx` / `-old` / `+new` lines, optionally `*** End of File`
 *   *** End Patch
 *
 * Paths are relative to the tool call's cwd (absolute ones are kept). The hooks fire with no file content,
 * so the content before an update is rebuilt from the content after it by undoing the chunks.
 */

/** One line of an update chunk. */
export interface ChunkLine {
  op: ' ' | '-' | '+';
  text: string;
}

/** One `@@` section of an update. */
export interface PatchChunk {
  /** The `@@ <context>` line, when the chunk names one. */
  context?: string;
  lines: ChunkLine[];
  /** `*** End of File`: the chunk ends at the file's end. */
  eof: boolean;
}

/** What a patch does to one file. */
export type FilePatch =
  | { kind: 'add'; path: string; content: string }
  | { kind: 'delete'; path: string }
  | { kind: 'update'; path: string; moveTo?: string; chunks: PatchChunk[] };

const FILE_HEADER = /^\*\*\* (Add File|Delete File|Update File): (.+)$/;

/**
 * Reads a patch text into its file operations; null when the text is not an apply_patch patch. A heredoc
 * wrapper (`apply_patch <<'EOF' … EOF`, as a shell call would carry it) is accepted.
 */
export function parsePatch(text: string): FilePatch[] | null {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const begin = lines.findIndex((l) => l.trim() === '*** Begin Patch');
  if (begin === -1) return null;
  const out: FilePatch[] = [];
  let current: FilePatch | null = null;
  let chunk: PatchChunk | null = null;
  const startChunk = (context?: string): PatchChunk => {
    chunk = { ...(context ? { context } : {}), lines: [], eof: false };
    if (current?.kind === 'update') current.chunks.push(chunk);
    return chunk;
  };
  for (let i = begin + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '*** End Patch') break;
    const header = FILE_HEADER.exec(line.trim());
    if (header) {
      const path = header[2]!.trim();
      current = header[1] === 'Add File' ? { kind: 'add', path, content: '' } : header[1] === 'Delete File' ? { kind: 'delete', path } : { kind: 'update', path, chunks: [] };
      chunk = null;
      out.push(current);
      continue;
    }
    if (!current) continue;
    if (current.kind === 'add') {
      if (line.startsWith('+')) current.content += `${line.slice(1)}\n`;
      continue;
    }
    if (current.kind !== 'update') continue;
    if (line.startsWith('*** Move to: ')) {
      current.moveTo = line.slice('*** Move to: '.length).trim();
      continue;
    }
    if (line.trim() === '*** End of File') {
      (chunk ?? startChunk()).eof = true;
      continue;
    }
    if (line.startsWith('@@')) {
      const context = line.slice(2).trim();
      startChunk(context || undefined);
      continue;
    }
    const op = line[0];
    const c: PatchChunk = chunk ?? startChunk();
    if (op === ' ' || op === '-' || op === '+') c.lines.push({ op, text: line.slice(1) });
    // codex takes an unprefixed empty line inside a chunk as an empty context line
    else if (line === '' && i < lines.length - 1) c.lines.push({ op: ' ', text: '' });
  }
  return out;
}

/** The path a file ends up at after the patch (`moveTo` for a rename). */
export function targetPath(p: FilePatch): string {
  return p.kind === 'update' && p.moveTo ? p.moveTo : p.path;
}

const same = (a: string, b: string, loose: boolean): boolean => (loose ? a.trimEnd() === b.trimEnd() : a === b);

/** Index of `needle` in `hay` at or after `from` (exact first, then ignoring trailing blanks), or -1. */
function seek(hay: string[], needle: string[], from: number, atEnd: boolean): number {
  for (const loose of [false, true]) {
    if (atEnd) {
      const i = hay.length - needle.length;
      if (i >= from && needle.every((n, k) => same(hay[i + k]!, n, loose))) return i;
      continue;
    }
    for (let i = from; i + needle.length <= hay.length; i++) {
      if (needle.every((n, k) => same(hay[i + k]!, n, loose))) return i;
    }
  }
  return -1;
}

/**
 * The content of a file before `patch` updated it, rebuilt from its content after (undoing each chunk
 * in order); null when the content after does not hold what the patch wrote (the file changed since, or
 * a chunk cannot be placed without guessing).
 */
export function reverseUpdate(after: string, chunks: PatchChunk[]): string | null {
  const trailingNewline = after.endsWith('\n') || after === '';
  const lines = after === '' ? [] : (trailingNewline ? after.slice(0, -1) : after).split('\n');
  let cursor = 0;
  for (const c of chunks) {
    if (c.context) {
      const at = seek(lines, [c.context], cursor, false);
      if (at === -1) return null;
      cursor = at + 1;
    }
    const newSide = c.lines.filter((l) => l.op !== '-').map((l) => l.text);
    const oldSide = c.lines.filter((l) => l.op !== '+').map((l) => l.text);
    let at: number;
    if (newSide.length === 0) {
      // a pure deletion with no context: placeable only at the end of the file or right after the `@@` line
      if (c.eof) at = lines.length;
      else if (c.context) at = cursor;
      else return null;
    } else at = seek(lines, newSide, cursor, c.eof);
    if (at === -1) return null;
    lines.splice(at, newSide.length, ...oldSide);
    cursor = at + oldSide.length;
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
