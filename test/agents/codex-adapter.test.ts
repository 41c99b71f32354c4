/**
 * Codex adapter: every hook payload the real client sent (../shared/fixtures/codex/0.171.0) replayed through
 * `parse`; the before-content rebuilt from the patches; hooks.json merge and removal; the rollout's usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codex } from '../../src/agents/codex/adapter.js';
import { mergeCodexHooks, removeCodexHooks } from '../../src/agents/codex/hooks-config.js';
import { sharedDir } from '../helpers/shared.js';

const DIR = path.join(sharedDir(), 'fixtures', 'codex', '0.171.0', 'write-edit-bash');
const REPO = '/tmp/agent-replay-fixture/codex/write-edit-bash/repo';
const recorded = fs.readFileSync(path.join(DIR, 'hooks.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; payload: Record<string, unknown> });
const parse = (event: string, payload: unknown) => codex.parse({ event, payload, ts: '2026-12-06T15:46:45.000Z' });

describe('Codex payloads (recorded from the real client)', () => {
  const hooked = recorded.filter((r) => ['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'Stop', 'SessionEnd'].includes(r.event));
  const events = hooked.flatMap((r) => parse(r.event, r.payload));

  it('turns every hooked event into one ai-trace event', () => {
    expect(events.map((e) => `${e.name} ${e.toolName ?? ''}`.trim())).toEqual([
      'session.start', 'prompt',
      'edit.after apply_patch',
      'edit.after apply_patch',
      'shell.before Bash', 'shell.after Bash',
      'stop', 'session.end',
    ]);
    for (const e of events) expect(e).toMatchObject({ agent: 'codex', sessionId: '01a24c09-4499-7d02-b067-8730e8e0ca8b' });
    expect(events[0]).toMatchObject({ model: 'gpt-5.5', reason: 'startup', transcriptPath: expect.stringMatching(/rollout-.*\.jsonl$/) });
    expect(events[2]).toMatchObject({ files: [`${REPO}/hello.sh`], outcome: 'ok', toolUseId: 'call_8ef996bfab360753adc2ccf0' });
    expect(events[5]!.command).toBe('sh hello.sh >> README.md && tail -n 1 README.md');
  });

  it('rebuilds the content before each patch from the content after it', () => {
    const file = `${REPO}/hello.sh`;
    const added = '#!/bin/sh\necho "hello from replay"\n';
    const edited = '#!/bin/sh\necho "hello, edited by replay"\n';
    expect(codex.beforeContent!(added, events[2]!, file)).toBe('');
    expect(codex.beforeContent!(edited, events[3]!, file)).toBe(added);
    // the file changed since: the patch cannot be undone, so it is not guessed
    expect(codex.beforeContent!('#!/bin/sh\necho "something else"\n', events[3]!, file)).toBeNull();
    expect(codex.beforeContent!(edited, events[3]!, `${REPO}/other.sh`)).toBeNull();
  });

  it('names every file of a patch that touches several, renames included', () => {
    const patch = '*** Begin Patch\n*** Update File: a.txt\n*** Move to: b.txt\n@@\n-x\n+y\n*** Add File: c/d.txt\n+new\n*** Delete File: e.txt\n*** End Patch\n';
    const [ev] = parse('PostToolUse', { session_id: 's', cwd: '/r', hook_event_name: 'PostToolUse', tool_name: 'apply_patch', tool_input: { command: patch }, tool_response: 'Exit code: 1\nfailed' });
    expect(ev!.files).toEqual(['/r/b.txt', '/r/a.txt', '/r/c/d.txt', '/r/e.txt']);
    expect(ev!.outcome).toBe('failed');
    expect(codex.beforeContent!('y\n', ev!, '/r/b.txt')).toBe('x\n');
    expect(codex.beforeContent!('new\n', ev!, '/r/c/d.txt')).toBe('');
  });
});

describe('.codex/hooks.json', () => {
  it('merges our hooks next to the user\'s, idempotently, and removes exactly ours', () => {
    const user = '{\n  "hooks": {\n    "Stop": [{ "matcher": "", "hooks": [{ "type": "command", "command": "notify-send done" }] }]\n  }\n}\n';
    const merged = mergeCodexHooks(user, '/opt/ai-trace');
    const j = JSON.parse(merged);
    expect(Object.keys(j.hooks)).toEqual(['Stop', 'SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'SessionEnd']);
    expect(j.hooks.Stop).toHaveLength(2);
    expect(j.hooks.SessionEnd[0].hooks[0].timeout).toBe(3);
    expect(j.hooks.PostToolUse[0].hooks[0].command).toContain('set -- codex PostToolUse mark;');
    expect(mergeCodexHooks(merged, '/opt/ai-trace')).toBe(merged);
    expect(removeCodexHooks(merged)).toBe(`${JSON.stringify(JSON.parse(user), null, 2)}\n`);
  });

  it('tells the user that Codex runs the hooks only once trusted, and how', () => {
    const notes = codex.installNotes!.join('\n');
    expect(notes).toMatch(/only once trusted/);
    expect(notes).toMatch(/\/hooks/);
    expect(notes).toMatch(/trust_level = "trusted"/);
  });
});

describe('Codex usage', () => {
  it('sums the rollout in Claude Code semantics, with the CLI version', () => {
    const s = codex.usage!.summarize(codex.usage!.read(path.join(DIR, 'rollout.jsonl'), null));
    expect(s.usage).toMatchObject({ input_tokens: 51200 - 37504, cache_read_input_tokens: 37504, cache_creation_input_tokens: 0, output_tokens: 377 });
    expect(s).toMatchObject({ version: '0.171.0', primaryModel: 'gpt-5.5', userMessages: 1, assistantMessages: 4 });
  });
});
