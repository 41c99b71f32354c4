/**
 * Issue 11, own your state: a TRACE_HOME (or its spool/, run/) that another user created first, or
 * that is open to others, is refused by the agent hook, the git hooks, the CLI and the daemon, with a
 * message naming the owner and the fix; nothing is written through the other user's symlinks.
 * (The tests run as root, as CI does; "another user" is a uid nobody has here.)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hookCommands } from '../../src/demo/claude-driver.js';
import { RepoPool } from '../helpers/repo.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());
const OTHER = 4242;

describe('a TRACE_HOME that is not the user\'s own', () => {
  it('is refused by hooks, CLI and daemon; nothing is written through the other user\'s symlinks', () => {
    const t = pool.create();
    // the other user got there first: their folders, with a symlink where our counter goes
    const victim = path.join(t.root, 'victim.txt');
    fs.writeFileSync(victim, 'my own file\n');
    fs.mkdirSync(path.join(t.traceHome, 'spool', 'new'), { recursive: true });
    fs.mkdirSync(path.join(t.traceHome, 'spool', 'blobs'), { recursive: true });
    fs.symlinkSync(victim, path.join(t.traceHome, 'spool', 'seq'));
    for (const d of ['', 'spool', 'spool/new', 'spool/blobs']) fs.chownSync(path.join(t.traceHome, d), OTHER, OTHER);
    fs.chmodSync(t.traceHome, 0o777);

    // the agent hook: silent, quick, writes nothing there, and the repository's hook log says why
    const [command] = hookCommands(t.repo, 'UserPromptSubmit');
    const r = spawnSync('sh', ['-c', command!], { cwd: t.repo, input: '{"session_id":"s1","hook_event_name":"UserPromptSubmit","prompt":"secret prompt"}', env: { ...t.env, CLAUDE_PROJECT_DIR: t.repo, TRACE_AUTOSTART: '0' }, encoding: 'utf8' });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(fs.readdirSync(path.join(t.traceHome, 'spool', 'new'))).toEqual([]);
    expect(fs.readFileSync(victim, 'utf8')).toBe('my own file\n');
    expect(t.hookLog().at(-1)).toContain(`TRACE_HOME-not-owned:refused(${t.traceHome})`);

    // the CLI: exit 1, the owner and the fix, no daemon started, no database created
    const s = t.trace('status');
    expect(s.code).toBe(1);
    expect(s.stderr).toContain(`TRACE_HOME (${t.traceHome}) belongs to uid ${OTHER} (uid ${OTHER}), not to you (root)`);
    expect(s.stderr).toContain('Set TRACE_HOME to a folder of your own');
    expect(fs.existsSync(path.join(t.traceHome, 'trace.db'))).toBe(false);
    expect(fs.existsSync(path.join(t.traceHome, 'run'))).toBe(false);

    // the daemon started by hand refuses too
    const d = spawnSync(process.execPath, ['dist/daemon/main.js'], { env: t.env, encoding: 'utf8', timeout: 20_000 });
    expect(d.status).toBe(1);
    expect(d.stderr).toContain(`belongs to uid ${OTHER}`);

    // a git commit with agent work pending: the git hooks spool nothing there either; the commit goes through
    fs.writeFileSync(path.join(t.repo, '.git', 'chainloop-trace', 'traced'), '');
    fs.writeFileSync(path.join(t.repo, '.git', 'chainloop-trace', 'ai-pending'), '');
    t.write('a.txt', 'a\n');
    t.git('add', 'a.txt');
    const c = spawnSync('git', ['commit', '-q', '-m', 'a'], { cwd: t.repo, env: t.env, encoding: 'utf8' });
    expect(c.status).toBe(0);
    expect(c.stderr).toContain(`belongs to uid ${OTHER}`);
    expect(fs.readdirSync(path.join(t.traceHome, 'spool', 'new'))).toEqual([]);
    expect(fs.readFileSync(victim, 'utf8')).toBe('my own file\n');
  });

  it('refuses a folder of the user\'s that is open to others, naming the fix', () => {
    const t = pool.create();
    expect(t.trace('status').code).toBe(0);
    t.stopDaemon();
    fs.chmodSync(path.join(t.traceHome, 'spool'), 0o757);
    const s = t.trace('status');
    expect(s.code).toBe(1);
    expect(s.stderr).toContain(`${path.join(t.traceHome, 'spool')} is open to others (mode 0757; owner root): run \`chmod 700 ${path.join(t.traceHome, 'spool')}\``);
    fs.chmodSync(path.join(t.traceHome, 'spool'), 0o700);
    expect(t.trace('status').code).toBe(0);
  });
});
