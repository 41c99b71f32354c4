import fs from 'node:fs';
import { repoStatePaths } from '../paths.js';
import { gitDirs } from './run.js';

/** Appends one line to the repository's `.git/chainloop-trace/log.txt`; never throws. `gitDir`, when
 * the caller knows the common git dir already, saves running git. */
export async function hookLog(repo: string, line: string, gitDir?: string | null): Promise<void> {
  try {
    const gd = gitDir ?? (await gitDirs(repo))?.commonDir;
    if (!gd) return;
    const state = repoStatePaths(gd);
    if (fs.existsSync(state.dir)) fs.appendFileSync(state.log, `${Date.now() * 1_000_000} ${line.replace(/\s+/g, ' ')}\n`);
  } catch {
    /* logging must never fail a hook */
  }
}
