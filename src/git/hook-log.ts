import fs from 'node:fs';
import path from 'node:path';
import { git } from './run.js';

/** Appends one line to the repository's `.git/chainloop-trace/log.txt`; never throws. `gitDir`, when
 * the caller knows the common git dir already, saves running git. */
export async function hookLog(repo: string, line: string, gitDir?: string | null): Promise<void> {
  try {
    const gd = gitDir ?? (await git(repo, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim();
    const dir = path.join(gd, 'chainloop-trace');
    if (fs.existsSync(dir)) fs.appendFileSync(path.join(dir, 'log.txt'), `${Date.now() * 1_000_000} ${line.replace(/\s+/g, ' ')}\n`);
  } catch {
    /* logging must never fail a hook */
  }
}
