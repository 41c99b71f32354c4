/**
 * Bad input through the hook command `trace init` installed, run as Claude Code runs it: the shim
 * exits 0 at once and prints nothing, whatever it is fed; the daemon stays up; the repository's hook
 * log has a line per run; the daemon log and the dead-letter folder say what was skipped.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hookCommands } from '../../src/demo/claude-driver.js';
import type { SessionData } from '../../src/evidence/session-data.js';
import { RepoPool, type TestRepo } from '../helpers/repo.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());

const SESSION = '0b5e55ed-bad0-4000-8000-000000000001';

/** Runs the installed command for `event` (or, for an event init does not hook, the same command naming it). */
function runHook(t: TestRepo, event: string, input: string | Buffer): { status: number | null; stdout: string; stderr: string; ms: number } {
  let [command] = hookCommands(t.repo, event, 'Write');
  if (!command) {
    const [template] = hookCommands(t.repo, 'SessionStart');
    command = template!.replace(/ claude SessionStart\b/, ` claude ${event}`);
    expect(command).toContain(` claude ${event}`);
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', command], { cwd: t.repo, input, env: { ...t.env, CLAUDE_PROJECT_DIR: t.repo, CLAUDECODE: '1' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

function payload(event: string, extra: Record<string, unknown> = {}, transcript = '/nonexistent/transcript.jsonl'): Record<string, unknown> {
  return { session_id: SESSION, transcript_path: transcript, cwd: '', hook_event_name: event, ...extra };
}

describe('bad input to the agent hook', () => {
  it('always exits 0 at once and silently; the daemon stays up and logs what it skipped', async () => {
    const t = pool.create();
    expect(t.trace('daemon', 'start').code).toBe(0);
    const pid = t.daemonPid();
    const p = (event: string, extra: Record<string, unknown> = {}) => JSON.stringify({ ...payload(event, extra), cwd: t.repo });
    const outside = path.join(t.root, 'outside.txt');
    const binary = path.join(t.repo, 'img.bin');
    const big = path.join(t.repo, 'big.txt');
    const bigContent = 'x'.repeat(5 * 1024 * 1024) + '\n';
    const binaryContent = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x0d, 0x0a, 0xff, 0x00]);

    const runs: { what: string; event: string; input: string | Buffer; before?: () => void }[] = [
      { what: 'empty stdin', event: 'PreToolUse', input: '' },
      { what: 'invalid JSON', event: 'UserPromptSubmit', input: '{"session_id": "x", "prompt": oops' },
      { what: 'a JSON array', event: 'Stop', input: '[1, 2, 3]' },
      { what: 'session start, missing transcript', event: 'SessionStart', input: p('SessionStart', { source: 'startup' }) },
      { what: '5 MB prompt', event: 'UserPromptSubmit', input: p('UserPromptSubmit', { prompt: 'y'.repeat(5 * 1024 * 1024) }) },
      { what: '5 MB Write, before', event: 'PreToolUse', input: p('PreToolUse', { tool_name: 'Write', tool_use_id: 't1', tool_input: { file_path: big, content: bigContent } }) },
      { what: '5 MB Write, after', event: 'PostToolUse', before: () => fs.writeFileSync(big, bigContent), input: p('PostToolUse', { tool_name: 'Write', tool_use_id: 't1', tool_input: { file_path: big, content: bigContent }, tool_response: { type: 'create', filePath: big, content: bigContent, structuredPatch: [], originalFile: null } }) },
      { what: 'unknown event', event: 'BrandNewEvent', input: p('BrandNewEvent', { whatever: { nested: [1, 2] } }) },
      { what: 'Write outside the repository, before', event: 'PreToolUse', input: p('PreToolUse', { tool_name: 'Write', tool_use_id: 't2', tool_input: { file_path: outside, content: 'out\n' } }) },
      { what: 'Write outside the repository, after', event: 'PostToolUse', before: () => fs.writeFileSync(outside, 'out\n'), input: p('PostToolUse', { tool_name: 'Write', tool_use_id: 't2', tool_input: { file_path: outside, content: 'out\n' }, tool_response: { type: 'create', filePath: outside, content: 'out\n', structuredPatch: [], originalFile: null } }) },
      { what: 'binary Write, before', event: 'PreToolUse', input: p('PreToolUse', { tool_name: 'Write', tool_use_id: 't3', tool_input: { file_path: binary, content: binaryContent.toString('latin1') } }) },
      { what: 'binary Write, after', event: 'PostToolUse', before: () => fs.writeFileSync(binary, binaryContent), input: p('PostToolUse', { tool_name: 'Write', tool_use_id: 't3', tool_input: { file_path: binary, content: binaryContent.toString('latin1') }, tool_response: { type: 'create', filePath: binary, structuredPatch: [], originalFile: null } }) },
      { what: 'Edit without a file path', event: 'PreToolUse', input: p('PreToolUse', { tool_name: 'Edit', tool_use_id: 't4', tool_input: { old_string: 'a', new_string: 'b' } }) },
      { what: 'stop, missing transcript', event: 'Stop', input: p('Stop', { stop_hook_active: false }) },
      { what: 'end, missing transcript', event: 'SessionEnd', input: p('SessionEnd', { reason: 'other' }) },
    ];

    const logBefore = t.hookLog().length;
    for (const run of runs) {
      run.before?.();
      const r = runHook(t, run.event, run.input);
      expect({ what: run.what, status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ what: run.what, status: 0, stdout: '', stderr: '' });
      // a hang bound, well under the hook's 10 s timeout even on a loaded CI machine; the hook's speed
      // itself is measured by `npm run bench`, not asserted here
      expect(r.ms, `${run.what} took ${r.ms} ms`).toBeLessThan(5000);
    }
    const log = t.hookLog().slice(logBefore);
    expect(log).toHaveLength(runs.length);
    expect(log.map((l) => l.split(' ')[2])).toEqual(runs.map((r) => r.event));
    expect(log.filter((l) => l.includes('outside-repo:skipped'))).toHaveLength(2);
    // an empty PreToolUse payload and an Edit with no file_path both name no file: nothing is snapshotted
    expect(log.filter((l) => l.includes('no-path')).map((l) => l.split(' ').slice(2).join(' '))).toEqual([
      'PreToolUse - no-path',
      'PreToolUse Edit no-path',
    ]);

    // the daemon ingested everything (its own drain: status alone answers after 10 s with what it has,
    // which on a loaded machine is not yet every 5 MB payload) and is still the same process
    await t.drain();
    const status = t.json<{ daemon: { running: boolean; pid: number }; sessions: { id: string; events: number; files_touched: string[] }[] }>('status');
    expect(status.daemon).toMatchObject({ running: true, pid });
    expect(t.trace('daemon', 'status').code).toBe(0);
    expect(t.spoolFiles('new')).toEqual([]);
    const session = status.sessions.find((s) => s.id === SESSION)!;
    expect(session.events).toBe(runs.length - 3);
    expect(session.files_touched).toEqual(['big.txt']);

    // dead letters: the three payloads that are not a JSON object, each with its reason
    const dead = t.spoolFiles('dead');
    const reasons = dead.filter((n) => n.endsWith('.reason')).map((n) => fs.readFileSync(path.join(t.traceHome, 'spool', 'dead', n), 'utf8'));
    expect(dead).toHaveLength(6);
    expect(reasons).toHaveLength(3);
    expect(reasons).toEqual(expect.arrayContaining([
      expect.stringContaining('PreToolUse: empty payload'),
      expect.stringContaining('UserPromptSubmit: payload is not valid JSON'),
      expect.stringContaining('payload is not a JSON object'),
    ]));

    // the daemon log names every skipped entry and every skipped part of an event
    const daemonLog = t.daemonLog();
    expect(daemonLog).toContain('empty payload');
    expect(daemonLog).toContain('payload is not valid JSON');
    expect(daemonLog).toContain('payload is not a JSON object');
    expect(daemonLog).toContain(`${outside}: outside the repository: skipped`);
    expect(daemonLog).toContain('img.bin: binary file: line attribution skipped');
    expect(daemonLog).toContain('Edit without a file path: skipped');
    expect(daemonLog).toMatch(/"event":"BrandNewEvent".*no handler/);

    // the session says what it could not do
    const d = t.json<SessionData>('session', 'show', SESSION);
    expect(d.warnings).toEqual(expect.arrayContaining([
      expect.stringContaining('/nonexistent/transcript.jsonl'),
      `${outside}: outside the repository: skipped`,
      'img.bin: binary file: line attribution skipped',
    ]));
    expect(d.tools_used).toEqual({ summary: [{ tool_name: 'Write', invocation_count: 3 }, { tool_name: 'Edit', invocation_count: 1 }], total_invocations: 4 });
  });

  it('is silent without ai-trace set up: a clone where init never ran, no git repository, an unwritable TRACE_HOME, no shim', () => {
    const other = pool.create();
    const t = pool.create({ init: false });
    // the settings a teammate committed, in a clone where `trace init` never ran
    fs.mkdirSync(path.join(t.repo, '.claude'), { recursive: true });
    fs.copyFileSync(path.join(other.repo, '.claude', 'settings.json'), path.join(t.repo, '.claude', 'settings.json'));
    const [command] = hookCommands(t.repo, 'UserPromptSubmit');
    const run = (cwd: string, env: NodeJS.ProcessEnv, input = '{"session_id":"s","hook_event_name":"UserPromptSubmit"}') => {
      const r = spawnSync('sh', ['-c', command!], { cwd, input, env: { ...env, CLAUDE_PROJECT_DIR: cwd }, encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const quiet = { status: 0, stdout: '', stderr: '' };
    expect(run(t.repo, t.env)).toEqual(quiet);
    expect(fs.existsSync(path.join(t.repo, '.git', 'chainloop-trace'))).toBe(false);
    // not in a git repository at all
    expect(run(t.tmp, t.env)).toEqual(quiet);
    // TRACE_HOME where nothing can be created
    fs.writeFileSync(path.join(t.root, 'a-file'), '');
    expect(run(t.repo, { ...t.env, TRACE_HOME: path.join(t.root, 'a-file', 'trace') })).toEqual(quiet);
    // ai-trace not installed on this machine: the shim path does not exist and no trace-hook on PATH
    const settings = fs.readFileSync(path.join(t.repo, '.claude', 'settings.json'), 'utf8');
    fs.writeFileSync(path.join(t.repo, '.claude', 'settings.json'), settings.replace(/h='[^']*'/g, "h='/nonexistent/ai-trace/shims/hook.sh'"));
    const [missing] = hookCommands(t.repo, 'Stop');
    expect(missing).toContain('/nonexistent/ai-trace/shims/hook.sh');
    const r = spawnSync('sh', ['-c', missing!], { cwd: t.repo, input: 'x'.repeat(1 << 20), env: { PATH: '/usr/bin:/bin', HOME: t.home }, encoding: 'utf8' });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual(quiet);
  });
});
