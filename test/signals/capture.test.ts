/**
 * Issue 7/8, "Must show" (signals): a secret finding made at capture time from a real Claude Code
 * session (fixture read-fail-task-agent, 2.1.330) with a fake key planted in what the Read tool
 * returned, replayed through the installed hooks and the real daemon, committed and pushed: the
 * attestation carries the finding in its AI_TRACE_SESSION_SIGNALS material (rule, count, where), and
 * the key itself is nowhere in the attestation, the database or the logs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SessionSignals } from '../../src/attest/session-signals.js';
import { validateSignalsData } from '../../src/attest/verify.js';
import { fireHook } from '../../src/demo/claude-driver.js';
import { RepoPool } from '../helpers/repo.js';
import { sharedDir } from '../helpers/shared.js';
import { addBareRemote, allDelivered, remoteBundles, statementOf, waitForPushes } from '../push/helpers.js';

const pool = new RepoPool();
afterAll(() => pool.cleanupAll());

/** A fake GitHub token built at run time (the shape secretlint's github rule matches). */
const FAKE_KEY = ['ghp', 'x7Kq9ZpL2mN4vB8cD1fG3hJ5kR6tY0wE2sAa'].join('_');

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('capture-time signals through the daemon', () => {
  it('finds a planted key in a Read tool output, attests rule and location, and stores the key nowhere', async () => {
    const dir = path.join(sharedDir(), 'fixtures/claude-code/2.1.330/read-fail-task-agent');
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as { repo: string; home: string; session_id: string; transcript_path: string };
    const payloads = fs.readFileSync(path.join(dir, 'hooks.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { payload: Record<string, unknown> }).payload);
    const edit = payloads.find((p) => p.hook_event_name === 'PostToolUse' && p.tool_name === 'Edit')!;
    const t = pool.create({ files: { 'README.md': (edit.tool_response as { originalFile: string }).originalFile } });
    const bare = addBareRemote(t);
    const transcript = meta.transcript_path.replace(meta.home, t.home);
    fs.mkdirSync(path.dirname(transcript), { recursive: true });
    fs.copyFileSync(path.join(dir, 'transcript.jsonl'), transcript);

    for (const raw of payloads) {
      let p = JSON.parse(JSON.stringify(raw).split(meta.repo).join(t.repo).split(meta.home).join(t.home)) as Record<string, unknown>;
      if (p.hook_event_name === 'PostToolUse' && p.tool_name === 'Read') {
        const resp = p.tool_response as { file: { content: string } };
        p = { ...p, tool_response: { ...resp, file: { ...resp.file, content: `${resp.file.content}GITHUB_TOKEN=${FAKE_KEY}\n` } } };
      }
      for (const run of fireHook(t.repo, p, t.env)) expect(run).toMatchObject({ status: 0, stdout: '', stderr: '' });
      if (p.hook_event_name === 'PreToolUse' && p.tool_name === 'Edit' && !p.agent_id) {
        const input = p.tool_input as { file_path: string; old_string: string; new_string: string };
        fs.writeFileSync(input.file_path, fs.readFileSync(input.file_path, 'utf8').replace(input.old_string, () => input.new_string));
      }
    }
    t.commitAll('Agent work');
    t.git('push', '-q', 'origin', 'main');
    await waitForPushes(t, allDelivered(1), 60_000);

    const bundles = [...remoteBundles(t, bare).values()];
    expect(bundles).toHaveLength(1);
    const { text, statement } = statementOf(bundles[0]!);
    const signals = statement.predicate.materials.filter((m) => m['chainloop.material.evidence.id'] === 'AI_TRACE_SESSION_SIGNALS').map((m) => m.data as unknown as SessionSignals);
    expect(signals).toHaveLength(1);
    const s = signals[0]!;
    expect(validateSignalsData(s)).toEqual([]);
    expect(s.session_id).toBe(meta.session_id);
    // tool calls in order: TaskCreate 0, Read 1, Edit 2, Bash 3 (fails), Agent 4, the subagent's Bash 5, TaskUpdate 6
    expect(s.secrets).toEqual([{ rule: '@secretlint/secretlint-rule-github', message_id: 'GITHUB_TOKEN', where: 'tool_output', tool_call: 1, tool: 'Read', file: 'README.md', count: 1 }]);
    expect(s.tool_calls).toEqual({ total: 7, failed: 1 });
    expect(s.failed_tool_calls).toEqual([{ tool: 'Bash', tool_call: 3, interrupted: false }]);
    expect(s.last_edit_tool_call).toBe(2);
    expect(s.churn).toMatchObject({ ai_lines_written: 2, ai_lines_removed_before_commit: 0 });

    // the key: not in the attestation, the database (and its WAL), the spool, the logs
    expect(text).not.toContain(FAKE_KEY);
    expect(bundles[0]).not.toContain(FAKE_KEY);
    t.stopDaemon();
    const stateFiles = filesUnder(t.traceHome).filter((f) => !f.includes(`${path.sep}dead${path.sep}`));
    expect(stateFiles.some((f) => f.endsWith('trace.db'))).toBe(true);
    expect(stateFiles.some((f) => f.includes(`${path.sep}log${path.sep}`))).toBe(true);
    for (const f of [...stateFiles, ...filesUnder(path.join(t.repo, '.git', 'chainloop-trace'))]) {
      expect(fs.readFileSync(f).includes(FAKE_KEY), f).toBe(false);
    }
  });
});
