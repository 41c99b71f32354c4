/**
 * The trailer through the commit hooks' hand-off: prepare-commit-msg writes it, commit-msg puts it
 * back when the message editor removed it, `--no-verify` keeps prepare-commit-msg's, and a commit of
 * only human changes while agent work waits elsewhere gets none. The hooks ask the running daemon
 * through the spool and wait on a FIFO; a daemon that dies meanwhile does not hold the commit up.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScriptedSession } from '../../src/demo/claude-driver.js';
import { alive } from '../helpers/daemon.js';
import { runAsync, until, waitUntilSync, type Run } from '../helpers/proc.js';
import { RepoPool, type TestRepo } from '../helpers/repo.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());

/** `git commit` without blocking; resolves once git has exited and every pipe it left is closed. */
function commitAsync(t: TestRepo, args: string[]): Promise<Run> {
  return runAsync('git', ['commit', '-q', ...args], t.repo, t.env);
}

/** Waits until a killed process is gone (reaped, or a zombie: either way it holds no socket). */
function waitGone(pid: number): void {
  if (!waitUntilSync(() => !alive(pid), 10_000)) throw new Error(`process ${pid} still alive 10 s after SIGKILL`);
}

/** A repository with its daemon running and a.js, written by a scripted agent session, staged. */
function agentFileStaged(): { t: TestRepo; s: ScriptedSession } {
  const t = pool.create();
  expect(t.trace('daemon', 'start').code).toBe(0);
  const s = t.session();
  s.start();
  s.write('a.js', 'a\n');
  t.git('add', 'a.js');
  return { t, s };
}

describe('the Chainloop-Trace-Sessions trailer', () => {
  it('is put back by commit-msg when the editor removed it, and kept with --no-verify', () => {
    const t = pool.create();
    const s = t.session();
    s.start();
    s.write('a.js', 'a\n');
    t.git('add', 'a.js');
    t.sh('git commit -q -e -m "first"', { GIT_EDITOR: "sed -i '/^Chainloop-Trace-Sessions:/d'" });
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);

    s.write('b.js', 'b\n');
    t.git('add', 'b.js');
    t.git('commit', '-q', '--no-verify', '-m', 'second');
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    s.end();
  });

  it('is not added to a commit of human lines while agent work waits in another file', () => {
    const t = pool.create({ files: { 'human.txt': 'h\n' } });
    const s = t.session();
    s.start();
    s.write('agent.js', 'waiting\n');
    t.write('human.txt', 'h\nmore\n');
    t.git('add', 'human.txt');
    t.git('commit', '-q', '-m', 'human only');
    expect(t.trailers()).toEqual([]);
    t.git('add', 'agent.js');
    t.git('commit', '-q', '-m', 'agent');
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    s.end();
  });

  it('is asked of the running daemon through the spool, answered on a FIFO, and merged with other trailers', async () => {
    const { t, s } = agentFileStaged();
    const r = await commitAsync(t, ['-s', '-m', 'signed']); // async: every pipe closed, no helper left holding one
    expect(r.code, r.stderr).toBe(0);
    const body = t.git('log', '-1', '--format=%B');
    expect(body).toMatch(new RegExp(`\\n\\nSigned-off-by: [^\\n]+\\nChainloop-Trace-Sessions: ${s.sessionId}\\n*$`));
    // the question went through the spool (the shim's own log line), the answer through the FIFO
    expect(t.hookLog().some((l) => / git prepare-commit-msg$/.test(l))).toBe(true);
    expect(fs.statSync(path.join(t.repo, '.git', 'chainloop-trace', 'answer..git')).isFIFO()).toBe(true);
    expect(t.hookLog().filter((l) => /no answer/.test(l))).toEqual([]);

    // amend: the message already names the session, the daemon keeps it as it is
    s.edit('a.js', 'a\n', 'a\nb\n');
    t.git('add', 'a.js');
    t.git('commit', '-q', '--amend', '--no-edit');
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    expect(t.show().code_changes.files[0]).toMatchObject({ path: 'a.js', line_ranges: [{ start: 1, end: 2 }] });
    s.end();
  });

  it('does not wait for a daemon that dies while a commit waits for its answer', async () => {
    const { t, s } = agentFileStaged();
    t.env.TRACE_COMMIT_WAIT = '30'; // the watchdog's bound, far above what ending the wait on the daemon's death takes
    await t.drain(); // the edit ingested, so the daemon gets the question next
    const pid = t.daemonPid()!;
    process.kill(pid, 'SIGSTOP');
    const logged = t.hookLog().length;
    const commit = commitAsync(t, ['-m', 'daemon dies']);
    // the hook has left its question in the spool (its log line follows the write) and waits on the FIFO
    await until('the commit hook to ask the stopped daemon', () => t.hookLog().slice(logged).some((l) => / git prepare-commit-msg$/.test(l)), { timeoutMs: 30_000 });
    process.kill(pid, 'SIGKILL');
    const r = await commit;
    expect(r.code, r.stderr).toBe(0);
    expect(r.ms).toBeLessThan(15_000); // the watchdog's 30 s bound was not what ended the wait
    // the hook withdrew its question and asked again through node, which started a new daemon
    expect(t.hookLog().some((l) => /git prepare-commit-msg no answer from the daemon/.test(l))).toBe(true);
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    expect(t.daemonPid()).not.toBe(pid);
    expect(t.show().code_changes.files[0]).toMatchObject({ path: 'a.js', attribution: 'ai' });
    expect(t.spoolFiles('dead')).toEqual([]);
    s.end();
  });

  it('goes through node to a daemon that does not answer questions (one started before an upgrade)', () => {
    const t = pool.create();
    expect(t.trace('daemon', 'start').code).toBe(0);
    fs.rmSync(path.join(t.traceHome, 'run', 'answers.pid')); // what a daemon of an earlier version lacks
    const s = t.session();
    s.start();
    s.write('a.js', 'a\n');
    t.git('add', 'a.js');
    t.git('commit', '-q', '-m', 'via node');
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
    expect(t.hookLog().filter((l) => /^\d+-\d+ git (prepare-)?commit-msg$/.test(l))).toEqual([]); // no question in the spool
    expect(t.hookLog().filter((l) => / git commit-msg trailer /.test(l))).toHaveLength(2); // node asked for both hooks
    s.end();
  });

  it('does not take a reused pid in answers.pid for the daemon (one killed, its files left behind)', () => {
    const { t, s } = agentFileStaged();
    t.env.TRACE_COMMIT_WAIT = '30'; // a wait ended by the watchdog would take 30 s
    const pid = t.daemonPid()!;
    process.kill(pid, 'SIGKILL'); // socket and pid files stay
    waitGone(pid); // nothing answers on the socket any more when the commit starts
    const other = spawn('sleep', ['60'], { stdio: 'ignore' }); // a live process with "its" pid
    try {
      fs.writeFileSync(path.join(t.traceHome, 'run', 'answers.pid'), `${other.pid}\n`);
      const t0 = Date.now();
      t.git('commit', '-q', '-m', 'pid reused');
      expect(Date.now() - t0).toBeLessThan(10_000); // not the watchdog's 30 s
      expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${s.sessionId}`]);
      // prepare-commit-msg went through node, which started a daemon (commit-msg may ask that one)
      expect(t.hookLog().filter((l) => /^\d+-\d+ git prepare-commit-msg$/.test(l))).toEqual([]);
      expect(t.daemonPid()).not.toBe(pid);
      s.end();
    } finally {
      other.kill();
    }
  });

  it('works in a linked work tree: its own FIFO, the trailer, trace show', () => {
    const t = pool.create();
    expect(t.trace('daemon', 'start').code).toBe(0);
    const wt = path.join(t.root, 'wt');
    t.git('worktree', 'add', '-q', '-b', 'feature', wt);
    const main = t.session(); // its transcript serves the work tree's session
    const s = new ScriptedSession(wt, main.sessionId, main.transcriptPath, t.env);
    s.start();
    s.write('w.js', 'w1\nw2\n');
    t.gitIn(wt, ['add', 'w.js']);
    t.gitIn(wt, ['commit', '-q', '-m', 'in the work tree']);
    expect(t.gitIn(wt, ['log', '-1', '--format=%(trailers)']).trim()).toBe(`Chainloop-Trace-Sessions: ${s.sessionId}`);
    expect(fs.statSync(path.join(t.repo, '.git', 'chainloop-trace', 'answer.wt')).isFIFO()).toBe(true);
    const shown = JSON.parse(t.traceIn(wt, ['show', 'HEAD', '--json']).stdout) as { code_changes: { files: unknown[] } };
    expect(shown.code_changes.files).toEqual([expect.objectContaining({ path: 'w.js', attribution: 'ai', line_ranges: [{ start: 1, end: 2 }] })]);
    s.end();
  });
});
