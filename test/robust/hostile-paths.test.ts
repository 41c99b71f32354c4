/**
 * Issue 11, bounded inputs: the agent hook and the daemon touch only regular files whose real path is
 * inside the work tree. A named pipe as `file_path` or `transcript_path`, a path with `..` reaching
 * `/dev/zero` or a file outside, a symlink in the repository to a private file outside it: the hook
 * returns at once (a hang bound here; `npm run bench` times it), leaves no process behind, copies
 * nothing, logs why; the daemon keeps answering `trace status`, records nothing of those files, says
 * so in the session's warnings, and stops on SIGTERM.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hookCommands } from '../../src/demo/claude-driver.js';
import type { SessionData } from '../../src/evidence/session-data.js';
import { alive } from '../../src/client/start-lock.js';
import { until } from '../helpers/proc.js';
import { RepoPool, type TestRepo } from '../helpers/repo.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());

const SESSION = '0b5e55ed-1111-4000-8000-00000000f1f0';
const SECRET = '-----BEGIN PRIVATE KEY----- not-for-the-database-7f3a91 -----END PRIVATE KEY-----\n';

/** Runs the installed hook command for `event` as Claude Code does; a hang is cut at 10 s (and fails). */
function hook(t: TestRepo, event: string, payload: Record<string, unknown>, tool?: string): { status: number | null; stdout: string; stderr: string; ms: number } {
  const [command] = hookCommands(t.repo, event, tool);
  const t0 = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', command!], {
    cwd: t.repo, input: JSON.stringify({ session_id: SESSION, cwd: t.repo, hook_event_name: event, ...payload }),
    env: { ...t.env, CLAUDE_PROJECT_DIR: t.repo }, encoding: 'utf8', timeout: 10_000, killSignal: 'SIGKILL',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/** Pids of processes that hold `file` open (an awk or cat left blocked on a FIFO would). */
function holders(file: string): number[] {
  const out: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === file) out.push(Number(pid));
    } catch {
      /* gone, or not ours */
    }
  }
  return out;
}

/** Every byte under a folder, concatenated (to look for a secret anywhere in the state). */
function allBytes(dir: string): Buffer {
  const parts: Buffer[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const f = path.join(e.parentPath, e.name);
    if (e.isFile()) parts.push(fs.readFileSync(f));
  }
  return Buffer.concat(parts);
}

describe('hostile paths in agent payloads', () => {
  it('skips pipes, devices, `..` escapes and outward symlinks: nothing copied, nothing blocked, nothing left running', async () => {
    const t = pool.create({ files: { 'README.md': '# r\n' } });
    expect(t.trace('daemon', 'start').code).toBe(0);
    const pid = t.daemonPid()!;
    const secret = path.join(t.root, 'private.pem');
    fs.writeFileSync(secret, SECRET);
    const fifo = path.join(t.repo, 'pipe');
    const transcriptFifo = path.join(t.root, 'transcript.jsonl');
    expect(spawnSync('mkfifo', [fifo, transcriptFifo]).status).toBe(0);
    fs.symlinkSync(secret, path.join(t.repo, 'key.pem'));
    fs.symlinkSync(t.root, path.join(t.repo, 'up'));
    fs.mkdirSync(path.join(t.repo, 'sub'));

    const cases: { what: string; file: string; note: string }[] = [
      { what: 'a named pipe', file: fifo, note: 'not-a-regular-file:skipped' },
      { what: '.. to /dev/zero', file: `${t.repo}/sub/../../../../../../../../dev/zero`, note: 'outside-repo:skipped' },
      { what: '.. to a file outside', file: `${t.repo}/sub/../../private.pem`, note: 'outside-repo:skipped' },
      { what: 'a symlink to a file outside', file: path.join(t.repo, 'key.pem'), note: 'symlink:skipped' },
      { what: 'a symlinked folder leading outside', file: path.join(t.repo, 'up', 'private.pem'), note: 'symlink:skipped' },
      { what: '.. back into the tree through a symlink', file: `${t.repo}/sub/../up/repo/key.pem`, note: 'symlink:skipped' },
    ];
    const transcript = transcriptFifo;
    for (const [i, c] of cases.entries()) {
      for (const event of ['PreToolUse', 'PostToolUse']) {
        const r = hook(t, event, { transcript_path: transcript, tool_name: 'Edit', tool_use_id: `toolu_${i}`, tool_input: { file_path: c.file, old_string: 'a', new_string: 'b' } }, 'Edit');
        expect({ what: c.what, event, status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ what: c.what, event, status: 0, stdout: '', stderr: '' });
        expect(r.ms, `${c.what}: ${r.ms} ms`).toBeLessThan(5000);
        expect(t.hookLog().at(-1)).toMatch(new RegExp(` claude ${event} Edit ${c.note.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
      }
    }
    // the transcript named as a pipe: the Stop hook does not read it, the daemon opens it non-blocking
    const stop = hook(t, 'Stop', { transcript_path: transcript, stop_hook_active: false });
    expect(stop.status).toBe(0);
    expect(holders(fifo)).toEqual([]);
    expect(holders(transcriptFifo)).toEqual([]);
    expect(fs.readdirSync(path.join(t.traceHome, 'spool', 'blobs')).filter((n) => !n.endsWith('.done'))).toEqual([]);

    // the daemon took every event in (its own drain), answers, and still is the same process
    await t.drain(30_000);
    expect(t.spoolFiles('new')).toEqual([]);
    const session = t.json<SessionData>('session', 'show', SESSION);
    const status = t.json<{ daemon: { running: boolean; pid: number } }>('status');
    expect(status.daemon).toMatchObject({ running: true, pid });
    expect(session!.warnings).toEqual(expect.arrayContaining([
      expect.stringMatching(/^pipe: a named pipe, not a regular file: skipped$/),
      expect.stringMatching(/dev\/zero: outside the repository: skipped$/),
      expect.stringMatching(/private\.pem: outside the repository: skipped$/),
      'key.pem: reached through a symbolic link: skipped',
      'up/private.pem: reached through a symbolic link: skipped',
      'up/repo/key.pem: reached through a symbolic link: skipped',
      expect.stringMatching(/^transcript is a named pipe, not a regular file: not read/),
    ]));
    expect(session!.code_changes?.files ?? []).toEqual([]);
    // the private key is nowhere in ai-trace's state
    expect(allBytes(t.traceHome).includes(Buffer.from('not-for-the-database-7f3a91'))).toBe(false);

    // and it stops on SIGTERM
    process.kill(pid, 'SIGTERM');
    await until(`daemon ${pid} to exit on SIGTERM`, () => !alive(pid), { timeoutMs: 5000, intervalMs: 50 });
  });
});
