/**
 * The CLI contract: `trace status --json` shape, and exit codes (0 ok, 1 failure with a one-line
 * message on stderr saying what to do, 2 usage error).
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { RepoPool } from '../helpers/repo.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());

interface Status {
  daemon: { running: boolean; pid: number | null; version: string | null };
  sessions: { id: string; agent: string; repo: string | null; started_at: string; ended_at: string | null; events: number; files_touched: string[] }[];
  pushes: unknown[];
}

describe('trace status --json', () => {
  it('has the contract shape: daemon, sessions (newest first), pushes', () => {
    const t = pool.create();
    const s1 = t.session();
    s1.start();
    s1.prompt('one');
    s1.write('a.txt', 'a\n');
    s1.edit('a.txt', 'a\n', 'a\nb\n');
    s1.stop();
    s1.end();
    const s2 = t.session();
    s2.start();
    s2.bash('true');

    const st = t.json<Status>('status');
    expect(Object.keys(st)).toEqual(expect.arrayContaining(['daemon', 'sessions', 'pushes']));
    expect(Object.keys(st.daemon).sort()).toEqual(['pid', 'running', 'version']);
    expect(st.daemon).toEqual({ running: true, pid: t.daemonPid(), version: VERSION });
    expect(st.pushes).toEqual([]);
    expect(st.sessions.map((s) => s.id)).toEqual([s2.sessionId, s1.sessionId]);
    for (const s of st.sessions) {
      expect(Object.keys(s).sort()).toEqual(['agent', 'agent_version', 'ended_at', 'events', 'files_touched', 'id', 'repo', 'started_at']);
    }
    const [second, first] = st.sessions;
    const repo = fs.realpathSync(t.repo);
    expect(first).toMatchObject({ agent: 'claude-code', repo, events: 8, files_touched: ['a.txt'] });
    expect(Date.parse(first!.started_at)).toBeLessThanOrEqual(Date.parse(first!.ended_at!));
    expect(second).toMatchObject({ agent: 'claude-code', repo, ended_at: null, events: 3, files_touched: [] });
    expect(Date.parse(second!.started_at)).toBeGreaterThanOrEqual(Date.parse(first!.started_at));

    // stopped daemon: status starts it again and reports the same sessions
    t.stopDaemon();
    const again = t.json<Status>('status');
    expect(again.daemon.running).toBe(true);
    expect(again.daemon.pid).not.toBe(st.daemon.pid);
    expect(again.sessions).toEqual(st.sessions);
  });
});

describe('exit codes', () => {
  it('0 on success, 1 with a one-line message on failure, 2 on a usage error', async () => {
    const t = pool.create();
    t.write('f.txt', 'f\n');
    t.commitAll('human commit');
    const cases: { args: string[]; code: 0 | 1 | 2; cwd?: string; stderr?: RegExp }[] = [
      { args: ['--version'], code: 0 },
      { args: ['--help'], code: 0 },
      { args: ['show', 'HEAD'], code: 0 },
      { args: ['show', '--json'], code: 0 },
      { args: ['log', '-n', '5'], code: 0 },
      { args: ['log', '--hooks'], code: 0 },
      { args: [], code: 2 },
      { args: ['frobnicate'], code: 2, stderr: /unknown command 'frobnicate'/ },
      { args: ['show', '--bogus'], code: 2 },
      { args: ['show', 'HEAD', 'HEAD~1'], code: 2 },
      { args: ['status', 'extra'], code: 2 },
      { args: ['session'], code: 2 },
      { args: ['session', 'list'], code: 2 },
      { args: ['daemon'], code: 2 },
      { args: ['daemon', 'explode'], code: 2 },
      { args: ['init', '--bogus'], code: 2 },
      { args: ['init', '--project', ''], code: 2 },
      { args: ['show', 'no-such-rev'], code: 1, stderr: /no-such-rev is not a commit/ },
      { args: ['session', 'show', 'no-such-session'], code: 1, stderr: /no session no-such-session/ },
      { args: ['show', 'HEAD'], code: 1, cwd: t.tmp, stderr: /not in a git work tree/ },
      { args: ['init'], code: 1, cwd: t.tmp, stderr: /./ },
      { args: ['uninstall', '--yes'], code: 1, cwd: t.tmp, stderr: /./ },
    ];
    const results = await Promise.all(cases.map((c) => t.traceAsync(c.cwd ?? t.repo, c.args)));
    cases.forEach((c, i) => {
      const r = results[i]!;
      const what = `trace ${c.args.join(' ')} in ${c.cwd ? 'a non-repository' : 'the repository'}`;
      expect(r.code, `${what}: ${r.stderr}`).toBe(c.code);
      if (c.code === 0) expect(r.stderr, what).toBe('');
      // a failure or usage error says something on stderr (bare `trace` prints its help)
      if (c.code !== 0 && c.args.length) expect(r.stderr.trim(), what).not.toBe('');
      if (c.code !== 0 && !c.args.length) expect(r.stdout, what).toContain('usage: trace');
      if (c.code === 1) {
        expect(r.stderr.trimEnd().split('\n'), `${what}: one line`).toHaveLength(1);
        expect(r.stdout, what).toBe('');
      }
      if (c.stderr) expect(r.stderr, what).toMatch(c.stderr);
    });
  });
});
