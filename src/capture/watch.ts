import fs from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { git } from '../git/run.js';

/**
 * One change the watcher saw in a work tree; `at` is the file's ctime (ms: set by writes and by
 * renames, unlike mtime, which `mv` keeps) or, for a deletion, when it was seen.
 */
export interface TreeChange {
  rel: string;
  kind: 'add' | 'change' | 'unlink';
  at: number;
  seen: number;
}

const KEEP_MS = 10 * 60 * 1000;
const KEEP_MAX = 20_000;

/**
 * Watches one work tree while agent sessions are active in it, so that files an agent changes through
 * its shell (formatters, codegen, `sed -i`, `mv`, `rm`) are found without scanning the tree on every
 * Bash call: the hook stays as cheap as in a ten-file repository. Ignores `.git/` and git-ignored folders.
 */
export class TreeWatcher {
  private watcher: FSWatcher | null = null;
  private readonly changes: TreeChange[] = [];
  private ignoredDirs = new Set<string>();
  private ready: Promise<void> | null = null;
  lastUsed = Date.now();

  constructor(
    readonly top: string,
    private readonly onChange: (c: TreeChange) => void,
  ) {}

  start(): Promise<void> {
    if (this.ready) return this.ready;
    this.ready = (async () => {
      const out = await git(this.top, ['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z'], { allowFailure: true }).catch(() => '');
      this.ignoredDirs = new Set(out.split('\0').filter((p) => p.endsWith('/')).map((p) => p.slice(0, -1)));
      const w = watch(this.top, {
        ignoreInitial: true,
        alwaysStat: true,
        ignored: (p: string) => this.isIgnored(p),
      });
      this.watcher = w;
      const record = (kind: TreeChange['kind']) => (p: string, stats?: fs.Stats) => {
        const rel = path.relative(this.top, p).split(path.sep).join('/');
        const seen = Date.now();
        const c: TreeChange = { rel, kind, at: kind === 'unlink' ? seen : stats ? Math.max(stats.mtimeMs, stats.ctimeMs) : seen, seen };
        this.changes.push(c);
        if (this.changes.length > KEEP_MAX || (this.changes[0] && seen - this.changes[0].seen > KEEP_MS)) this.prune(seen);
        this.onChange(c);
      };
      w.on('add', record('add'));
      w.on('change', record('change'));
      w.on('unlink', record('unlink'));
      await new Promise<void>((resolve) => w.once('ready', () => resolve()));
    })();
    return this.ready;
  }

  private isIgnored(abs: string): boolean {
    const rel = path.relative(this.top, abs).split(path.sep).join('/');
    if (rel === '') return false;
    const first = rel.split('/')[0]!;
    if (first === '.git' || first === 'node_modules') return true;
    for (const d of this.ignoredDirs) if (rel === d || rel.startsWith(d + '/')) return true;
    return false;
  }

  private prune(now: number): void {
    const keepFrom = this.changes.findIndex((c) => now - c.seen <= KEEP_MS);
    this.changes.splice(0, keepFrom < 0 ? this.changes.length : Math.max(keepFrom, this.changes.length - KEEP_MAX));
  }

  /** Changes whose time falls in [from, to] (ms, inclusive, with `slackMs` either side). */
  changesBetween(from: number, to: number, slackMs = 5): TreeChange[] {
    return this.changes.filter((c) => c.at >= from - slackMs && c.at <= to + slackMs);
  }

  /** The newest change seen, for waiting until the watcher has caught up. */
  lastSeen(): number {
    return this.changes[this.changes.length - 1]?.seen ?? 0;
  }

  async close(): Promise<void> {
    await this.watcher?.close().catch(() => undefined);
    this.watcher = null;
  }
}
