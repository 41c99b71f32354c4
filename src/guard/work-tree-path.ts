import fs from 'node:fs';
import path from 'node:path';
import { fileKind } from './regular-file.js';

/** Where an agent's file path leads: a file of the work tree (relative, `/`-separated) or why not. */
export type WorkTreeFile = { rel: string; abs: string } | { skip: string };

/**
 * The same judgement the shim makes before it copies a file (see shims/hook.sh), so snapshots and the
 * daemon agree: an absolute path, `.`/`..` resolved by name, below `top` and not in `.git`, reached
 * through no symbolic link below `top`, and either absent (a file the tool creates) or a regular file.
 */
export function workTreeFile(top: string, filePath: string): WorkTreeFile {
  if (!path.isAbsolute(filePath)) return { skip: `${filePath}: not an absolute path: skipped` };
  const abs = path.resolve(filePath);
  let rel = path.relative(top, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    // a work tree named through a symlinked parent (/tmp → /private/tmp): compare real parents
    try {
      const real = path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs));
      rel = path.relative(fs.realpathSync(top), real);
    } catch {
      /* parent gone */
    }
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return { skip: `${filePath}: outside the repository: skipped` };
  }
  const parts = rel.split(path.sep);
  if (parts[0] === '.git') return { skip: `${parts.join('/')}: inside .git: skipped` };
  let p = top;
  for (const [i, part] of parts.entries()) {
    p = path.join(p, part);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      break; // absent from here on: a file (or folder) the tool creates
    }
    if (st.isSymbolicLink()) return { skip: `${parts.join('/')}: reached through a symbolic link: skipped` };
    if (i === parts.length - 1 && !st.isFile()) return { skip: `${parts.join('/')}: ${fileKind(st)}, not a regular file: skipped` };
  }
  return { rel: parts.join('/'), abs: path.join(top, ...parts) };
}
