import type fs from 'node:fs';
import { DirWatcher } from './dir-watch.js';
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
/** Slack either side of a window, for file times (ms) taken by another clock read. */
const SLACK_MS = 5;

/** When a file last changed, as the watcher counts it: the later of mtime and ctime (`mv` keeps mtime). */
export function changeTime(st: fs.Stats): number {
  return Math.max(st.mtimeMs, st.ctimeMs);
}

/** Whether a change at `at` falls in the window [from, to], with the slack. */
export function inWindow(at: number, from: number, to: number): boolean {
  return at >= from - SLACK_MS && at <= to + SLACK_MS;
}
const KEEP_MAX = 20_000;

/**
 * Watches one work tree while agent sessions are active in it, so that files an agent changes through
 * its shell (formatters, codegen, `sed -i`, `mv`, `rm`) are found without scanning the tree on every
 * Bash call: the hook stays as cheap as in a ten-file repository. Ignores `.git/` and git-ignored folders.
 */
export class TreeWatcher {
  private watcher: DirWatcher | null = null;
  private readonly changes: TreeChange[] = [];
  private ignoredDirs = new Set<string>();
  private ready: Promise<void> | null = null;
  lastUsed = Date.now();
  /** From when changes are seen (ms: once every folder is watched): changes before it must be reconstructed. */
  startedAt = 0;

  constructor(
    readonly top: string,
    private readonly onChange: (c: TreeChange) => void,
  ) {}

  start(): Promise<void> {
    if (this.ready) return this.ready;
    this.startedAt = Date.now();
    this.ready = (async () => {
      const out = await git(this.top, ['ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z'], { allowFailure: true }).catch(() => '');
      this.ignoredDirs = new Set(out.split('\0').filter((p) => p.endsWith('/')).map((p) => p.slice(0, -1)));
      const w = new DirWatcher(this.top, (rel) => this.isIgnoredRel(rel), (e) => {
        const seen = Date.now();
        const c: TreeChange = { rel: e.rel, kind: e.kind, at: e.kind === 'unlink' || !e.stats ? seen : changeTime(e.stats), seen };
        this.changes.push(c);
        if (this.changes.length > KEEP_MAX || (this.changes[0] && seen - this.changes[0].seen > KEEP_MS)) this.prune(seen);
        this.onChange(c);
      });
      this.watcher = w;
      w.start();
      // not when start() was called: the ignored folders are read first (slow on a loaded machine), and a
      // change made before a folder's watch exists is only found from the files' times
      this.startedAt = Date.now();
    })();
    return this.ready;
  }

  private isIgnoredRel(rel: string): boolean {
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

  /** Changes whose time falls in [from, to] (ms, inclusive, with a few ms of slack). */
  changesBetween(from: number, to: number): TreeChange[] {
    return this.changes.filter((c) => inWindow(c.at, from, to));
  }

  /** The newest change seen, for waiting until the watcher has caught up. */
  lastSeen(): number {
    return this.changes[this.changes.length - 1]?.seen ?? 0;
  }

  async close(): Promise<void> {
    this.watcher?.close();
    this.watcher = null;
  }
}
