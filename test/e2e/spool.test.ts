/**
 * Events are not lost: a session run while the daemon is stopped is kept in the spool (payloads and
 * before/after snapshots) and gives the same attribution once the daemon comes up. Also: TRACE=0 turns
 * the shims off, and TRACE_HOME keeps every per-user file out of HOME.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionData } from '../../src/evidence/session-data.js';
import { listTree, r, RepoPool, type TestRepo } from '../helpers/repo.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());

const SESSION = '6f1c2a4e-0000-4000-8000-00000000beef';

/** A session with human edits before, between and after the agent's, in a repository with a base file. */
function scenario(t: TestRepo, env: NodeJS.ProcessEnv = {}): string {
  const s = t.session(SESSION, env);
  t.write('lib.txt', 'l1\nhuman-before\nl2\nl3\n');
  s.start();
  s.prompt('edit lib.txt and add a file');
  s.edit('lib.txt', 'l2\n', 'ai-1\nai-2\n');
  t.write('lib.txt', t.read('lib.txt').replace('ai-1\n', 'human-between\n'));
  s.write('new.txt', 'n1\nn2\n');
  s.edit('lib.txt', 'l3\n', 'l3\nai-3\n');
  s.bash('true');
  s.stop();
  s.end();
  t.write('lib.txt', t.read('lib.txt') + 'human-after\n');
  return s.transcriptPath;
}

describe('events are not lost', () => {
  it('a session recorded while the daemon is stopped gives the same trace show as with it running', () => {
    const live = pool.create({ files: { 'lib.txt': 'l1\nl2\nl3\n' } });
    expect(live.trace('daemon', 'start').code).toBe(0);
    scenario(live);
    live.commitAll('work');
    const expected = live.show();

    const down = pool.create({ files: { 'lib.txt': 'l1\nl2\nl3\n' } });
    down.stopDaemon();
    expect(down.trace('daemon', 'status').code).toBe(1);
    // the shim starts the daemon in the background at SessionStart; keep it down to see the spool
    scenario(down, { TRACE_AUTOSTART: '0' });
    // 12 hook runs, all waiting in the spool; the three edits left a before and an after snapshot each
    const events = down.spoolFiles('new');
    expect(events).toHaveLength(12);
    expect(events.every((n) => n.endsWith('.json'))).toBe(true);
    // `-e`: through the edit-tools hook (complete with its snapshot), `-o`: through the other-tools hook
    expect(events.map((n) => n.split('-').slice(3).join('-').replace(/-[eo]\.json$/, '.json'))).toEqual([
      'SessionStart.json', 'UserPromptSubmit.json', 'PreToolUse.json', 'PostToolUse.json', 'PreToolUse.json', 'PostToolUse.json',
      'PreToolUse.json', 'PostToolUse.json', 'PreToolUse.json', 'PostToolUse.json', 'Stop.json', 'SessionEnd.json',
    ]);
    // snapshots: before and after each Edit, after the Write (its file did not exist before)
    expect(down.spoolFiles('blobs').filter((n) => !n.endsWith('.done'))).toHaveLength(5);
    expect(down.trace('daemon', 'status').code).toBe(1);

    expect(down.trace('daemon', 'start').code).toBe(0);
    down.commitAll('work');
    const got = down.show();
    expect(down.spoolFiles('new')).toEqual([]);
    expect(down.spoolFiles('blobs')).toEqual([]);
    expect(down.spoolFiles('dead')).toEqual([]);
    expect(got.commit).not.toBe(expected.commit);
    expect(got.sessions).toEqual([SESSION]);
    expect(got.code_changes).toEqual(expected.code_changes);
    // lib.txt: l1, human-before, human-between, ai-2, l3, ai-3, human-after (ai-1 was replaced by the human)
    expect(got.code_changes.files.map((f) => [f.path, f.line_ranges, f.human_line_ranges, f.ai_lines_removed, f.human_lines_removed])).toEqual([
      ['lib.txt', [r(4), r(6)], [r(2, 3), r(7)], 1, 0],
      ['new.txt', [r(1, 2)], [], 0, 0],
    ]);
    expect(down.trailers()).toEqual(live.trailers());

    const a = live.json<SessionData>('session', 'show', SESSION);
    const b = down.json<SessionData>('session', 'show', SESSION);
    expect(b.tools_used).toEqual(a.tools_used);
    expect(b.conversation).toEqual(a.conversation);
    expect(b.usage).toEqual(a.usage);
  });
});

describe('switches and isolation', () => {
  it('TRACE=0 disables the agent and git shims: nothing spooled, nothing logged, no trailer', () => {
    const t = pool.create();
    const quiet = t.session(undefined, { TRACE: '0' });
    const logBefore = t.hookLog().length;
    quiet.start();
    quiet.write('x.txt', 'x\n');
    quiet.end();
    expect(t.spoolFiles('new')).toEqual([]);
    expect(t.spoolFiles('blobs')).toEqual([]);
    expect(t.hookLog()).toHaveLength(logBefore);
    t.sh('git add -A && git commit -q -m off', { TRACE: '0' });
    expect(t.trailers()).toEqual([]);
    expect(t.spoolFiles('new')).toEqual([]);
    expect(t.hookLog()).toHaveLength(logBefore);
    expect(t.json<{ sessions: unknown[] }>('status').sessions).toEqual([]);
  });

  it('writes nothing outside TRACE_HOME and the repository (HOME keeps only what the test put there)', () => {
    const t = pool.create({ files: { 'lib.txt': 'l1\nl2\nl3\n' } });
    const transcript = scenario(t);
    t.commitAll('work');
    // an amend runs post-rewrite, whose hook keeps its stdin in a TMPDIR file while it runs
    t.git('commit', '-q', '--amend', '--no-edit');
    expect(t.show().sessions).toEqual([SESSION]);
    expect(t.json<SessionData>('session', 'show', SESSION).session.id).toBe(SESSION);
    expect(t.trace('status').code).toBe(0);
    expect(t.trace('log').code).toBe(0);
    t.stopDaemon();

    // HOME holds the transcript the test wrote there, and nothing else
    const parts = path.relative(t.home, transcript).split('/');
    expect(listTree(t.home)).toEqual(parts.map((_, i) => parts.slice(0, i + 1).join('/')).sort());
    expect(listTree(t.tmp)).toEqual([]);
    expect(fs.readdirSync(t.root).sort()).toEqual(['home', 'repo', 'tmp', 'trace']);
    // per-user state is private
    expect(fs.statSync(t.traceHome).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(t.traceHome, 'run')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(t.traceHome, 'spool')).mode & 0o077).toBe(0);
  });
});
