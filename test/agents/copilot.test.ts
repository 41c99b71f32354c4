/**
 * Copilot CLI 1.0.102, replayed from the recorded real-client fixture (../shared/fixtures/copilot-cli):
 * its hook payloads become ai-trace's events, and its session events log gives the usage the client
 * recorded, in Claude Code's semantics.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PayloadError } from '../../src/agents/adapter.js';
import { emptyCopilotLogState, foldCopilotEvent } from '../../src/agents/copilot/events-log.js';
import { parseCopilotPayload } from '../../src/agents/copilot/payload.js';
import { rebuildBefore } from '../../src/agents/reverse-edits.js';
import { claudeSemantics, FIXTURES, fixtureDir, readJsonl, readMeta } from './fixtures.js';

const dir = fixtureDir('copilot-cli', '1.0.102');
const meta = readMeta(dir);
const hooks = readJsonl<{ event: string; payload: Record<string, unknown> }>(path.join(dir, 'hooks.jsonl'));
const ts = '2026-12-06T15:46:49.000Z';

describe('Copilot CLI 1.0.102 hook payloads (recorded)', () => {
  const events = hooks.flatMap((h) => parseCopilotPayload({ event: h.event, payload: h.payload, ts }));
  const file = path.join(meta.repo, 'hello.sh');

  it('become the session, prompt, edit, shell and stop events, in order', () => {
    expect(events.map((e) => [e.agentEvent, e.name, e.toolName ?? ''])).toEqual([
      ['sessionStart', 'session.start', ''],
      ['userPromptSubmitted', 'prompt', ''],
      ['userPromptTransformed', 'other', ''],
      ['preToolUse', 'edit.before', 'create'],
      ['permissionRequest', 'other', 'edit'],
      ['postToolUse', 'edit.after', 'create'],
      ['preToolUse', 'edit.before', 'edit'],
      ['permissionRequest', 'other', 'edit'],
      ['postToolUse', 'edit.after', 'edit'],
      ['preToolUse', 'shell.before', 'bash'],
      ['permissionRequest', 'other', 'bash'],
      ['postToolUse', 'shell.after', 'bash'],
      ['agentStop', 'stop', ''],
      ['sessionEnd', 'session.end', ''],
    ]);
    for (const e of events) expect(e).toMatchObject({ agent: 'copilot-cli', sessionId: meta.session_id, cwd: meta.repo, ts });
  });

  it('name the edited file, the shell command, the outcome and the events log', () => {
    const edits = events.filter((e) => e.name.startsWith('edit.'));
    for (const e of edits) expect(e.files).toEqual([file]);
    const shell = events.find((e) => e.name === 'shell.before')!;
    expect(shell.command).toBe('sh hello.sh >> README.md && tail -n 1 README.md');
    expect(events.filter((e) => e.name.endsWith('.after')).map((e) => e.outcome)).toEqual(['ok', 'ok', 'ok']);
    const stop = events.find((e) => e.name === 'stop')!;
    expect(stop.transcriptPath).toBe(path.join(meta.home, '.copilot', 'session-state', meta.session_id, 'events.jsonl'));
    expect(events.find((e) => e.name === 'session.end')!.reason).toBe('complete');
  });

  it('a failed tool call is an after with outcome failed', () => {
    const post = hooks.find((h) => h.event === 'postToolUse' && h.payload.toolName === 'bash')!;
    const failed = { ...post.payload, toolResult: { resultType: 'failure', textResultForLlm: 'exit code 1' } };
    expect(parseCopilotPayload({ event: 'postToolUse', payload: failed, ts })[0]).toMatchObject({ name: 'shell.after', outcome: 'failed' });
    expect(parseCopilotPayload({ event: 'postToolUseFailure', payload: post.payload, ts })[0]).toMatchObject({ name: 'shell.after', outcome: 'failed' });
  });

  it('say what each edit did, so the content before it can be rebuilt from the content after', () => {
    const [create, edit] = events.filter((e) => e.name === 'edit.after');
    expect(create!.edit).toEqual({ kind: 'create' });
    expect(rebuildBefore('#!/bin/sh\necho "hello from replay"\n', create!, file)).toBe('');
    expect(rebuildBefore('#!/bin/sh\necho "hello, edited by replay"\n', edit!, file)).toBe('#!/bin/sh\necho "hello from replay"\n');
  });

  it('apply_patch (gpt-5.x models) is an edit of every file its patch names, resolved against cwd, undone from its patch', () => {
    const patch = '*** Begin Patch\n*** Add File: hello.sh\n+#!/bin/sh\n*** Update File: src/a.js\n@@\n x\n-a\n+b\n*** End Patch\n';
    const [ev] = parseCopilotPayload({ event: 'postToolUse', payload: { sessionId: 's1', cwd: '/r', toolName: 'apply_patch', toolArgs: patch, toolResult: { resultType: 'success' } }, ts });
    expect(ev).toMatchObject({ name: 'edit.after', toolName: 'apply_patch', files: ['/r/hello.sh', '/r/src/a.js'], edit: { kind: 'patch', text: patch, cwd: '/r' } });
    expect(rebuildBefore('#!/bin/sh\n', ev!, '/r/hello.sh')).toBe('');
    expect(rebuildBefore('x\nb\nz\n', ev!, '/r/src/a.js')).toBe('x\na\nz\n');
    expect(rebuildBefore('x\nq\n', ev!, '/r/src/a.js')).toBeNull();
    expect(rebuildBefore('x\n', ev!, '/r/other.js')).toBeNull();
  });

  it("refuses what is not a Copilot payload: Claude Code's, Cursor's, garbage", () => {
    expect(() => parseCopilotPayload({ event: 'preToolUse', payload: { session_id: 'x', tool_name: 'Write' }, ts })).toThrow(PayloadError);
    expect(() => parseCopilotPayload({ event: 'stop', payload: { conversation_id: 'c', cursor_version: '1.7' }, ts })).toThrow(/Cursor/);
    expect(() => parseCopilotPayload({ event: 'x', payload: [1], ts })).toThrow(/not a JSON object/);
  });
});

describe('Copilot CLI 1.0.102 session events log (recorded)', () => {
  const state = emptyCopilotLogState();
  for (const line of readJsonl<Record<string, unknown>>(path.join(dir, 'events.jsonl'))) foldCopilotEvent(state, line);

  it("gives each model request's tokens, converted from Copilot's counting to Claude Code's", () => {
    expect(state.requests.map(({ id, ...r }) => ({ id, ...r }))).toEqual(
      meta.usage_records.map((r) => ({ id: r.id, ...claudeSemantics(r) })),
    );
    // Copilot's own input counts the cached tokens: 12600 with 11904 cached is 696 uncached
    expect(state.requests[1]).toMatchObject({ input: 696, cacheRead: 11904, output: 95 });
    // and its output counts reasoning: 180 with 24 of reasoning stays 180
    expect(state.requests[0]).toMatchObject({ input: 12000, output: 180 });
  });

  it('gives the version, the model, the messages; a line read twice is not counted twice', () => {
    expect(state).toMatchObject({ version: '1.0.102', selectedModel: 'gpt-4.1', userMessages: 1, assistantMessages: 4 });
    const record = readJsonl<Record<string, unknown>>(path.join(dir, 'events.jsonl')).find((l) => l.type === 'session.usage_record')!;
    foldCopilotEvent(state, record);
    expect(state.requests).toHaveLength(4);
    expect(fs.existsSync(path.join(dir, 'usage.json'))).toBe(true);
  });
});

describe("Copilot CLI's calls of a repository's Claude Code hooks (recorded)", () => {
  it('are told from Claude Code by their timestamp: every Copilot one has it, no Claude Code one does', async () => {
    const { isCopilotClaudeFormat } = await import('../../src/agents/copilot/claude-format.js');
    const copilot = readJsonl<{ payload: Record<string, unknown> }>(path.join(dir, 'claude-settings-hooks.jsonl'));
    expect(copilot.length).toBeGreaterThan(10);
    for (const c of copilot) expect(isCopilotClaudeFormat(c.payload)).toBe(true);
    const claudeDir = path.join(FIXTURES, 'claude-code');
    const claude = fs.readdirSync(claudeDir).flatMap((v) =>
      fs.readdirSync(path.join(claudeDir, v)).flatMap((s) => readJsonl<{ payload: Record<string, unknown> }>(path.join(claudeDir, v, s, 'hooks.jsonl'))),
    );
    expect(claude.length).toBeGreaterThan(100);
    for (const c of claude) expect(isCopilotClaudeFormat(c.payload)).toBe(false);
  });
});
