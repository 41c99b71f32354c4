/**
 * Issue 10, "Must show": `trace run -- sh -c '…'` attributes exactly the files (and lines) the command changed,
 * not a file a human changed before it started; a failing command's status (and a signal) is passed through;
 * a commit made during or after the run carries the trailer.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRunArgs } from '../src/cli/run.js';
import { RepoPool, TRACE_BIN, type TestRepo } from './helpers/repo.js';

interface SessionJson {
  agent: { name: string };
  session: { id: string; ended_at?: string };
  usage?: { estimated_cost_usd: number | null };
  code_changes?: unknown;
  tools_used?: { summary: { tool_name: string; invocation_count: number }[] };
}

/** `trace run …` in the repository; the command writes its session id (TRACE_SESSION_ID) to a file. */
function traceRun(t: TestRepo, args: string[]): { code: number; stderr: string; session: string } {
  const idFile = path.join(t.tmp, `session-${Date.now()}-${Math.random()}`);
  const r = t.traceIn(t.repo, ['run', ...args], { RUN_ID_FILE: idFile });
  const session = fs.existsSync(idFile) ? fs.readFileSync(idFile, 'utf8').trim() : '';
  return { code: r.code, stderr: r.stderr, session };
}

const saveId = 'printf %s "$TRACE_SESSION_ID" > "$RUN_ID_FILE"';

describe('trace run', () => {
  const pool = new RepoPool();
  afterEach(() => pool.cleanupAll());

  it('parses --agent and the command after --', () => {
    expect(parseRunArgs(['--', 'sh', '-c', 'x'])).toEqual({ agent: 'generic', argv: ['sh', '-c', 'x'] });
    expect(parseRunArgs(['--agent', 'aider', '--', 'aider', '--yes'])).toEqual({ agent: 'aider', argv: ['aider', '--yes'] });
    expect(parseRunArgs(['--agent=my-bot', 'make', '-j2'])).toEqual({ agent: 'my-bot', argv: ['make', '-j2'] });
    expect(() => parseRunArgs([])).toThrow(/usage: trace run/);
    expect(() => parseRunArgs(['--'])).toThrow(/usage: trace run/);
    expect(() => parseRunArgs(['--agent', 'Bad Name', '--', 'x'])).toThrow(/--agent wants a name/);
    expect(() => parseRunArgs(['--verbose', '--', 'x'])).toThrow(/usage: trace run/);
  });

  it('the session owns exactly what the command changed; a human change from before stays the human\'s; a later commit names it', () => {
    const t = pool.create({ files: { 'b.txt': 'one\ntwo\nthree\n', 'c.txt': 'keep\n' } });
    t.write('c.txt', 'keep\nhuman line, written before the run\n'); // a human's uncommitted change
    const r = traceRun(t, ['--', 'sh', '-c', `${saveId}; printf 'new 1\\nnew 2\\n' > a.txt; sed -i 's/^two$/TWO (by the command)/' b.txt`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.session).toMatch(/^[0-9a-f-]{36}$/);

    const sha = t.commitAll('after the run');
    expect(t.trailers(sha).join('\n')).toContain(`Chainloop-Trace-Sessions: ${r.session}`);
    const files = Object.fromEntries(t.show(sha).code_changes.files.map((f) => [f.path, f]));
    expect(files['a.txt']).toMatchObject({ attribution: 'ai', line_ranges: [{ start: 1, end: 2 }], ai_lines_added: 2, human_lines_added: 0, session_ids: [r.session] });
    expect(files['b.txt']).toMatchObject({ line_ranges: [{ start: 2, end: 2 }], ai_lines_added: 1, human_lines_added: 0, session_ids: [r.session] });
    expect(files['c.txt']).toMatchObject({ attribution: 'human', ai_lines_added: 0, human_lines_added: 1 });

    const data = t.json<SessionJson>('session', 'show', r.session);
    expect(data.agent.name).toBe('generic');
    expect(data.session.ended_at).toBeTruthy();
    expect(data.usage?.estimated_cost_usd ?? null).toBeNull(); // a command keeps no usage records: unknown, never 0
  });

  it('a commit the command makes itself carries the trailer and its lines are the session\'s; --agent names the agent', () => {
    const t = pool.create({ files: { 'README.md': '# r\n' } });
    const r = traceRun(t, ['--agent', 'my-bot', '--', 'sh', '-c', `${saveId}; echo 'made by the bot' > bot.txt && git add bot.txt && git commit -q -m 'bot commit'`]);
    expect(r.code, r.stderr).toBe(0);
    const sha = t.head();
    expect(t.git('log', '-1', '--format=%s').trim()).toBe('bot commit');
    expect(t.trailers(sha).join('\n')).toContain(r.session);
    const f = t.show(sha).code_changes.files.find((x) => x.path === 'bot.txt');
    expect(f).toMatchObject({ attribution: 'ai', ai_lines_added: 1, session_ids: [r.session] });
    expect(t.json<SessionJson>('session', 'show', r.session).agent.name).toBe('my-bot');
  });

  it('passes the command\'s exit status and signal through; a missing command is 127', () => {
    const t = pool.create({ files: { 'README.md': '# r\n' } });
    expect(traceRun(t, ['--', 'sh', '-c', 'exit 7']).code).toBe(7);
    expect(traceRun(t, ['--', 'sh', '-c', 'echo partial > p.txt; exit 1']).code).toBe(1);
    const missing = traceRun(t, ['--', 'no-such-command-for-trace-run']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/no-such-command-for-trace-run: command not found/);
    const killed = spawnSync(process.execPath, [TRACE_BIN, 'run', '--', 'sh', '-c', 'kill -TERM $$'], { cwd: t.repo, env: t.env, encoding: 'utf8', timeout: 60_000 });
    expect(killed.signal).toBe('SIGTERM');
    // the failed run's change is still the session's
    const sha = t.commitAll('after the failure');
    expect(t.show(sha).code_changes.files.find((x) => x.path === 'p.txt')).toMatchObject({ attribution: 'ai' });
  });

  it('outside a repository the command still runs, untraced, with a warning', () => {
    const t = pool.create({ init: false });
    const dir = fs.mkdtempSync(path.join(t.tmp, 'plain-'));
    const r = t.traceIn(dir, ['run', '--', 'sh', '-c', 'exit 3']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not in a git work tree: the command runs untraced/);
  });
});
