import fs from 'node:fs';
import path from 'node:path';
import type { TracePaths } from '../paths.js';

/** One file the shims left in the spool, in the order they wrote them. */
export interface SpoolEntry {
  key: string;
  file: string;
  kind: 'agent' | 'git';
  /** When the shim finished writing it (the file's mtime), in ns: the order of events. */
  order: bigint;
  /** The shims' counter: the order of files with the same mtime (timestamps are only as fine as the kernel's tick). */
  seq: number;
  /** The same instant in ms, and as ISO 8601. */
  atMs: number;
  ts: string;
  agent: string;
  event: string;
  /** The shim's process id (the name's second field): while it lives, the shim may still be writing. */
  pid: number;
  /** Where an edit event's snapshot is, when the shim took one. */
  blobFile: string;
  /** Written by the shim when an edit event (name ending `-e`) is complete, snapshot included. */
  doneFile: string;
}

const NAME = /^(\d+)-(\d+)-([a-z0-9_]+)-([A-Za-z0-9_-]+)\.(json|git)$/;

export function ensureSpool(p: TracePaths): void {
  for (const d of [p.home, p.spool, p.spoolNew, p.spoolBlobs, p.spoolDead]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
}

/** The spool's waiting entries, oldest first; files with names no shim writes are dead-lettered. */
export function listSpool(p: TracePaths): SpoolEntry[] {
  let names: string[];
  try {
    names = fs.readdirSync(p.spoolNew);
  } catch {
    return [];
  }
  const out: SpoolEntry[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m) {
      deadLetter(p, path.join(p.spoolNew, name), `unrecognised spool file name ${name}`);
      continue;
    }
    const key = name.replace(/\.(json|git)$/, '');
    const file = path.join(p.spoolNew, name);
    let order: bigint;
    try {
      order = fs.statSync(file, { bigint: true }).mtimeNs;
    } catch {
      continue; // consumed meanwhile
    }
    const atMs = Number(order / 1000n) / 1000;
    out.push({
      key,
      file,
      kind: m[5] === 'git' ? 'git' : 'agent',
      order,
      seq: Number(m[1]),
      atMs,
      ts: new Date(Math.floor(atMs)).toISOString(),
      agent: m[3]!,
      event: m[4]!,
      pid: Number(m[2]),
      blobFile: path.join(p.spoolBlobs, key),
      doneFile: path.join(p.spoolBlobs, `${key}.done`),
    });
  }
  return out.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : a.seq - b.seq || (a.key < b.key ? -1 : 1)));
}

/** Removes an entry (and its snapshot) once applied. */
export function consume(entry: SpoolEntry): void {
  fs.rmSync(entry.file, { force: true });
  fs.rmSync(entry.blobFile, { force: true });
  fs.rmSync(entry.doneFile, { force: true });
}

/** Moves a file that cannot be applied aside, with the reason next to it, so nothing is lost silently. */
export function deadLetter(p: TracePaths, file: string, reason: string): void {
  const base = path.basename(file);
  try {
    fs.mkdirSync(p.spoolDead, { recursive: true, mode: 0o700 });
    fs.renameSync(file, path.join(p.spoolDead, base));
    fs.writeFileSync(path.join(p.spoolDead, base + '.reason'), reason + '\n');
  } catch {
    fs.rmSync(file, { force: true });
  }
}

/** A git hook's spool file: header lines (`hook`, `repo`, `gitdir`, `arg`…), then stdin after `--`. */
export interface GitSpoolEvent {
  hook: string;
  repo: string;
  gitdir: string;
  args: string[];
  stdin: string;
  /** `token NAME VALUE` lines (pre-push): the destinations' tokenEnv values in the pusher's environment. */
  tokens?: Record<string, string>;
}

/** The last line of a complete git spool file (the shim writes it straight into spool/new). */
export const GIT_SPOOL_END = '-- end\n';

/** True when the shim has finished writing this git spool file. */
export function gitSpoolComplete(text: string): boolean {
  return text.endsWith(`\n${GIT_SPOOL_END}`);
}

export function parseGitSpool(text: string): GitSpoolEvent {
  if (gitSpoolComplete(text)) text = text.slice(0, -GIT_SPOOL_END.length);
  const sep = text.indexOf('\n--\n');
  const head = sep >= 0 ? text.slice(0, sep) : text;
  const stdin = sep >= 0 ? text.slice(sep + 4) : '';
  const lines = head.split('\n');
  if (lines[0] !== 'ai-trace-git 1') throw new Error('not an ai-trace git spool file');
  const ev: GitSpoolEvent = { hook: '', repo: '', gitdir: '', args: [], stdin };
  for (const l of lines.slice(1)) {
    const sp = l.indexOf(' ');
    const k = sp < 0 ? l : l.slice(0, sp);
    const v = sp < 0 ? '' : l.slice(sp + 1);
    if (k === 'hook') ev.hook = v;
    else if (k === 'repo') ev.repo = v;
    else if (k === 'gitdir') ev.gitdir = v;
    else if (k === 'arg') ev.args.push(v);
    else if (k === 'token') {
      const sp2 = v.indexOf(' ');
      const name = sp2 < 0 ? '' : v.slice(0, sp2);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && v.length > sp2 + 1) (ev.tokens ??= {})[name] = v.slice(sp2 + 1);
    }
  }
  if (!ev.hook || !ev.repo) throw new Error('git spool file lacks hook or repo');
  return ev;
}
