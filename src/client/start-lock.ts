import fs from 'node:fs';
import { TraceError } from '../errors.js';

/**
 * An exclusive-create lock file holding the starter's pid, so two clients never start two daemons.
 * A lock whose pid is gone is stale and taken over. Returns the release function.
 */
export async function acquireStartLock(file: string, timeoutMs: number): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder = 0;
    try {
      holder = Number(fs.readFileSync(file, 'utf8').trim() || 0);
    } catch {
      continue; // released between our create and our read
    }
    if (!holder || !alive(holder)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new TraceError('DAEMON_UNAVAILABLE', `another process (pid ${holder}) is starting the daemon; remove ${file} if it is stuck`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * True when a process with this pid exists (even one we may not signal). An exited process its parent
 * has not reaped yet (a zombie, e.g. a detached daemon waiting for a lazy init to reap it) counts as gone.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !zombie(pid);
}

/** True for an exited process its parent has not reaped yet (Linux; elsewhere false). */
export function zombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}
