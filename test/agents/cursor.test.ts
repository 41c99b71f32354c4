/**
 * Cursor, with SYNTHETIC payloads: no Cursor client can be installed here, so these are built from the
 * documented hook payload shapes (cursor.com/docs/agent/hooks; ../shared/formats/agents.md section 4),
 * one per event ai-trace hooks. Nothing here was observed from a real Cursor.
 */
import { describe, expect, it } from 'vitest';
import { PayloadError } from '../../src/agents/adapter.js';
import { CURSOR_HOOK_EVENTS, cursorHookEntries, mergeCursorHooks, removeCursorHooks } from '../../src/agents/cursor/hooks.js';
import { parseCursorPayload } from '../../src/agents/cursor/payload.js';

const ts = '2026-12-06T17:00:00.000Z';
const common = {
  conversation_id: 'conv-1',
  generation_id: 'gen-1',
  model: 'claude-sonnet-4-5',
  cursor_version: '1.7.52',
  workspace_roots: ['/work/repo'],
  user_email: 'dev@example.com',
};

/** SYNTHETIC: one documented payload per hooked Cursor event. */
const SYNTHETIC: Record<(typeof CURSOR_HOOK_EVENTS)[number], Record<string, unknown>> = {
  sessionStart: { ...common, hook_event_name: 'sessionStart', session_id: 'sess-1', is_background_agent: false },
  beforeSubmitPrompt: { ...common, hook_event_name: 'beforeSubmitPrompt', prompt: 'add a greeting', attachments: [] },
  afterFileEdit: { ...common, hook_event_name: 'afterFileEdit', file_path: '/work/repo/hello.sh', edits: [{ old_string: 'hi', new_string: 'hello' }] },
  beforeShellExecution: { ...common, hook_event_name: 'beforeShellExecution', command: 'sh hello.sh >> README.md', cwd: '/work/repo' },
  afterShellExecution: { ...common, hook_event_name: 'afterShellExecution', command: 'sh hello.sh >> README.md', cwd: '/work/repo', output: 'hello\n', duration: 12 },
  stop: { ...common, hook_event_name: 'stop', status: 'completed', loop_count: 0 },
  sessionEnd: { ...common, hook_event_name: 'sessionEnd', session_id: 'sess-1', reason: 'completed', duration_ms: 4200 },
};

describe('Cursor hook payloads (SYNTHETIC, from the documented shapes)', () => {
  it('every hooked event becomes its ai-trace event, in the conversation as the session', () => {
    const got = CURSOR_HOOK_EVENTS.map((e) => parseCursorPayload({ event: e, payload: SYNTHETIC[e], ts })[0]!);
    expect(got.map((e) => e.name)).toEqual(['session.start', 'prompt', 'edit.after', 'shell.before', 'shell.after', 'stop', 'session.end']);
    for (const e of got) expect(e).toMatchObject({ agent: 'cursor', sessionId: 'conv-1', projectDir: '/work/repo', agentVersion: '1.7.52', model: 'claude-sonnet-4-5', ts });
    expect(got[2]).toMatchObject({ toolName: 'Write', files: ['/work/repo/hello.sh'], outcome: 'ok' });
    expect(got[3]).toMatchObject({ toolName: 'Shell', command: 'sh hello.sh >> README.md', cwd: '/work/repo' });
    expect(got[4]).toMatchObject({ toolName: 'Shell', outcome: 'ok' });
    expect(got[5]!.reason).toBe('completed');
  });

  it("refuses payloads that are not Cursor's", () => {
    expect(() => parseCursorPayload({ event: 'stop', payload: { session_id: 's', transcript_path: '/t' }, ts })).toThrow(PayloadError);
    expect(() => parseCursorPayload({ event: 'stop', payload: { cursor_version: '1.7' }, ts })).toThrow(/no conversation_id/);
    expect(() => parseCursorPayload({ event: 'stop', payload: null, ts })).toThrow(/not a JSON object/);
  });
});

describe('.cursor/hooks.json', () => {
  it('calls the one shim for each event; afterFileEdit snapshots file_path, sessionStart starts the daemon', () => {
    const text = mergeCursorHooks(null, '/opt/ai-trace');
    const file = JSON.parse(text) as { version: number; hooks: Record<string, { command: string; timeout: number }[]> };
    expect(file.version).toBe(1);
    expect(Object.keys(file.hooks)).toEqual([...CURSOR_HOOK_EVENTS]);
    expect(file.hooks.afterFileEdit![0]!.command).toContain("set -- cursor afterFileEdit edit 'file_path'; . \"$h\"");
    expect(file.hooks.sessionStart![0]!.command).toContain('set -- cursor sessionStart start;');
    expect(file.hooks.stop![0]!.command).toContain("h='/opt/ai-trace/shims/hook.sh'");
    expect(cursorHookEntries('/opt/ai-trace', 'stop')).toEqual(file.hooks.stop);
    expect(mergeCursorHooks(text, '/opt/ai-trace')).toBe(text);
    const user = '{"version":1,"hooks":{"afterFileEdit":[{"command":"./format.sh"}]}}';
    expect(removeCursorHooks(mergeCursorHooks(user, '/opt/ai-trace'))).toBe(`${JSON.stringify(JSON.parse(user), null, 2)}\n`);
  });
});
