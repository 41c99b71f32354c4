/**
 * The world's daemon: its pid, waiting until it has taken in what the hooks spooled, stopping it and
 * every process of its TRACE_HOME.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DaemonClient } from '../../src/client/client.js';
import { readPidFile } from '../../src/client/daemon-pid.js';
import { alive, zombie } from '../../src/client/start-lock.js';
import { tracePaths } from '../../src/paths.js';
import { runTrace, sleepSync, waitUntilSync } from './proc.js';

export { alive };

/** The pid in TRACE_HOME's run/daemon.pid (live or not), or null. */
export function daemonPid(traceHome: string): number | null {
  return readPidFile(path.join(traceHome, 'run', 'daemon.pid'));
}

/** `trace daemon start` in `env`; returns the daemon's pid; throws when it did not start. */
export function startDaemon(env: NodeJS.ProcessEnv, cwd?: string): number {
  const r = runTrace(cwd, ['daemon', 'start'], env);
  if (r.code !== 0) throw new Error(`trace daemon start failed (${r.code}): ${r.stderr}${r.stdout}`);
  const pid = daemonPid(env.TRACE_HOME!);
  if (!pid || !alive(pid)) throw new Error(`no daemon running for ${env.TRACE_HOME} after trace daemon start`);
  return pid;
}

/**
 * Waits until the running daemon of `traceHome` has applied every event in its spool (the daemon's
 * own drain, the event the CLI's queries wait on), with a deadline; returns how many it applied.
 * Throws when no daemon answers or the deadline passes: a test must not read state before ingest.
 */
export async function drain(traceHome: string, timeoutMs = 60_000): Promise<number> {
  const client = new DaemonClient(tracePaths({ TRACE_HOME: traceHome }));
  try {
    const r = await client.call<{ ingested: number }>('POST', '/v1/drain', undefined, timeoutMs);
    return r.ingested;
  } finally {
    await client.close();
  }
}

/** Live processes (Linux) whose environment has this TRACE_HOME: daemons and background `trace daemon start`s. */
export function processesOf(traceHome: string): { pid: number; daemon: boolean }[] {
  if (process.platform !== 'linux') return [];
  const out: { pid: number; daemon: boolean }[] = [];
  const want = `TRACE_HOME=${traceHome}`;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (!fs.readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(want) || zombie(Number(name))) continue;
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
      // only ai-trace's own node processes (the daemon, a `trace … daemon start`), never the test's shells
      if (!cmd.includes('daemon')) continue;
      out.push({ pid: Number(name), daemon: cmd.includes(path.join('dist', 'daemon', 'main.js')) });
    } catch {
      /* gone, or not ours */
    }
  }
  return out;
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* gone */
  }
}

/**
 * Stops the daemon of `env.TRACE_HOME` (`trace daemon stop`, then SIGKILL if it lingers), then any
 * daemon a hook started in the background that is still coming up. Never throws.
 */
export function stopDaemons(env: NodeJS.ProcessEnv, cwd?: string): void {
  const home = env.TRACE_HOME!;
  if (!fs.existsSync(home)) return;
  const pid = daemonPid(home);
  if (pid && alive(pid)) {
    runTrace(cwd, ['daemon', 'stop'], env);
    if (!waitUntilSync(() => !alive(pid), 2000)) kill(pid, 'SIGKILL');
  }
  const deadline = Date.now() + 10_000;
  for (let left = processesOf(home); left.length; left = processesOf(home)) {
    const hard = Date.now() > deadline;
    for (const p of left) if (hard || p.daemon) kill(p.pid, hard ? 'SIGKILL' : 'SIGTERM');
    sleepSync(50);
  }
}
