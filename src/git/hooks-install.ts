import path from 'node:path';
import { shQuote } from '../install/sh-quote.js';
import { TraceError } from '../errors.js';
import { planFile, readFileState, type FileChange, type FileState } from '../install/manifest.js';
import { repoStatePaths } from '../paths.js';
import { git } from './run.js';

/** The git hooks ai-trace installs. */
export const GIT_HOOK_NAMES = ['prepare-commit-msg', 'commit-msg', 'post-commit', 'post-rewrite', 'pre-push'] as const;

/** One git hook ai-trace installs. */
export type GitHookName = (typeof GIT_HOOK_NAMES)[number];

/** The line that marks a hook file as ours. */
export const MANAGED_HOOK_MARKER = '# chainloop-trace managed hook (ai-trace). `trace uninstall` restores the original.';

/** Suffix of the renamed foreign hook our hook chains to. */
export const BACKUP_SUFFIX = '.chainloop-backup';

const HOOK_MODE = 0o755;

/** Where a work tree keeps its git files, all absolute. */
export interface GitRepo {
  /** The work tree's top directory. */
  top: string;
  /** The git common dir (shared by linked worktrees). */
  commonDir: string;
  /** The hooks directory git really runs (follows core.hooksPath). */
  hooksDir: string;
}

/** Finds the work tree around `cwd` (running git with `env`); throws NOT_A_REPO outside one. */
export async function locateRepo(cwd: string, env: NodeJS.ProcessEnv, command = 'trace init'): Promise<GitRepo> {
  const top = (await git(cwd, ['rev-parse', '--show-toplevel'], { env, allowFailure: true })).trim();
  if (!top) throw new TraceError('NOT_A_REPO', `not a git repository: run ${command} inside one`);
  const out = await git(top, ['rev-parse', '--git-common-dir', '--git-path', 'hooks'], { env });
  const [commonDir, hooksDir] = out.trim().split('\n');
  return { top, commonDir: path.resolve(top, commonDir!), hooksDir: path.resolve(top, hooksDir!) };
}

/** The hook file ai-trace writes: sources the shim of the package at `packageRoot`, else chains the backup. */
export function managedHookScript(packageRoot: string): string {
  return [
    '#!/bin/sh',
    MANAGED_HOOK_MARKER,
    `trace_shim=${shQuote(`${packageRoot.replace(/\/+$/, '')}/shims/git-hook.sh`)}`,
    'if [ -f "$trace_shim" ]; then . "$trace_shim"; fi',
    `[ -x "$0${BACKUP_SUFFIX}" ] && exec "$0${BACKUP_SUFFIX}" "$@"`,
    'exit 0',
    '',
  ].join('\n');
}

/** True when a hook's text carries our marker line. */
export function isManagedHook(text: string): boolean {
  return text.split('\n').some((line) => line.trim() === MANAGED_HOOK_MARKER);
}

/** Our hook with ai-trace's own lines taken out (the chain to the backup stays); null when it is not ours. */
export function stripManagedHook(text: string): string | null {
  if (!isManagedHook(text)) return null;
  const ours = (line: string): boolean => {
    const t = line.trim();
    return t === MANAGED_HOOK_MARKER || t.startsWith('trace_shim=') || t === 'if [ -f "$trace_shim" ]; then . "$trace_shim"; fi';
  };
  return text.split('\n').filter((line) => !ours(line)).join('\n');
}

/**
 * The file changes that put our hooks into `hooksDir`: a foreign hook moves to `<hook>.chainloop-backup`
 * (same mode, or same symlink) and our hook takes its place; a hook already ours is rewritten in place.
 */
export function planGitHooks(hooksDir: string, packageRoot: string): FileChange[] {
  const script = managedHookScript(packageRoot);
  const changes: FileChange[] = [];
  for (const name of GIT_HOOK_NAMES) {
    const file = path.join(hooksDir, name);
    const current = readFileState(file, false);
    const foreign = current !== null && (current.symlink !== undefined || !isManagedHook(current.bytes.toString('utf8')));
    const backup = current && foreign ? backupChange(file, current) : null;
    if (backup) changes.push(backup);
    const ours = planFile(file, 'git-hook', script, HOOK_MODE);
    if (ours) changes.push(ours);
  }
  return changes;
}

/**
 * ai-trace's git hooks alone in `<commonDir>/chainloop-trace/hooks`, for an agent whose shell turns git
 * hooks off: git pointed there runs ai-trace's part and no hook of the user's (no backup is chained).
 */
export function planOwnGitHooks(commonDir: string, packageRoot: string): FileChange[] {
  const script = managedHookScript(packageRoot);
  const dir = repoStatePaths(commonDir).ownHooks;
  return GIT_HOOK_NAMES.map((name) => planFile(path.join(dir, name), 'git-hook', script, HOOK_MODE)).filter((c): c is FileChange => c !== null);
}

/** The change that copies a foreign hook to its backup name; null when the backup already is that copy. */
function backupChange(file: string, current: FileState): FileChange | null {
  const backup = `${file}${BACKUP_SUFFIX}`;
  const existing = readFileState(backup, false);
  const sameAsCurrent =
    existing !== null && existing.symlink === current.symlink && existing.bytes.equals(current.bytes) && existing.mode === current.mode;
  if (sameAsCurrent) return null;
  if (existing) {
    throw new TraceError(
      'CONFIG_INVALID',
      `${file} and ${path.basename(backup)} both exist and differ: merge them into ${path.basename(backup)}, delete ${path.basename(file)}, then run trace init again`,
    );
  }
  const change: FileChange = { path: backup, kind: 'git-hook-backup', before: existing, after: current.bytes, mode: current.mode };
  if (current.symlink !== undefined) {
    change.symlink = current.symlink;
    delete change.mode;
  }
  return change;
}
