/**
 * The edit hook's snapshot, run as Claude Code runs the installed command with the daemon stopped so
 * the spool keeps what the shim wrote: the payload byte for byte, the file byte for byte (whatever its
 * line ends, bytes or size), `.done` last, one log line; through `trace-hook` on PATH too.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hookCommands } from '../../src/demo/claude-driver.js';
import { RepoPool, type TestRepo } from '../helpers/repo.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());

/** Fires PreToolUse for `tool` on `file` through `command` (default: the installed Edit command); returns the spool entry's key. */
function preToolUse(t: TestRepo, tool: string, file: string, extra: Record<string, unknown> = {}, command?: string): { key: string; payload: string } {
  const cmd = command ?? hookCommands(t.repo, 'PreToolUse', tool)[0]!;
  const payload = JSON.stringify({
    session_id: 'snap-0000-4000-8000-000000000001', transcript_path: '/nonexistent.jsonl', cwd: t.repo, hook_event_name: 'PreToolUse',
    tool_name: tool, tool_input: { file_path: file, old_string: 'a\\"b', new_string: 'c' }, tool_use_id: `toolu_${Math.random()}`, ...extra,
  });
  const before = new Set(t.spoolFiles('new'));
  const r = spawnSync('sh', ['-c', cmd], { cwd: t.repo, input: payload, env: { ...t.env, CLAUDE_PROJECT_DIR: t.repo, TRACE_AUTOSTART: '0' }, encoding: 'utf8' });
  expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
  const added = t.spoolFiles('new').filter((n) => !before.has(n));
  expect(added).toHaveLength(1);
  return { key: added[0]!.replace(/\.json$/, ''), payload };
}

const blobs = (t: TestRepo) => path.join(t.traceHome, 'spool', 'blobs');

describe('the edit hook snapshot', () => {
  it('copies the file byte for byte and keeps the payload as sent', () => {
    const t = pool.create();
    const cases: [string, Buffer][] = [
      ['empty.txt', Buffer.alloc(0)],
      ['no-final-newline.txt', Buffer.from('one\ntwo')],
      ['crlf.txt', Buffer.from('one\r\ntwo\r\n')],
      ['blank-lines.txt', Buffer.from('\n\n\nx\n\n')],
      ['nul.bin', Buffer.from([0x89, 0x50, 0x00, 0x0a, 0x00, 0xff, 0x0a])],
      ['separator.txt', Buffer.from('a\u0001\u0002\u0003\u0004b\n')],
      ['utf8 name é.txt', Buffer.from('héllo wörld\n')],
      ["it's quoted.txt", Buffer.from('q\n')],
      ['large.txt', Buffer.from('0123456789abcdef\n'.repeat(300_000))], // 5.1 MB: past the 4 MB line, copied by cp
      ['one-long-line.txt', Buffer.from('x'.repeat(3 * 1024 * 1024))],
    ];
    for (const [name, bytes] of cases) {
      const file = path.join(t.repo, name);
      fs.writeFileSync(file, bytes);
      const { key, payload } = preToolUse(t, 'Edit', file);
      expect(fs.readFileSync(path.join(blobs(t), key)).equals(bytes), name).toBe(true);
      expect(fs.existsSync(path.join(blobs(t), `${key}.done`)), name).toBe(true);
      expect(fs.readFileSync(path.join(t.traceHome, 'spool', 'new', `${key}.json`), 'utf8')).toBe(payload);
    }
    expect(t.hookLog().slice(-cases.length).every((l) => / claude PreToolUse Edit $/.test(l))).toBe(true);
  });

  it('takes no snapshot of a file the tool creates, a directory, or a path with escapes; the event is complete all the same', () => {
    const t = pool.create();
    const created = preToolUse(t, 'Write', path.join(t.repo, 'new.txt'));
    fs.mkdirSync(path.join(t.repo, 'dir'));
    const dir = preToolUse(t, 'Write', path.join(t.repo, 'dir'));
    const escaped = preToolUse(t, 'Write', path.join(t.repo, 'a"b.txt'));
    for (const { key } of [created, dir, escaped]) {
      expect(fs.existsSync(path.join(blobs(t), key))).toBe(false);
      expect(fs.existsSync(path.join(blobs(t), `${key}.done`))).toBe(true);
    }
    expect(t.hookLog().slice(-3).map((l) => l.split(' ').slice(3).join(' '))).toEqual(['Write ', 'Write not-a-regular-file:skipped', 'Write no-path']);
    expect(fs.existsSync(path.join(t.repo, '.git', 'chainloop-trace', 'ai-pending'))).toBe(true);
  });

  it('still records the event where there is no awk: the payload kept, no snapshot, the log says so', () => {
    const t = pool.create();
    const bin = path.join(t.root, 'bin-without-awk');
    fs.mkdirSync(bin);
    for (const tool of ['sh', 'cat', 'mkdir', 'rm', 'git', 'readlink']) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      fs.symlinkSync(found, path.join(bin, tool));
    }
    const file = path.join(t.repo, 'x.txt');
    fs.writeFileSync(file, 'x\n');
    const command = hookCommands(t.repo, 'PreToolUse', 'Edit')[0]!;
    const payload = JSON.stringify({ session_id: 's', hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input: { file_path: file } });
    const r = spawnSync(`${bin}/sh`, ['-c', command], { cwd: t.repo, input: payload, env: { ...t.env, PATH: bin, CLAUDE_PROJECT_DIR: t.repo }, encoding: 'utf8' });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
    const [name] = t.spoolFiles('new');
    expect(fs.readFileSync(path.join(t.traceHome, 'spool', 'new', name!), 'utf8')).toBe(payload);
    const key = name!.replace(/\.json$/, '');
    expect(fs.existsSync(path.join(blobs(t), `${key}.done`))).toBe(true);
    expect(t.hookLog().at(-1)).toMatch(/ claude PreToolUse +snapshot-failed$/);
  });

  it('works through `trace-hook` on PATH (a link into the package), as for a teammate whose settings name another path', () => {
    const t = pool.create();
    const bin = path.join(t.root, 'bin');
    fs.mkdirSync(bin);
    fs.symlinkSync(path.resolve('shims/hook.sh'), path.join(bin, 'trace-hook'));
    const installed = hookCommands(t.repo, 'PreToolUse', 'Edit')[0]!;
    const elsewhere = installed.replace(/h='[^']*'/, "h='/nonexistent/ai-trace/shims/hook.sh'");
    expect(elsewhere).not.toBe(installed);
    const file = path.join(t.repo, 'linked.txt');
    fs.writeFileSync(file, 'via the link\n');
    t.env.PATH = `${bin}:${t.env.PATH}`;
    const { key } = preToolUse(t, 'Edit', file, {}, elsewhere);
    expect(fs.readFileSync(path.join(blobs(t), key), 'utf8')).toBe('via the link\n');
  });

  it('exits 0, keeping the event, when the snapshot folder is gone (status 2 would block the tool call)', () => {
    const t = pool.create();
    const file = path.join(t.repo, 'kept.txt');
    fs.writeFileSync(file, 'x\n');
    preToolUse(t, 'Edit', file); // makes the spool folders
    fs.rmSync(blobs(t), { recursive: true });
    const { key, payload } = preToolUse(t, 'Edit', file); // asserts status 0 and no output
    expect(fs.readFileSync(path.join(t.traceHome, 'spool', 'new', `${key}.json`), 'utf8')).toBe(payload);
    expect(t.hookLog().at(-1)).toMatch(/ claude PreToolUse Edit snapshot-failed$/);
  });
});
