import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TraceError } from './errors.js';

/** Every per-user location ai-trace uses; all live under one home that TRACE_HOME overrides. */
export interface TracePaths {
  home: string;
  db: string;
  runDir: string;
  socket: string;
  startLock: string;
  pidFile: string;
  /** The pid of a running daemon that answers the commit hooks' questions (see capture/commit-answer). */
  answersPidFile: string;
  spool: string;
  spoolNew: string;
  spoolBlobs: string;
  spoolDead: string;
  logDir: string;
  daemonLog: string;
  keyDir: string;
}

/** Where per-user state lives: TRACE_HOME, else the XDG state dir (macOS: Application Support). */
export function traceHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TRACE_HOME) return path.resolve(env.TRACE_HOME);
  const home = env.HOME || os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'ai-trace');
  const xdg = env.XDG_STATE_HOME || path.join(home, '.local', 'state');
  return path.join(xdg, 'ai-trace');
}

/** Unix socket paths are limited to about 104 bytes (macOS) / 108 (Linux). */
const MAX_SOCKET_PATH = 100;

export function tracePaths(env: NodeJS.ProcessEnv = process.env): TracePaths {
  const home = traceHome(env);
  const runDir = path.join(home, 'run');
  const spool = path.join(home, 'spool');
  const logDir = path.join(home, 'log');
  return {
    home,
    db: path.join(home, 'trace.db'),
    runDir,
    socket: path.join(runDir, 'daemon.sock'),
    startLock: path.join(runDir, 'start.lock'),
    pidFile: path.join(runDir, 'daemon.pid'),
    answersPidFile: path.join(runDir, 'answers.pid'),
    spool,
    spoolNew: path.join(spool, 'new'),
    spoolBlobs: path.join(spool, 'blobs'),
    spoolDead: path.join(spool, 'dead'),
    logDir,
    daemonLog: path.join(logDir, 'daemon.log'),
    keyDir: path.join(home, 'keys'),
  };
}

/** ai-trace's folder in a repository's git common dir (shared by its linked work trees). */
export const REPO_STATE_DIR = 'chainloop-trace';

/** Marker files that let the git hooks skip all work (see capture/markers). */
export type RepoMarker = 'traced' | 'ai-pending' | 'unpushed';

/**
 * ai-trace's files for one repository, all under `<git common dir>/chainloop-trace/`; shims/git-hook.sh
 * names the same files. Per work tree files are keyed by the base name of that work tree's git dir
 * (`.git` for the main one, the linked work tree's name under `.git/worktrees/`).
 */
export interface RepoStatePaths {
  dir: string;
  /** One line per hook run (`trace log --hooks`). */
  log: string;
  /** What `trace init` changed, for a byte-exact `trace uninstall`. */
  manifest: string;
  /** ai-trace's git hooks alone, for agents whose shells turn git hooks off. */
  ownHooks: string;
  /** HEAD's id and whether it was a plain human commit. */
  lastCommit: string;
  /** Events the hooks could not spool (a full TRACE_HOME), one line each (capture/lost-events). */
  lost: string;
  /** What the pre-push hook reads of `.chainloop.yml` and the user config (config/shim-settings.ts). */
  settings: string;
  marker(name: RepoMarker): string;
  /** prepare-commit-msg's verdict for the git process, and the daemon's answer. */
  carry(gitDir: string): string;
  /** The FIFO the daemon's answer to a commit hook comes back on. */
  answer(gitDir: string): string;
}

/** The one place the per-repository state paths are spelled; `commonDir` from `git rev-parse --git-common-dir` (git/run.ts gitDirs). */
export function repoStatePaths(commonDir: string): RepoStatePaths {
  const dir = path.join(commonDir, REPO_STATE_DIR);
  return {
    dir,
    log: path.join(dir, 'log.txt'),
    manifest: path.join(dir, 'install.json'),
    ownHooks: path.join(dir, 'hooks'),
    lastCommit: path.join(dir, 'last-commit'),
    lost: path.join(dir, 'lost'),
    settings: path.join(dir, 'settings'),
    marker: (name) => path.join(dir, name),
    carry: (gitDir) => path.join(dir, `carry.${path.basename(gitDir)}`),
    answer: (gitDir) => path.join(dir, `answer.${path.basename(gitDir)}`),
  };
}

export function checkSocketPath(socket: string): void {
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    throw new TraceError(
      'DAEMON_UNAVAILABLE',
      `socket path ${socket} is longer than ${MAX_SOCKET_PATH} bytes; set TRACE_HOME to a shorter directory`,
    );
  }
}

/** The installed package's root (holds shims/, dist/, bin/), from source or from dist/. */
export const packageRoot: string = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json')) && fs.existsSync(path.join(d, 'shims'))) return d;
    if (path.dirname(d) === d) return path.resolve(dir, '..', '..');
  }
}

/**
 * How the daemon's node starts: a small young generation and an explicit collection after a backlog
 * keep a long-lived process near its idle size (see `npm run bench`, daemon RSS).
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--expose-gc', '--max-semi-space-size=2'];

/** The argv that starts the daemon in the foreground. */
export function daemonArgv(): string[] {
  return [...DAEMON_NODE_FLAGS, path.join(packageRoot, 'dist', 'daemon', 'main.js')];
}
