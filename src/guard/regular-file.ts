import fs from 'node:fs';
import path from 'node:path';
import { mb } from './limits.js';

/** What reading a file the daemon does not own gave: its bytes, nothing (absent) or why it was skipped. */
export type FileRead = { kind: 'ok'; bytes: Buffer } | { kind: 'absent' } | { kind: 'skip'; reason: string };

const { O_RDONLY, O_NONBLOCK, O_NOFOLLOW } = fs.constants;

/**
 * Reads a file named by an agent or found in a work tree, without ever blocking or following it out:
 * only a regular file whose real path (symlinks resolved, `..` normalised) is inside `within` (when
 * given), up to `maxBytes`. Opened non-blocking and checked with fstat before any read, so a FIFO or a
 * device costs one open and is skipped; a file that grew past the cap is not read at all.
 */
export function readRegular(file: string, opts: { maxBytes: number; within?: string }): FileRead {
  let real: string;
  try {
    real = fs.realpathSync(path.resolve(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? { kind: 'absent' } : { kind: 'skip', reason: `${file}: not readable (${code ?? 'error'})` };
  }
  if (opts.within !== undefined && !inside(opts.within, real)) return { kind: 'skip', reason: `${file}: resolves outside the work tree (${real}): skipped` };
  let fd: number;
  try {
    fd = fs.openSync(real, O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'skip', reason: `${file}: not readable (${code ?? 'error'})` };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { kind: 'skip', reason: `${file}: ${fileKind(st)}, not a regular file: skipped` };
    if (st.size > opts.maxBytes) return { kind: 'skip', reason: `${file}: ${mb(st.size)}, over the ${mb(opts.maxBytes)} cap: line attribution skipped` };
    const buf = Buffer.alloc(st.size);
    let n = 0;
    while (n < buf.length) {
      const r = fs.readSync(fd, buf, n, buf.length - n, n);
      if (r <= 0) break;
      n += r;
    }
    return { kind: 'ok', bytes: n === buf.length ? buf : buf.subarray(0, n) };
  } finally {
    fs.closeSync(fd);
  }
}

/** True when `file` (a real path) is `dir` or below it; `dir` is resolved the same way. */
export function inside(dir: string, file: string): boolean {
  let root = path.resolve(dir);
  try {
    root = fs.realpathSync(root);
  } catch {
    /* compare as given */
  }
  const rel = path.relative(root, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** "a named pipe", "a character device"…, for log lines and warnings. */
export function fileKind(st: fs.Stats): string {
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}
