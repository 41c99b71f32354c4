import fs from 'node:fs';
import path from 'node:path';
import { gitDirs, repoTop } from '../git/run.js';

/** Remembers which work tree and git dir a directory belongs to, so events don't spawn git each time. */
export class RepoCache {
  private readonly tops = new Map<string, string | null>();
  private readonly gitDirs = new Map<string, string | null>();

  async top(dir: string): Promise<string | null> {
    if (!this.tops.has(dir)) this.tops.set(dir, fs.existsSync(dir) ? await repoTop(dir) : null);
    return this.tops.get(dir)!;
  }

  /** The common git dir (shared by worktrees), where `chainloop-trace/` lives. */
  async gitDir(top: string): Promise<string | null> {
    if (!this.gitDirs.has(top)) {
      const dirs = await gitDirs(top).catch(() => null);
      this.gitDirs.set(top, dirs?.commonDir ?? null);
    }
    return this.gitDirs.get(top)!;
  }

  /** `file` relative to `top`, following symlinked parents; null when outside the work tree. */
  relative(top: string, file: string): string | null {
    const direct = path.relative(top, file);
    if (!direct.startsWith('..') && !path.isAbsolute(direct) && direct !== '') return direct.split(path.sep).join('/');
    try {
      const real = path.join(fs.realpathSync(path.dirname(file)), path.basename(file));
      const rel = path.relative(top, real);
      if (!rel.startsWith('..') && !path.isAbsolute(rel) && rel !== '') return rel.split(path.sep).join('/');
    } catch {
      /* parent gone */
    }
    return null;
  }
}
