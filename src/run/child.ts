import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { TraceError } from '../errors.js';

/** How a wrapped command ended: its exit code, or the signal that ended it. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Signals a supervisor sends to the wrapper that the command must get too. */
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];
/** Signals a terminal sends to its whole foreground process group, the command included: not sent twice. */
const FROM_TERMINAL = new Set<NodeJS.Signals>(['SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGWINCH']);

/**
 * Runs `argv` with the terminal (stdio inherited) and the given environment, forwarding the signals the
 * wrapper receives, and resolves with how it ended. A command that cannot be started is a TraceError.
 */
export function runChild(argv: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<ChildExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env, stdio: 'inherit' });
    const terminal = process.stdin.isTTY === true;
    // the wrapper never dies of a forwarded signal: it waits for the command and reports how it ended
    const forward = (sig: NodeJS.Signals): void => {
      if (!(terminal && FROM_TERMINAL.has(sig))) child.kill(sig);
    };
    for (const sig of FORWARDED) process.on(sig, forward);
    const done = (): void => {
      for (const sig of FORWARDED) process.off(sig, forward);
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      done();
      const what = err.code === 'ENOENT' ? 'command not found' : err.code === 'EACCES' ? 'permission denied' : err.message;
      reject(new TraceError('USAGE', `cannot run ${argv[0]}: ${what}`, { cause: err }));
    });
    child.once('exit', (code, signal) => {
      done();
      resolve({ code, signal });
    });
  });
}

/** The shell's convention for a status: the code, or 128 + the signal's number. */
export function exitStatus(exit: ChildExit): number {
  if (exit.code !== null) return exit.code;
  const n = exit.signal ? constants.signals[exit.signal] : undefined;
  return 128 + (n ?? 1);
}

/**
 * Ends this process the way the command ended: by the same signal (default action restored), so a parent
 * shell sees "killed by SIGTERM" as it would without the wrapper; otherwise with its exit code.
 */
export function endLikeChild(exit: ChildExit): number {
  if (exit.signal && exit.signal !== 'SIGSTOP') {
    process.removeAllListeners(exit.signal);
    try {
      process.kill(process.pid, exit.signal);
    } catch {
      /* fall through to the status */
    }
  }
  return exitStatus(exit);
}
