import fs from 'node:fs';
import path from 'node:path';
import { isBinary, splitLines } from '../attribution/lines.js';
import { matchLines } from '../attribution/match.js';
import { BASE, isAi } from '../attribution/labels.js';
import { movedFrom } from '../attribution/moves.js';
import { agentEdit, firstSight, observe, type FileProvenance } from '../attribution/provenance.js';
import { git, readObjects } from '../git/run.js';
import type { Logger } from '../log/logger.js';
import type { ProvenanceStore } from '../store/provenance.js';
import { changeTime, inWindow, TreeWatcher, type TreeChange } from './watch.js';
import { limits } from '../guard/limits.js';
import { readRegular } from '../guard/regular-file.js';
import { workTreeFile } from '../guard/work-tree-path.js';

/** An agent tool call in progress: changes in its time window are the agent's. */
interface ToolWindow {
  top: string;
  session: string;
  start: number;
  end?: number;
  /** Edit tools: the one file the call changes (its snapshots cover it). */
  rel?: string;
}

/** A file an agent changed through its shell, with its provenance after the change. */
export interface ShellChange {
  rel: string;
  prov: FileProvenance | null;
  removedPath?: string;
}

const CATCH_UP_MS = 150;
const UNLINK_SLACK_MS = 1000;
const WINDOW_KEEP_MS = 60_000;
const RENAME_MIN_SHARED = 0.5;
/** A watcher that began this much later than the event that asked for it missed changes (the daemon was down or behind). */
const BLIND_MIN_MS = 1000;
/** How long one `git status` serves the Bash windows that closed before it was read (a backlog's). */
const STATUS_REUSE_MS = 1000;

/** Files changed while a work tree was not watched, that no agent tool call window has explained yet. */
export interface BlindChanges {
  from: number;
  to: number;
  files: string[];
}

/**
 * Finds what agents change outside their edit tools. While a session is active in a work tree it is
 * watched; a change inside a Bash call's window is the agent's, any other change is a human's and is
 * folded into the file's provenance at once, so a later shell change is diffed against the truth.
 * Known limit: a human change to a file during an agent's Bash call counts as the agent's.
 */
export class ShellTracker {
  private readonly watchers = new Map<string, TreeWatcher>();
  private readonly windows = new Map<string, ToolWindow>();
  private readonly pendingHuman = new Map<string, NodeJS.Timeout>();
  private readonly statusRead = new Map<string, { out: string; at: number }>();
  /** Per work tree: files changed while it was not watched (rel → change time), until a call window explains them. */
  private readonly blind = new Map<string, { from: number; to: number; files: Map<string, number> }>();

  constructor(
    private readonly provenance: ProvenanceStore,
    private readonly log: Logger,
    /** Lets queued hook events be applied before a change is judged. */
    private readonly drain: () => Promise<unknown>,
  ) {}

  /** Starts watching a work tree (first event of a session there); takes in files that are already dirty. */
  async watch(top: string, asOf = Date.now()): Promise<void> {
    let w = this.watchers.get(top);
    if (!w) {
      w = new TreeWatcher(top, (c) => this.onChange(top, c));
      this.watchers.set(top, w);
      await w.start();
      await this.observeDirty(top, asOf);
      if (w.startedAt - asOf > BLIND_MIN_MS) {
        // the daemon was down or behind: what changed meanwhile is the agent's only where a call's window
        // (read from the events, judged from the files' times) explains it; the rest is told at the commit
        const files = new Map((await changedSince(top, asOf, w.startedAt)).map((c) => [c.rel, c.at] as const));
        if (files.size) this.blind.set(top, { from: asOf, to: w.startedAt, files });
      }
    }
    w.lastUsed = Date.now();
    await w.start();
  }

  /** Whether `top` is watched (a session's event there started it). */
  watching(top: string): boolean {
    return this.watchers.has(top);
  }

  /**
   * Whether a shell window [from, to] in `top` may have changed any of `rels` (any file when null), as
   * closing it would find: a change the watcher saw in it or, for the part before the watcher began, a
   * file time in it; true when that cannot be told (the window ended too recently for the watcher).
   */
  mayHaveChanged(top: string, rels: ReadonlySet<string> | null, from: number, to: number): boolean {
    const w = this.watchers.get(top);
    if (!w || Date.now() < to + CATCH_UP_MS) return true;
    if (w.startedAt > from) {
      // closing it reads the files' times instead (changedSince): the same test, on these files only
      if (!rels) return true;
      for (const rel of rels) {
        try {
          if (inWindow(changeTime(fs.lstatSync(path.join(top, rel))), from, to)) return true;
        } catch {
          /* gone: a deletion is dated when it is seen, after the window */
        }
      }
    }
    return w.changesBetween(from, to + UNLINK_SLACK_MS).some((c) => !rels || rels.has(c.rel));
  }

  /** Start times of the shell windows open in `top` (commands still running as far as the daemon knows). */
  openShellStarts(top: string): number[] {
    return [...this.windows.values()].filter((w) => w.top === top && w.rel === undefined && w.end === undefined).map((w) => w.start);
  }

  /** Stops watching trees without agent activity for `idleMs`. */
  async sweep(idleMs: number): Promise<void> {
    const now = Date.now();
    for (const [top, w] of this.watchers) {
      const open = [...this.windows.values()].some((x) => x.top === top && x.end === undefined);
      if (!open && now - w.lastUsed > idleMs) {
        this.watchers.delete(top);
        await w.close();
      }
    }
    for (const [k, win] of this.windows) if (win.end !== undefined && now - win.end > WINDOW_KEEP_MS) this.windows.delete(k);
    for (const [top, r] of this.statusRead) if (now - r.at > STATUS_REUSE_MS) this.statusRead.delete(top);
  }

  async close(): Promise<void> {
    for (const t of this.pendingHuman.values()) clearTimeout(t);
    for (const w of this.watchers.values()) await w.close();
    this.watchers.clear();
  }

  open(key: string, win: ToolWindow): void {
    this.windows.set(key, win);
  }

  /** A tool call's window (kept a while after it closed). */
  window(key: string): { start: number; end?: number } | undefined {
    const w = this.windows.get(key);
    return w && { start: w.start, ...(w.end !== undefined ? { end: w.end } : {}) };
  }

  closeEdit(key: string, end: number): void {
    const w = this.windows.get(key);
    if (!w) return;
    w.end = end;
    if (w.rel !== undefined) this.explain(w.top, w.start, end, w.rel);
  }

  /** Files changed while `top` was not watched that a tool call in [start, end] accounts for (one file, or any). */
  private explain(top: string, start: number, end: number, rel?: string): void {
    const b = this.blind.get(top);
    if (!b) return;
    for (const [f, at] of b.files) if ((rel === undefined || f === rel) && at >= start - 5 && at <= end + 5) b.files.delete(f);
    if (b.files.size === 0) this.blind.delete(top);
  }

  /**
   * A commit of `paths` in `top`: those that changed while the tree was not watched and inside no tool
   * call window. Labelled human (nothing says otherwise), but an agent may have made them: the caller
   * says so in the sessions' warnings. Each file is told once.
   */
  takeBlind(top: string, paths: readonly string[]): BlindChanges | undefined {
    const b = this.blind.get(top);
    if (!b) return undefined;
    const files = paths.filter((p) => b.files.has(p));
    for (const f of files) b.files.delete(f);
    if (b.files.size === 0) this.blind.delete(top);
    return files.length ? { from: b.from, to: b.to, files } : undefined;
  }

  /** Ends a Bash call's window and returns the files it changed, with their new provenance. */
  async closeBash(key: string, end: number, session: string): Promise<ShellChange[]> {
    const win = this.windows.get(key);
    if (!win) return [];
    win.end = end;
    const watcher = this.watchers.get(win.top);
    if (!watcher) return [];
    const wait = end + CATCH_UP_MS - Date.now();
    // a daemon running behind reaches here with the watcher's events for the window still undelivered
    // (settled promises never yield to the poll phase): let them in before reading what changed
    await new Promise((r) => (wait > 0 ? setTimeout(r, wait) : setImmediate(r)));
    this.log.debug({ window: [win.start, end], changes: watcher.changesBetween(0, Date.now() + 1e9).slice(-20) }, 'bash window closed');
    const byPath = new Map<string, TreeChange>();
    // the watcher began after the call did (the daemon was down or started late): what changed in the
    // call's window is read from the files' times instead
    if (watcher.startedAt > win.start) for (const c of filterByTime(win.top, await this.dirtyFor(win.top, end), win.start, end)) byPath.set(c.rel, c);
    for (const c of watcher.changesBetween(win.start, end)) byPath.set(c.rel, c);
    for (const c of watcher.changesBetween(win.start, end + UNLINK_SLACK_MS)) if (c.kind === 'unlink') byPath.set(c.rel, c);
    this.explain(win.top, win.start, end);
    for (const rel of byPath.keys()) if (this.inEditWindow(win.top, rel, byPath.get(rel)!.at)) byPath.delete(rel);
    if (byPath.size === 0) return [];

    const rels = [...byPath.keys()];
    const heads = await readObjects(win.top, rels.map((r) => `HEAD:${r}`)).catch(() => rels.map(() => null));
    const before = new Map<string, FileProvenance | null>();
    const after = new Map<string, string[] | null>();
    const skipped: string[] = [];
    rels.forEach((rel, i) => {
      const head = heads[i];
      const headLines = head && !isBinary(head) ? splitLines(head.toString('utf8')) : null;
      before.set(rel, this.provenance.get(win.top, rel) ?? (headLines ? { lines: headLines, labels: headLines.map(() => BASE), removed: [] } : null));
      const file = path.join(win.top, rel);
      const text = readText(win.top, rel);
      if (text === null && fs.existsSync(file)) skipped.push(rel);
      else after.set(rel, text);
    });
    if (skipped.length) this.log.info({ files: skipped }, 'shell change to binary or large files: line attribution skipped');
    const created = rels.filter((r) => !before.get(r) && after.get(r));
    const removed = rels.filter((r) => before.get(r) && after.get(r) === null);
    const out: ShellChange[] = [];
    const usedRemoved = new Set<string>();
    for (const rel of rels) {
      const a = after.get(rel);
      let b = before.get(rel) ?? null;
      let removedPath: string | undefined;
      if (a === undefined) continue;
      if (created.includes(rel)) {
        const from = bestSource(a!, removed.filter((r) => !usedRemoved.has(r)).map((r) => ({ rel: r, prov: before.get(r)! })));
        if (from) {
          usedRemoved.add(from.rel);
          b = from.prov;
          removedPath = from.rel;
        }
      }
      if (a === null && usedRemoved.has(rel)) continue;
      // unchanged content stays as it was, unless it moved here: the labels must follow it
      if (!removedPath && b && a && b.lines.length === a.length && b.lines.every((l, i) => l === a[i])) continue;
      out.push({ rel, prov: agentEdit(b ?? { lines: [], labels: [], removed: [] }, a ?? [], session), ...(removedPath ? { removedPath } : {}) });
    }
    for (const r of usedRemoved) out.push({ rel: r, prov: null });
    return out;
  }

  /** Shell windows still open in a work tree (a running command may yet change files there). */
  openShellWindows(top: string): number {
    let n = 0;
    for (const w of this.windows.values()) if (w.top === top && w.rel === undefined && w.end === undefined) n++;
    return n;
  }

  /**
   * What the shell commands still running in `top` have changed up to `at` (a commit is being made in the
   * middle of them: `git commit` inside a Bash call, or under `trace run`), per session; their windows go
   * on from `at`, so nothing is counted twice.
   */
  async checkpoint(top: string, at: number): Promise<{ session: string; changes: ShellChange[] }[]> {
    const out: { session: string; changes: ShellChange[] }[] = [];
    for (const [key, win] of [...this.windows]) {
      if (win.top !== top || win.rel !== undefined || win.end !== undefined || win.start >= at) continue;
      const changes = await this.closeBash(key, at, win.session);
      this.windows.set(key, { top, session: win.session, start: at });
      out.push({ session: win.session, changes });
    }
    return out;
  }

  private inEditWindow(top: string, rel: string, at: number): boolean {
    for (const w of this.windows.values()) {
      if (w.top === top && w.rel === rel && at >= w.start - 5 && (w.end === undefined || at <= w.end + 5)) return true;
    }
    return false;
  }

  private inAnyBashWindow(top: string, c: TreeChange): boolean {
    const after = c.kind === 'unlink' ? UNLINK_SLACK_MS : 5;
    for (const w of this.windows.values()) {
      if (w.top === top && w.rel === undefined && c.at >= w.start - 5 && (w.end === undefined || c.at <= w.end + after)) return true;
    }
    return false;
  }

  private onChange(top: string, c: TreeChange): void {
    const key = `${top}\0${c.rel}`;
    clearTimeout(this.pendingHuman.get(key));
    this.pendingHuman.set(
      key,
      setTimeout(() => {
        this.pendingHuman.delete(key);
        void this.judge(top, c).catch((err: Error) => this.log.warn({ err: err.message, file: c.rel }, 'change not judged'));
      }, 100),
    );
  }

  /**
   * The work tree's `git status` for a window that ended at `end`: one read serves, for a second, every
   * window that closed before it (a backlog's Bash calls, one `git status` each otherwise): a change
   * made after the read cannot fall in them, and the read is as recent as applying them a moment
   * earlier would have made it.
   */
  private async dirtyFor(top: string, end: number): Promise<string> {
    const last = this.statusRead.get(top);
    if (last && end < last.at && Date.now() - last.at < STATUS_REUSE_MS) return last.out;
    const at = Date.now();
    const out = await gitStatus(top);
    this.statusRead.set(top, { out, at });
    return out;
  }

  /** A change outside every agent window is a human's: fold it into the file's provenance now. */
  private async judge(top: string, c: TreeChange): Promise<void> {
    await this.drain();
    if (this.inAnyBashWindow(top, c) || this.inEditWindow(top, c.rel, c.at)) return;
    const open = [...this.windows.values()].some((w) => w.top === top && w.end === undefined);
    if (open) return; // an agent call is running: its own window will judge what it changed
    await this.observeHuman(top, c.rel);
  }

  async observeHuman(top: string, rel: string): Promise<void> {
    const content = readText(top, rel);
    if (content === null && fs.existsSync(path.join(top, rel))) return; // there, but not a text file to diff (past the cap, binary, a pipe)
    const prov = this.provenance.get(top, rel);
    if (prov) {
      // a file that went away keeps its agent lines dormant: a stash pop or a move brings them back
      if (content === null && !prov.labels.some(isAi) && !prov.dormant?.length) this.provenance.delete(top, rel);
      else this.provenance.put(top, rel, observe(prov, content ?? []));
      return;
    }
    if (content === null) return;
    const [head] = await readObjects(top, [`HEAD:${rel}`]).catch(() => [null]);
    const headLines = head && !isBinary(head) ? splitLines(head.toString('utf8')) : null;
    if (headLines && headLines.length === content.length && headLines.every((l, i) => l === content[i])) return;
    const moved = headLines ? undefined : movedFrom(this.provenance, top, rel, content);
    if (moved) {
      // a human's `mv` of a file with agent lines: the lines keep their labels at the new path
      this.provenance.put(top, rel, observe(moved.prov, content));
      this.provenance.delete(top, moved.rel);
      return;
    }
    this.provenance.put(top, rel, firstSight(headLines, content));
  }

  /**
   * Takes in files already dirty when watching begins, as a human's: only those last changed before
   * `asOf` (the event that started the watch). A file changed later may be an agent's shell command
   * whose events are still queued: its call's window judges it (see closeBash).
   */
  private async observeDirty(top: string, asOf: number): Promise<void> {
    for (const c of await changedSince(top, 0, asOf)) {
      if (!this.provenance.get(top, c.rel)) await this.observeHuman(top, c.rel);
    }
  }
}

/**
 * A work-tree text file's lines, or null when it is gone, binary, too large to diff, not a regular file
 * or reached through a symlink (never opened blocking, never read outside the tree).
 */
function readText(top: string, rel: string): string[] | null {
  const f = workTreeFile(top, path.join(top, rel));
  if ('skip' in f) return null;
  const r = readRegular(f.abs, { maxBytes: limits().snapshotBytes, within: top });
  if (r.kind !== 'ok') return null;
  return isBinary(r.bytes) ? null : splitLines(r.bytes.toString('utf8'));
}

/**
 * Dirty files of the work tree (`git status`, untracked included) whose last change (the later of
 * mtime and ctime, as the watcher counts it) falls in [from, to] ms, with a few ms of slack.
 */
async function changedSince(top: string, from: number, to: number): Promise<TreeChange[]> {
  return filterByTime(top, await gitStatus(top), from, to);
}

/** `git status -z` of the work tree, untracked files included ('' when it fails). */
function gitStatus(top: string): Promise<string> {
  // --no-optional-locks: never take index.lock, or the user's own git command could fail on it
  return git(top, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '-uall', '--no-renames'], { allowFailure: true }).catch(() => '');
}

/** The entries of a `git status -z` output whose files last changed in [from, to] (deleted ones: now). */
function filterByTime(top: string, status: string, from: number, to: number): TreeChange[] {
  const seen = Date.now();
  const changes: TreeChange[] = [];
  for (const entry of status.split('\0')) {
    if (entry.length < 4) continue;
    const rel = entry.slice(3);
    try {
      const st = fs.lstatSync(path.join(top, rel));
      const at = changeTime(st);
      if (inWindow(at, from, to)) changes.push({ rel, kind: entry[1] === '?' || entry[0] === '?' ? 'add' : 'change', at, seen });
    } catch {
      if (entry[1] === 'D' || entry[0] === 'D') changes.push({ rel, kind: 'unlink', at: seen, seen });
    }
  }
  return changes;
}

/** The removed file a new file most likely is (a move): the one sharing most lines, if at least half. */
function bestSource(lines: string[], candidates: { rel: string; prov: FileProvenance }[]): { rel: string; prov: FileProvenance } | undefined {
  let best: { rel: string; prov: FileProvenance } | undefined;
  let bestShared = 0;
  for (const c of candidates) {
    const shared = [...matchLines(c.prov.lines, lines)].filter((i) => i >= 0).length;
    if (shared > bestShared) {
      best = c;
      bestShared = shared;
    }
  }
  return best && bestShared >= RENAME_MIN_SHARED * Math.max(lines.length, 1) ? best : undefined;
}
