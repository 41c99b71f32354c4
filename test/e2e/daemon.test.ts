/**
 * One daemon per TRACE_HOME, whatever happens: a daemon too busy to answer is waited for (a second
 * one would ingest the same spool twice), and a daemon started by hand next to a running one leaves.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from '../helpers/proc.js';
import { RepoPool } from '../helpers/repo.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());


describe('the daemon', () => {
  it('is waited for, not doubled, when it is too busy to answer (stopped for 3 s here)', async () => {
    const t = pool.create();
    expect(t.trace('daemon', 'start').code).toBe(0);
    const pid = t.daemonPid()!;
    process.kill(pid, 'SIGSTOP');
    try {
      const status = t.traceAsync(t.repo, ['status', '--json']);
      await sleep(3000); // on purpose: past the client's 2 s hello timeout, the window under test
      process.kill(pid, 'SIGCONT');
      const r = await status;
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).daemon.pid).toBe(pid);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(t.daemonPid()).toBe(pid);
    expect(t.daemonProcesses()).toEqual([pid]);
  });

  it('started by hand next to a running one, exits and leaves the running one serving', () => {
    const t = pool.create();
    expect(t.trace('daemon', 'start').code).toBe(0);
    const pid = t.daemonPid()!;
    const main = path.resolve('dist/daemon/main.js');
    const r = spawnSync(process.execPath, [main], { env: t.env, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`already running (pid ${pid})`);
    expect(t.json<{ daemon: { pid: number } }>('status').daemon.pid).toBe(pid);
    expect(t.daemonProcesses()).toEqual([pid]);
  });
});
