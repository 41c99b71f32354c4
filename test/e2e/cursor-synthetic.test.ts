/**
 * Cursor through the hooks `trace init --cursor` installs, with SYNTHETIC payloads: no Cursor client can be
 * installed here, so each hook is fired the way Cursor documents it (the command from .cursor/hooks.json
 * through `sh -c` in the project root, the payload on stdin, CURSOR_PROJECT_DIR and CLAUDE_PROJECT_DIR
 * set) while the test makes the file and shell changes Cursor's agent would. The shim, the daemon and
 * attribution are the real ones. Also: init and uninstall of Copilot CLI, OpenCode and Cursor together.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { r, RepoPool, type TestRepo } from '../helpers/repo.js';

const pool = new RepoPool();
afterEach(() => pool.cleanupAll());

const CONVERSATION = 'c0ffee00-1111-4222-8333-444455556666';

/** Fires Cursor's hook for `event` with a synthetic payload, as Cursor runs a project hook. */
function fire(t: TestRepo, event: string, fields: Record<string, unknown>): void {
  const config = JSON.parse(fs.readFileSync(path.join(t.repo, '.cursor', 'hooks.json'), 'utf8')) as { hooks: Record<string, { command: string }[]> };
  const payload = {
    conversation_id: CONVERSATION,
    generation_id: `gen-${event}`,
    model: 'claude-sonnet-4-5',
    hook_event_name: event,
    cursor_version: '1.7.52',
    workspace_roots: [t.repo],
    ...fields,
  };
  for (const { command } of config.hooks[event] ?? []) {
    const run = spawnSync('sh', ['-c', command], {
      cwd: t.repo,
      env: { ...t.env, CURSOR_PROJECT_DIR: t.repo, CLAUDE_PROJECT_DIR: t.repo, CURSOR_VERSION: '1.7.52' },
      input: JSON.stringify(payload),
      encoding: 'utf8',
    });
    expect({ event, status: run.status, stdout: run.stdout }).toEqual({ event, status: 0, stdout: '' });
  }
}

describe('Cursor (SYNTHETIC payloads) through the installed hooks, the shim and the daemon', () => {
  it('attributes afterFileEdit edits (before-content rebuilt from the edits) and shell-made changes; usage is unknown, not 0', async () => {
    const t = pool.create({ init: false, files: { 'README.md': '# demo\n', 'NOTES.md': 'notes\n' } });
    const init = t.trace('init', '--cursor', '--project', 'test', '--org', 'acme');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/Cursor: .*trusted workspace/);
    t.git('add', '-A');
    t.git('commit', '-q', '-m', 'Trace AI coding sessions');
    expect(t.trace('daemon', 'start').code).toBe(0);

    fire(t, 'sessionStart', { session_id: 'sess-1', is_background_agent: false });
    fire(t, 'beforeSubmitPrompt', { prompt: 'add a greeting script and run it', attachments: [] });
    // the daemon watches the work tree from the session's first event on: it has applied them (a real
    // session gives it seconds; this test, none)
    await t.drain();
    // the agent writes a new file, then edits it; afterFileEdit comes after each write
    const hello = path.join(t.repo, 'hello.sh');
    const first = '#!/bin/sh\necho "hello from cursor"\n';
    fs.writeFileSync(hello, first);
    fire(t, 'afterFileEdit', { file_path: hello, edits: [{ old_string: '', new_string: first }] });
    fs.writeFileSync(hello, first.replace('hello from cursor', 'hello, edited by cursor'));
    fire(t, 'afterFileEdit', { file_path: hello, edits: [{ old_string: 'hello from cursor', new_string: 'hello, edited by cursor' }] });
    // a human line between the agent's steps stays the human's
    fs.appendFileSync(path.join(t.repo, 'NOTES.md'), 'by hand\n');
    // the agent's shell changes README.md
    const command = 'sh hello.sh >> README.md';
    fire(t, 'beforeShellExecution', { command, cwd: t.repo });
    t.sh(command);
    fire(t, 'afterShellExecution', { command, cwd: t.repo, output: '', duration: 5 });
    fire(t, 'stop', { status: 'completed', loop_count: 0 });

    t.git('add', '-A');
    t.git('commit', '-q', '-m', 'Greeting');
    expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${CONVERSATION}`]);
    const show = t.show();
    expect(show.sessions).toEqual([CONVERSATION]);
    const byPath = Object.fromEntries(show.code_changes.files.map((f) => [f.path, f]));
    expect(byPath['hello.sh']).toMatchObject({ status: 'created', lines_added: 2, line_ranges: [r(1, 2)], ai_lines_added: 2, human_lines_added: 0 });
    expect(byPath['README.md']).toMatchObject({ status: 'modified', lines_added: 1, line_ranges: [r(2)], ai_lines_added: 1, human_lines_added: 0 });
    expect(byPath['NOTES.md']).toMatchObject({ status: 'modified', lines_added: 1, line_ranges: [], human_line_ranges: [r(2)], ai_lines_added: 0, human_lines_added: 1 });

    const data = t.json<{
      agent: { name: string; version?: string };
      model: { primary?: string };
      usage: Record<string, unknown>;
      tools_used: { summary: { tool_name: string; invocation_count: number }[] };
    }>('session', 'show', CONVERSATION);
    expect(data.agent).toEqual({ name: 'cursor', version: '1.7.52' });
    expect(data.model.primary).toBe('claude-sonnet-4-5');
    expect(data.usage).toEqual({ input_tokens: null, output_tokens: null, cache_read_input_tokens: null, cache_creation_input_tokens: null, total_tokens: null, estimated_cost_usd: null });
    expect(Object.fromEntries(data.tools_used.summary.map((s) => [s.tool_name, s.invocation_count]))).toEqual({ Write: 2, Shell: 1 });
    expect(t.trace('session', 'show', CONVERSATION).stdout).toMatch(/tokens: +unknown/);
    expect(t.hookLog().filter((l) => l.includes(' cursor ')).map((l) => l.split(' ')[2])).toEqual([
      'sessionStart', 'beforeSubmitPrompt', 'afterFileEdit', 'afterFileEdit', 'beforeShellExecution', 'afterShellExecution', 'stop',
    ]);
  });
});

describe('trace init --copilot --opencode --cursor', () => {
  it('merges into what is there, says what each agent needs, and uninstall restores every file byte for byte', () => {
    const userCursor = '{\n  "version": 1,\n  "hooks": {\n    "afterFileEdit": [{ "command": "./format.sh" }]\n  }\n}\n';
    const t = pool.create({ init: false, files: { 'README.md': '# demo\n', '.cursor/hooks.json': userCursor } });
    const init = t.trace('init', '--copilot', '--opencode', '--cursor', '--project', 'test', '--org', 'acme');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/Copilot CLI: .*trusted folder/);
    expect(init.stdout).toMatch(/--trust-folder/);
    expect(init.stdout).toMatch(/OpenCode: .*@opencode-ai\/plugin/);
    const cursor = JSON.parse(fs.readFileSync(path.join(t.repo, '.cursor', 'hooks.json'), 'utf8')) as { hooks: Record<string, { command: string }[]> };
    expect(cursor.hooks.afterFileEdit!.map((h) => h.command)[0]).toBe('./format.sh');
    expect(cursor.hooks.afterFileEdit).toHaveLength(2);
    const copilot = JSON.parse(fs.readFileSync(path.join(t.repo, '.github', 'hooks', 'ai-trace.json'), 'utf8')) as { version: number; hooks: Record<string, { bash: string; matcher?: string }[]> };
    expect(copilot.version).toBe(1);
    expect(copilot.hooks.preToolUse!.map((h) => h.matcher)).toEqual(['create|edit|apply_patch', '(?!(create|edit|apply_patch)$).*']);
    expect(copilot.hooks.preToolUse![0]!.bash).toContain("set -- copilot preToolUse edit 'path'");
    expect(fs.readFileSync(path.join(t.repo, '.opencode', 'plugin', 'ai-trace.js'), 'utf8')).toMatch(/^\/\/ ai-trace OpenCode plugin/);
    // a second init changes nothing
    const again = t.trace('init', '--copilot', '--opencode', '--cursor');
    expect(again.code).toBe(0);

    const un = t.trace('uninstall', '--yes');
    expect(un.code).toBe(0);
    expect(fs.readFileSync(path.join(t.repo, '.cursor', 'hooks.json'), 'utf8')).toBe(userCursor);
    expect(fs.existsSync(path.join(t.repo, '.github', 'hooks', 'ai-trace.json'))).toBe(false);
    expect(fs.existsSync(path.join(t.repo, '.opencode'))).toBe(false);
    expect(t.git('status', '--porcelain')).toBe('');
  });
});
