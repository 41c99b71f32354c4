import fs from 'node:fs';
import path from 'node:path';

/** What happened to one path under a watched tree. */
export interface PathEvent {
  rel: string;
  kind: 'add' | 'change' | 'unlink';
  stats?: fs.Stats;
}

/**
 * A recursive watcher with one OS watch per directory (inotify on Linux reports changes to a
 * directory's files on the directory's own watch), or one recursive watch where the OS has it
 * (macOS, Windows). Per-file watchers, as general watcher libraries place them, cost over 100 MB for
 * a 50,000-file tree; this costs one watch per folder.
 */
export class DirWatcher {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private readonly known = new Set<string>();
  private closed = false;

  constructor(
    private readonly top: string,
    private readonly ignored: (rel: string) => boolean,
    private readonly emit: (e: PathEvent) => void,
  ) {}

  start(): void {
    if (process.platform === 'darwin' || process.platform === 'win32') {
      const w = fs.watch(this.top, { recursive: true }, (_type, name) => name && this.check(String(name).split(path.sep).join('/')));
      w.on('error', () => undefined);
      this.watchers.set('', w);
      this.walk('', false);
      return;
    }
    this.walk('', true);
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  /** Watches `rel` (a directory) and everything below it; `announce` reports files found as added. */
  private walk(rel: string, watch: boolean, announce = false): void {
    if (this.closed) return;
    const abs = path.join(this.top, rel);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    if (watch && !this.watchers.has(rel)) {
      try {
        const w = fs.watch(abs, (_type, name) => name && this.check(rel ? `${rel}/${name}` : String(name)));
        w.on('error', () => this.watchers.delete(rel));
        this.watchers.set(rel, w);
      } catch {
        return; // out of watches or gone: changes below here go unseen
      }
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (this.ignored(child)) continue;
      if (e.isDirectory()) this.walk(child, watch, announce);
      else {
        this.known.add(child);
        if (announce) this.check(child);
      }
    }
  }

  private check(rel: string): void {
    if (this.closed || this.ignored(rel)) return;
    let stats: fs.Stats | undefined;
    try {
      stats = fs.statSync(path.join(this.top, rel));
    } catch {
      stats = undefined;
    }
    if (!stats) {
      if (this.known.delete(rel)) this.emit({ rel, kind: 'unlink' });
      else this.forgetDir(rel);
      return;
    }
    if (stats.isDirectory()) {
      if (!this.watchers.has(rel)) this.walk(rel, process.platform === 'linux', true);
      return;
    }
    const kind = this.known.has(rel) ? 'change' : 'add';
    this.known.add(rel);
    this.emit({ rel, kind, stats });
  }

  /** A directory went away: its files are gone too. */
  private forgetDir(rel: string): void {
    const prefix = rel + '/';
    for (const k of [...this.watchers.keys()]) {
      if (k === rel || k.startsWith(prefix)) {
        this.watchers.get(k)!.close();
        this.watchers.delete(k);
      }
    }
    for (const f of [...this.known]) {
      if (f.startsWith(prefix)) {
        this.known.delete(f);
        this.emit({ rel: f, kind: 'unlink' });
      }
    }
  }
}
