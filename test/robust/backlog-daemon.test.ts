/**
 * Issue 11, a daemon no input can stop: with a backlog of 3,000 events being ingested, the daemon still
 * answers on its socket (`trace daemon status`, `trace status`), and `trace daemon stop` stops it
 * cleanly (its own shutdown, not the CLI's SIGKILL) after a short last drain, leaving what it did not
 * take in for its next start, which takes in all of it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StatusResponse } from '../../src/protocol/types.js';
import { drain } from '../helpers/daemon.js';
import { until } from '../helpers/proc.js';
import { lines, RepoPool } from '../helpers/repo.js';
import { withBacklog } from './backlog.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());
const QUEUED = 3000; // several seconds of work at about 500 events/s

describe('a daemon behind a backlog', () => {
  it('answers status, stops cleanly on trace daemon stop, and its next start takes in the rest', async () => {
    const t = pool.create({ files: { 'a.txt': lines('a', 5), 'b.txt': lines('b', 5) } });
    const { a, b } = await withBacklog(t, QUEUED);
    const queued = t.spoolFiles('new').length;

    expect(t.trace('daemon', 'start').code).toBe(0);
    const pid = t.daemonPid()!;
    await until('the daemon to take in part of the backlog', () => t.spoolFiles('new').length < queued - 50, { timeoutMs: 120_000 });
    // busy, yet it answers
    const ds = t.json<{ running: boolean; pid: number }>('daemon', 'status');
    expect(ds).toMatchObject({ running: true, pid });
    const st = t.json<StatusResponse>('status');
    expect(st.sessions.map((s) => s.id)).toContain(a.sessionId);

    const stop = t.trace('daemon', 'stop');
    expect(stop.stdout).toBe(`daemon stopped (pid ${pid})\n`);
    const log = t.daemonLog().split('\n').filter((l) => l.includes(`"pid":${pid}`));
    expect(log.some((l) => l.includes('"msg":"daemon stopping"')), log.slice(-5).join('\n')).toBe(true);
    expect(log.some((l) => l.includes('"msg":"daemon stopped"')), 'its own shutdown, not a SIGKILL').toBe(true);

    // nothing lost: the next start takes in the rest
    expect(t.trace('daemon', 'start').code).toBe(0);
    await drain(t.traceHome, 300_000);
    expect(t.spoolFiles('new')).toEqual([]);
    expect(fs.existsSync(path.join(t.traceHome, 'spool', 'dead')) ? t.spoolFiles('dead') : []).toEqual([]);
    expect(t.json<StatusResponse>('status').sessions.find((s) => s.id === b.sessionId)?.files_touched).toEqual(['b.txt']);
  }, 400_000);

  it('one that does not answer at all (SIGSTOP) is named as such by trace daemon status, and trace daemon stop still stops it', () => {
    const t = pool.create({ files: { 'a.txt': lines('a', 5) } });
    expect(t.trace('daemon', 'start').code).toBe(0);
    const pid = t.daemonPid()!;
    process.kill(pid, 'SIGSTOP');
    try {
      const ds = t.trace('daemon', 'status');
      expect(ds.code).toBe(0);
      expect(ds.stdout).toContain(`daemon running (pid ${pid}) but not answering on `);
      expect(t.json<{ running: boolean; answering: boolean; pid: number }>('daemon', 'status')).toMatchObject({ running: true, answering: false, pid });
      // it resumes once the SIGTERM is pending (bit 15 of the process's pending signals), and then stops by its own shutdown
      const resume = `until [ $(( 0x$(awk '/^ShdPnd/ {print $2}' /proc/${pid}/status) & 0x4000 )) -ne 0 ]; do sleep 0.05; done; kill -CONT ${pid}`;
      spawn('sh', ['-c', resume], { stdio: 'ignore', detached: true }).unref();
      expect(t.trace('daemon', 'stop').stdout).toBe(`daemon stopped (pid ${pid})\n`);
    } finally {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        /* gone */
      }
    }
    expect(t.daemonLog()).toContain('"reason":"SIGTERM","msg":"daemon stopping"');
    expect(t.trace('daemon', 'status').code).toBe(1);
  }, 60_000);
});
