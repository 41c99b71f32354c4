import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Where an incremental read of a JSON-lines file stands. */
export interface JsonLinesState {
  /** Bytes read so far (always at a line end). */
  offset: number;
  /** Problems with the file itself (missing, shrank), each once. */
  warnings: string[];
}

const CHUNK = 1 << 20;
/** A line longer than this is skipped whole (an agent record is far smaller; a runaway line is not read). */
const MAX_LINE = 32 << 20;

function warn(state: JsonLinesState, text: string): void {
  if (!state.warnings.includes(text)) state.warnings.push(text);
}

/**
 * Folds every complete line written since `state.offset` into a copy of `state` (a partly written last
 * line is left for next time; bad JSON and non-objects are skipped). A file that shrank is read again
 * from the start with `fresh()`'s state. Never throws on the file's content; an unreadable file adds a
 * warning and returns the state unchanged otherwise.
 */
export function readJsonLines<S extends JsonLinesState>(path: string, state: S, fold: (state: S, line: Record<string, unknown>) => void, fresh?: () => S): S {
  let next: S = structuredClone(state);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    warn(next, `${path}: not readable (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return next;
  }
  try {
    const size = fstatSync(fd).size;
    if (size < next.offset) {
      const warnings = next.warnings;
      next = fresh ? fresh() : ({ ...structuredClone(state), offset: 0 } as S);
      next.warnings = warnings;
      warn(next, `${path}: shrank below the last read offset; read again from the start`);
    }
    let pending: Buffer = Buffer.alloc(0);
    let skipping = false;
    let position = next.offset;
    while (position < size) {
      const chunk = Buffer.alloc(Math.min(CHUNK, size - position));
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read <= 0) break;
      position += read;
      let bytes: Buffer = pending.length ? Buffer.concat([pending, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let start = 0;
      for (let nl = bytes.indexOf(10, start); nl !== -1; nl = bytes.indexOf(10, start)) {
        if (!skipping) foldLine(next, bytes.toString('utf8', start, nl), fold);
        skipping = false;
        start = nl + 1;
      }
      next.offset += start;
      bytes = bytes.subarray(start);
      if (bytes.length > MAX_LINE) {
        // drop what we hold of an overlong line and skip to its end
        next.offset += bytes.length;
        bytes = Buffer.alloc(0);
        skipping = true;
        warn(next, `${path}: a line over ${MAX_LINE} bytes was skipped`);
      }
      pending = bytes;
    }
  } catch (err) {
    warn(next, `${path}: read failed (${(err as Error).message})`);
  } finally {
    closeSync(fd);
  }
  return next;
}

function foldLine<S>(state: S, text: string, fold: (state: S, line: Record<string, unknown>) => void): void {
  if (text.trim() === '') return;
  let line: unknown;
  try {
    line = JSON.parse(text);
  } catch {
    return;
  }
  if (typeof line === 'object' && line !== null && !Array.isArray(line)) fold(state, line as Record<string, unknown>);
}
