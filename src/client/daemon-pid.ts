import fs from 'node:fs';
import path from 'node:path';
import type { TracePaths } from '../paths.js';
import { alive } from './start-lock.js';

/**
 * The pid of the daemon serving `paths` when its pid file names a live daemon process (on Linux the
 * process's command line and TRACE_HOME must be the daemon's, so a reused pid is not mistaken for it);
 * else null.
 */
export function runningDaemonPid(paths: TracePaths): number | null {
  const pid = readPidFile(paths.pidFile);
  if (pid === null || !alive(pid)) return null;
  if (process.platform === 'linux') {
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('daemon/main.js')) return null;
      // and of this TRACE_HOME: another home's daemon may have been given a reused pid
      const home = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((v) => v.startsWith('TRACE_HOME='));
      if (home !== undefined && path.resolve(home.slice('TRACE_HOME='.length)) !== paths.home) return null;
    } catch {
      return null;
    }
  }
  return pid;
}

/** The pid a pid file names (`daemon.pid`, `answers.pid`), or null (no file, or not a pid). */
export function readPidFile(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
