import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TraceError } from '../errors.js';
import { repoStatePaths } from '../paths.js';

/**
 * What a file init touches is for; uninstall picks how to remove our parts by it. Agent hook files
 * use their adapter's `HookConfigFile.kind` (`claude-settings`, …).
 */
export type FileKind = 'chainloop-config' | 'git-hook' | 'git-hook-backup' | (string & {});

/** A file as it is on disk: its bytes and permission bits, or the target when it is a symlink we do not follow. */
export interface FileState {
  bytes: Buffer;
  mode: number;
  symlink?: string;
}

/** One file init wants to write: what is there now and what it should hold. */
export interface FileChange {
  /** Absolute path. */
  path: string;
  kind: FileKind;
  /** Current state; null when the file does not exist. */
  before: FileState | null;
  /** The bytes it should hold (for a symlink, the bytes it reads as; used for diffs only). */
  after: Buffer;
  /** Create a symlink to this target instead of writing `after`. */
  symlink?: string;
  /** Permission bits to set; undefined keeps the current mode (or the umask default for a new file). */
  mode?: number;
}

/** What install.json records for one file: how it was before the first init and what init wrote. */
export interface ManifestFile {
  path: string;
  kind: FileKind;
  existed: boolean;
  /** Original bytes, base64 (only when it existed and was not a symlink we replaced). */
  content?: string;
  /** Original permission bits, octal (e.g. "0755"). */
  mode?: string;
  /** Original symlink target, when the file was a symlink we replaced. */
  symlink?: string;
  /** Fingerprint of what init last wrote; a different current fingerprint means the user changed it. */
  installed: string;
  /** Set when a later init found the file changed by the user since the previous init. */
  userModified?: boolean;
}

/** The whole install record kept in `<git-common-dir>/chainloop-trace/install.json`. */
export interface Manifest {
  version: 1;
  files: ManifestFile[];
  /** Directories init created (absolute), removed by uninstall when empty. */
  createdDirs: string[];
}

/** What uninstall does with one recorded file. */
export type RestoreActionType = 'restore' | 'delete' | 'strip' | 'keep' | 'none';

/** One planned uninstall step with the reason shown to the user. */
export interface RestoreAction {
  path: string;
  kind: FileKind;
  action: RestoreActionType;
  reason: string;
  /** New content for `restore` and `strip`. */
  content?: Buffer;
  /** Mode for `restore`. */
  mode?: number;
  /** Symlink target for `restore` of a symlink. */
  symlink?: string;
}

/** Removes ai-trace's parts from a file's content; null when none can be told apart. */
export type Stripper = (text: string) => string | null;

const BACKUP_SUFFIX = '.chainloop-backup';

/** Git hooks and backups are replaced, never written through; other files follow symlinks. */
function followsLinks(kind: FileKind): boolean {
  return kind !== 'git-hook' && kind !== 'git-hook-backup';
}

/** Reads a file's state; null when it does not exist. */
export function readFileState(file: string, followLinks = true): FileState | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (st.isSymbolicLink()) {
    let bytes: Buffer = Buffer.alloc(0);
    let mode = 0o777;
    try {
      bytes = fs.readFileSync(file);
      mode = fs.statSync(file).mode & 0o7777;
    } catch {
      if (followLinks) return null; // a dangling link reads as a missing file
    }
    return followLinks ? { bytes, mode } : { bytes, mode, symlink: fs.readlinkSync(file) };
  }
  return { bytes: fs.readFileSync(file), mode: st.mode & 0o7777 };
}

/** A change that writes `after` to `file` (with `mode`), or null when the file already is exactly that. */
export function planFile(file: string, kind: FileKind, after: Buffer | string, mode?: number): FileChange | null {
  const bytes = typeof after === 'string' ? Buffer.from(after) : after;
  const before = readFileState(file, followsLinks(kind));
  const same = before !== null && !before.symlink && before.bytes.equals(bytes) && (mode === undefined || before.mode === mode);
  if (same) return null;
  const change: FileChange = { path: file, kind, before, after: bytes };
  if (mode !== undefined) change.mode = mode;
  return change;
}

/** Reads install.json; null when ai-trace is not installed in this repository. */
export function readManifest(gitCommonDir: string): Manifest | null {
  const file = repoStatePaths(gitCommonDir).manifest;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const data = JSON.parse(text) as Manifest;
    if (data.version !== 1 || !Array.isArray(data.files) || !Array.isArray(data.createdDirs)) throw new Error('bad shape');
    return data;
  } catch (err) {
    throw new TraceError(
      'CONFIG_INVALID',
      `${file} is damaged (${(err as Error).message}); restore the hooks by hand from the *.chainloop-backup files, then delete it`,
      { cause: err },
    );
  }
}

/** Writes install.json deterministically, and only when its bytes change. */
export function writeManifest(gitCommonDir: string, manifest: Manifest): void {
  const file = repoStatePaths(gitCommonDir).manifest;
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  const current = readFileState(file);
  if (current && current.bytes.toString() === text) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** Creates the per-repository state folder and an empty `log.txt` when missing. */
export function ensureTraceStateDir(gitCommonDir: string): void {
  const dir = repoStatePaths(gitCommonDir).dir;
  fs.mkdirSync(dir, { recursive: true });
  const log = path.join(dir, 'log.txt');
  if (!fs.existsSync(log)) fs.writeFileSync(log, '');
}

/**
 * Applies `changes`, recording first (in install.json) each file's original state unless an earlier
 * init already recorded it, and every directory it creates; then records what was written.
 */
export function installFiles(gitCommonDir: string, changes: FileChange[]): void {
  ensureTraceStateDir(gitCommonDir);
  const manifest = readManifest(gitCommonDir) ?? { version: 1, files: [], createdDirs: [] };
  const entries = new Map(manifest.files.map((f) => [f.path, f]));

  for (const change of changes) {
    const entry = entries.get(change.path);
    if (entry) {
      if (fingerprint(change.path, change.kind) !== entry.installed) entry.userModified = true;
      continue;
    }
    const { before } = change;
    const recorded: ManifestFile = {
      path: change.path,
      kind: change.kind,
      existed: before !== null,
      ...(before && before.symlink === undefined ? { content: before.bytes.toString('base64') } : {}),
      ...(before?.symlink !== undefined ? { symlink: before.symlink } : {}),
      ...(before ? { mode: before.mode.toString(8).padStart(4, '0') } : {}),
      installed: '',
    };
    manifest.files.push(recorded);
    entries.set(change.path, recorded);
  }
  for (const dir of missingDirs(changes.map((c) => path.dirname(c.path)))) {
    if (!manifest.createdDirs.includes(dir)) manifest.createdDirs.push(dir);
  }
  writeManifest(gitCommonDir, manifest); // originals are safe on disk before anything is touched

  for (const change of changes) {
    writeChange(change);
    entries.get(change.path)!.installed = fingerprint(change.path, change.kind);
  }
  writeManifest(gitCommonDir, manifest);
}

function writeChange(change: FileChange): void {
  fs.mkdirSync(path.dirname(change.path), { recursive: true });
  const replace = !followsLinks(change.kind) && change.before?.symlink !== undefined;
  if (change.symlink !== undefined || replace) fs.rmSync(change.path, { force: true });
  if (change.symlink !== undefined) {
    fs.symlinkSync(change.symlink, change.path);
    return;
  }
  fs.writeFileSync(change.path, change.after, change.mode === undefined ? {} : { mode: change.mode });
  if (change.mode !== undefined) fs.chmodSync(change.path, change.mode);
}

/** Directories among `dirs` and their parents that do not exist yet, outermost first. */
function missingDirs(dirs: string[]): string[] {
  const out: string[] = [];
  for (const start of dirs) {
    const chain: string[] = [];
    for (let dir = start; !fs.existsSync(dir); dir = path.dirname(dir)) chain.unshift(dir);
    for (const dir of chain) if (!out.includes(dir)) out.push(dir);
  }
  return out;
}

/** A short identity of a file's current state (content hash, or link target), '' when missing. */
export function fingerprint(file: string, kind: FileKind): string {
  const state = readFileState(file, followsLinks(kind));
  if (!state) return '';
  if (state.symlink !== undefined) return `symlink:${state.symlink}`;
  return `sha256:${createHash('sha256').update(state.bytes).digest('hex')}`;
}

function originalFingerprint(entry: ManifestFile): string {
  if (!entry.existed) return '';
  if (entry.symlink !== undefined) return `symlink:${entry.symlink}`;
  return `sha256:${createHash('sha256').update(Buffer.from(entry.content ?? '', 'base64')).digest('hex')}`;
}

/** Decides, without touching anything, what uninstall does with each recorded file. */
export function planRestore(manifest: Manifest, strippers: Partial<Record<FileKind, Stripper>>): RestoreAction[] {
  const actions = new Map<string, RestoreAction>();
  const hooksFirst = [...manifest.files].sort((a, b) => Number(a.kind === 'git-hook-backup') - Number(b.kind === 'git-hook-backup'));
  for (const entry of hooksFirst) {
    const hook = entry.kind === 'git-hook-backup' ? actions.get(entry.path.slice(0, -BACKUP_SUFFIX.length)) : undefined;
    actions.set(entry.path, planOne(entry, strippers, hook));
  }
  return manifest.files.map((f) => actions.get(f.path)!);
}

function planOne(entry: ManifestFile, strippers: Partial<Record<FileKind, Stripper>>, hook?: RestoreAction): RestoreAction {
  const base = { path: entry.path, kind: entry.kind };
  const current = fingerprint(entry.path, entry.kind);
  if (hook && hook.action !== 'restore' && hook.action !== 'none') {
    return { ...base, action: 'keep', reason: `kept: ${path.basename(hook.path)} still chains to it` };
  }
  if (current === originalFingerprint(entry)) return { ...base, action: 'none', reason: 'already as it was' };
  const untouched = current === '' || (current === entry.installed && !entry.userModified);
  if (untouched) {
    if (!entry.existed) return { ...base, action: 'delete', reason: 'deleted (did not exist before trace init)' };
    const action: RestoreAction = { ...base, action: 'restore', reason: 'restored to its original content' };
    if (entry.symlink !== undefined) action.symlink = entry.symlink;
    else action.content = Buffer.from(entry.content ?? '', 'base64');
    if (entry.mode !== undefined) action.mode = parseInt(entry.mode, 8);
    return action;
  }
  const state = readFileState(entry.path, followsLinks(entry.kind));
  const strip = strippers[entry.kind];
  let stripped: string | null = null;
  if (strip && state && state.symlink === undefined) {
    try {
      stripped = strip(state.bytes.toString('utf8'));
    } catch {
      stripped = null;
    }
  }
  if (stripped !== null && state && stripped !== state.bytes.toString('utf8')) {
    return { ...base, action: 'strip', content: Buffer.from(stripped), reason: "changed since trace init: removed only ai-trace's part, kept your changes" };
  }
  return { ...base, action: 'keep', reason: 'changed since trace init: left as it is' };
}

/** Carries out `actions`, removes directories init created when empty, then the whole state folder. */
export function applyRestore(gitCommonDir: string, manifest: Manifest, actions: RestoreAction[]): void {
  for (const a of actions) {
    switch (a.action) {
      case 'delete':
        fs.rmSync(a.path, { force: true });
        break;
      case 'restore':
        restoreFile(a);
        break;
      case 'strip':
        fs.writeFileSync(a.path, a.content!);
        break;
      case 'keep':
      case 'none':
        break;
    }
  }
  for (const dir of [...manifest.createdDirs].sort((a, b) => b.length - a.length)) {
    try {
      fs.rmdirSync(dir);
    } catch {
      // not empty (the user put something there) or already gone: leave it
    }
  }
  fs.rmSync(repoStatePaths(gitCommonDir).dir, { recursive: true, force: true });
}

function restoreFile(a: RestoreAction): void {
  fs.mkdirSync(path.dirname(a.path), { recursive: true });
  if (a.symlink !== undefined) {
    fs.rmSync(a.path, { force: true });
    fs.symlinkSync(a.symlink, a.path);
    return;
  }
  if (!followsLinks(a.kind)) fs.rmSync(a.path, { force: true });
  fs.writeFileSync(a.path, a.content!);
  if (a.mode !== undefined) fs.chmodSync(a.path, a.mode);
}
