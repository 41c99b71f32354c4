/**
 * Gemini CLI adapter: every hook payload the real client sent (../shared/fixtures/gemini-cli/0.61.0) replayed
 * through `parse`; the settings merge and removal; the usage summary of the recorded chat.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PayloadError } from '../../src/agents/adapter.js';
import { geminiCli } from '../../src/agents/gemini/adapter.js';
import { GEMINI_HOOK_EVENTS, mergeGeminiHooks, removeGeminiHooks } from '../../src/agents/gemini/settings.js';
import { sharedDir } from '../helpers/shared.js';

const DIR = path.join(sharedDir(), 'fixtures', 'gemini-cli', '0.61.0', 'write-edit-bash');
const recorded = fs.readFileSync(path.join(DIR, 'hooks.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; payload: Record<string, unknown> });
const parse = (event: string, payload: unknown) => geminiCli.parse({ event, payload, ts: '2026-12-06T15:46:42.000Z' });

describe('Gemini CLI payloads (recorded from the real client)', () => {
  const hooked = recorded.filter((r) => (GEMINI_HOOK_EVENTS as readonly string[]).includes(r.event));
  const events = hooked.flatMap((r) => parse(r.event, r.payload));

  it('turns every hooked event into one ai-trace event', () => {
    expect(events.map((e) => `${e.name} ${e.toolName ?? ''}`.trim())).toEqual([
      'session.start', 'prompt',
      'edit.before write_file', 'edit.after write_file',
      'edit.before replace', 'edit.after replace',
      'shell.before run_shell_command', 'shell.after run_shell_command',
      'stop', 'session.end',
    ]);
    for (const e of events) {
      expect(e.agent).toBe('gemini-cli');
      expect(e.sessionId).toBe('007a61e2-97b7-428c-82bc-1dcb36573bcb');
      expect(e.transcriptPath).toMatch(/chats\/session-.*\.jsonl$/);
    }
  });

  it("carries the edited file, Gemini's own before-content (null for a new file) and the shell command", () => {
    const file = '/tmp/agent-replay-fixture/gemini/write-edit-bash/repo/hello.sh';
    const [, , writeBefore, writeAfter, , replaceAfter, shellBefore] = events;
    expect(writeBefore!.files).toEqual([file]);
    expect(writeAfter!.originals).toEqual(new Map([[file, null]]));
    expect(replaceAfter!.originals).toEqual(new Map([[file, '#!/bin/sh\necho "hello from replay"\n']]));
    expect(replaceAfter!.outcome).toBe('ok');
    expect(shellBefore!.command).toBe('sh hello.sh >> README.md && tail -n 1 README.md');
  });

  it('refuses what is not a Gemini payload', () => {
    expect(() => parse('BeforeTool', [])).toThrow(PayloadError);
    expect(() => parse('BeforeTool', { tool_name: 'write_file' })).toThrow(/session_id/);
  });
});

describe('.gemini/settings.json', () => {
  const user = `{\n    "general": { "vimMode": true },\n    "hooks": {\n        "BeforeTool": [{ "matcher": "x", "hooks": [{ "type": "command", "command": "mine" }] }]\n    }\n}\n`;

  it('merges our hooks next to the user\'s, idempotently, and removes exactly ours', () => {
    const merged = mergeGeminiHooks(user, '/opt/ai-trace');
    const j = JSON.parse(merged);
    expect(j.general).toEqual({ vimMode: true });
    expect(Object.keys(j.hooks)).toEqual(['BeforeTool', 'SessionStart', 'BeforeAgent', 'AfterTool', 'AfterAgent', 'SessionEnd']);
    expect(j.hooks.BeforeTool[0].hooks[0].command).toBe('mine');
    expect(j.hooks.BeforeTool.map((g: { matcher: string }) => g.matcher)).toEqual(['x', '^(write_file|replace)$', '^run_shell_command$', '^(?!(write_file|replace|run_shell_command)$)']);
    expect(j.hooks.BeforeTool[2].hooks[0].command).toContain('set -- gemini BeforeTool gitenv;');
    expect(j.hooks.BeforeTool[1].hooks[0]).toMatchObject({ name: 'ai-trace', type: 'command', timeout: 10000 });
    expect(merged).toMatch(/^ {4}"general"/m); // the file's own indent
    expect(mergeGeminiHooks(merged, '/opt/ai-trace')).toBe(merged);
    expect(removeGeminiHooks(merged)).toBe(`${JSON.stringify(JSON.parse(user), null, 4)}\n`);
    expect(removeGeminiHooks(mergeGeminiHooks(null, '/opt/ai-trace'))).toBe('{}\n');
  });

  it('says what is wrong with a settings file it cannot merge into', () => {
    expect(() => mergeGeminiHooks('{ nope', '/opt/ai-trace')).toThrow(/\.gemini\/settings\.json: invalid JSON/);
    expect(() => mergeGeminiHooks('{"hooks": {"BeforeTool": {}}}', '/opt/ai-trace')).toThrow(/hooks\.BeforeTool must be a list/);
  });
});

describe('Gemini CLI usage', () => {
  it('sums the chat record in Claude Code semantics and counts the prompt', () => {
    const s = geminiCli.usage!.summarize(geminiCli.usage!.read(path.join(DIR, 'chat-session.jsonl'), null));
    expect(s.usage).toMatchObject({ input_tokens: 51200 - 37504, cache_read_input_tokens: 37504, cache_creation_input_tokens: 0, output_tokens: 377, total_tokens: 51200 - 37504 + 377 });
    expect(s).toMatchObject({ primaryModel: 'gemini-2.5-flash', modelsUsed: ['gemini-2.5-flash'], userMessages: 1, assistantMessages: 4 });
  });
});
