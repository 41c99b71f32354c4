/**
 * Fixture replay (used by test/e2e/fixtures-*.test.ts, one file per Claude Code version so they run in
 * parallel). Replays the hook payloads recorded from the real Claude Code CLI (../shared/fixtures/claude-code)
 * through the hooks `trace init` installed, exactly as Claude Code runs them, with every path rewritten
 * to a temporary repository and HOME, then checks the session evidence, the trailer and `trace show`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateSessionData } from '../../src/attest/verify.js';
import { fireHook } from '../../src/demo/claude-driver.js';
import type { SessionData } from '../../src/evidence/session-data.js';
import { CODE_CHANGES_KEYS, FILE_KEYS, r, RepoPool, SHOW_KEYS, type TestRepo } from './repo.js';
import { sharedDir } from './shared.js';

const FIXTURES = path.join(sharedDir(), 'fixtures', 'claude-code');

interface Meta {
  claude_code_version: string;
  session_id: string;
  repo: string;
  home: string;
  transcript_path: string;
}
interface Recorded {
  event: string;
  payload: Record<string, unknown>;
}
interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheCreationInputTokens: number;
}

/** What each scenario must come out as; numbers decided from the fixture's hooks.jsonl and transcript. */
interface Expected {
  tools: Record<string, number>;
  user: number;
  assistant: number;
  /** The agent-written file after the session, its committed status and AI ranges. */
  file: { path: string; status: 'created' | 'modified'; lines_added: number; line_ranges: { start: number; end: number }[] };
  subagents: boolean;
}

const EXPECTED: Record<string, Expected> = {
  // Write, Edit, Bash; 1 prompt and 4 assistant responses; the Edit replaced the Write's only line
  'write-edit-bash': {
    tools: { Write: 1, Edit: 1, Bash: 1 },
    user: 1,
    assistant: 4,
    file: { path: 'notes/hello.sh', status: 'created', lines_added: 1, line_ranges: [r(1)] },
    subagents: false,
  },
  // TaskCreate, Read, Edit, a failing Bash, Agent (whose subagent runs one more Bash), TaskUpdate; the
  // 2.1.330 task notification is a UserPromptSubmit but not a user message of the transcript
  'read-fail-task-agent': {
    tools: { Bash: 2, Agent: 1, Edit: 1, Read: 1, TaskCreate: 1, TaskUpdate: 1 },
    user: 1,
    assistant: 7,
    file: { path: 'README.md', status: 'modified', lines_added: 2, line_ranges: [r(2, 3)] },
    subagents: true,
  },
  // one Write, then the API error: the synthetic error message is not an assistant response
  'api-error': {
    tools: { Write: 1 },
    user: 1,
    assistant: 1,
    file: { path: 'notes/partial.txt', status: 'created', lines_added: 1, line_ranges: [r(1)] },
    subagents: false,
  },
};

/** Every fixture Claude Code version. */
export const FIXTURE_VERSIONS = fs.readdirSync(FIXTURES).sort();

/** Lays the fixture's transcript (and subagent transcripts) out in the temp HOME where the payloads say. */
function installTranscript(dir: string, meta: Meta, t: TestRepo): string {
  const transcript = meta.transcript_path.replace(meta.home, t.home);
  fs.mkdirSync(path.dirname(transcript), { recursive: true });
  fs.copyFileSync(path.join(dir, 'transcript.jsonl'), transcript);
  const subDir = path.join(dir, 'subagents');
  if (fs.existsSync(subDir)) {
    const dest = path.join(path.dirname(transcript), meta.session_id, 'subagents');
    fs.mkdirSync(dest, { recursive: true });
    for (const name of fs.readdirSync(subDir)) fs.copyFileSync(path.join(subDir, name), path.join(dest, name));
  }
  return transcript;
}

function rewrite(payload: Record<string, unknown>, meta: Meta, t: TestRepo): Record<string, unknown> {
  const text = JSON.stringify(payload).split(meta.repo).join(t.repo).split(meta.home).join(t.home);
  expect(text).not.toContain('/tmp/claude-replay-fixture');
  return JSON.parse(text) as Record<string, unknown>;
}

/** Does to the work tree what the tool call did, between its PreToolUse and PostToolUse. */
function perform(payload: Record<string, unknown>): void {
  const input = payload.tool_input as Record<string, unknown>;
  const file = String(input.file_path);
  if (payload.tool_name === 'Write') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, String(input.content));
  } else if (payload.tool_name === 'Edit') {
    const before = fs.readFileSync(file, 'utf8');
    const oldS = String(input.old_string);
    const newS = String(input.new_string);
    if (!before.includes(oldS)) throw new Error(`fixture Edit: ${oldS} not in ${file}`);
    fs.writeFileSync(file, input.replace_all ? before.split(oldS).join(newS) : before.replace(oldS, () => newS));
  }
}

/** Registers one test per scenario recorded with Claude Code `version`. */
export function replaySuite(version: string): void {
  const cases = fs.readdirSync(path.join(FIXTURES, version)).sort().map((scenario) => ({ version, scenario, dir: path.join(FIXTURES, version, scenario) }));
  const pool = new RepoPool();
  afterEach(() => pool.cleanupAll());

  describe.each(cases)('Claude Code $version, $scenario, replayed through the installed hooks', ({ version, scenario, dir }) => {
    it('records the session, names it in the trailer and attributes the agent-written file', () => {
      const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Meta;
      const recorded = fs.readFileSync(path.join(dir, 'hooks.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Recorded);
      const result = JSON.parse(fs.readFileSync(path.join(dir, 'result.json'), 'utf8')) as { total_cost_usd: number; modelUsage: Record<string, ModelUsage> };
      const exp = EXPECTED[scenario]!;
      const payloads = recorded.map((e) => e.payload);

      // the README the read-fail scenario edits existed and was committed before the session
      const edit = payloads.find((p) => p.hook_event_name === 'PostToolUse' && p.tool_name === 'Edit' && !String((p.tool_input as { file_path: string }).file_path).includes('notes/'));
      const files: Record<string, string> = {};
      if (edit) {
        const resp = edit.tool_response as { originalFile: string };
        files[path.relative(meta.repo, String((edit.tool_input as { file_path: string }).file_path))] = resp.originalFile;
      }
      const t = pool.create({ files });
      installTranscript(dir, meta, t);

      let fired = 0;
      for (const raw of payloads) {
        const p = rewrite(raw, meta, t);
        const runs = fireHook(t.repo, p, t.env);
        for (const run of runs) {
          expect(run, `${String(p.hook_event_name)} hook`).toMatchObject({ status: 0, stdout: '', stderr: '' });
        }
        fired += runs.length;
        const isMainEdit = !p.agent_id && (p.tool_name === 'Write' || p.tool_name === 'Edit');
        if (p.hook_event_name === 'PreToolUse' && isMainEdit) perform(p);
      }
      // only the nine events init hooks into ran a command; the others have no hook installed
      const hooked = new Set(['SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'Stop', 'StopFailure', 'SubagentStop', 'SessionEnd']);
      expect(fired).toBe(payloads.filter((p) => hooked.has(String(p.hook_event_name))).length);
      expect(t.hookLog().filter((l) => / claude /.test(l))).toHaveLength(fired);

      // the session as Chainloop evidence
      const d = t.json<SessionData>('session', 'show', meta.session_id);
      expect(validateSessionData(d)).toEqual([]);
      expect(d.schema_version).toBe('v1');
      expect(d.agent).toEqual({ name: 'claude-code', version: version });
      expect(d.session.id).toBe(meta.session_id);
      expect(Date.parse(d.session.started_at)).not.toBeNaN();
      expect(d.session.ended_at && Date.parse(d.session.ended_at)).not.toBeNaN();
      expect(d.session.duration_seconds).toBeGreaterThanOrEqual(0);

      const models = Object.keys(result.modelUsage);
      expect(d.model).toEqual({ primary: models[0], provider: 'anthropic', models_used: models });
      const sum = (k: keyof ModelUsage) => Object.values(result.modelUsage).reduce((n, m) => n + m[k], 0);
      expect(d.usage).toMatchObject({
        input_tokens: sum('inputTokens'),
        output_tokens: sum('outputTokens'),
        cache_read_input_tokens: sum('cacheReadInputTokens'),
        cache_creation_input_tokens: sum('cacheCreationInputTokens'),
        total_tokens: sum('inputTokens') + sum('outputTokens'),
      });
      expect(Math.abs(d.usage!.estimated_cost_usd - result.total_cost_usd)).toBeLessThan(1e-5);

      const tools = Object.fromEntries(d.tools_used!.summary.map((s) => [s.tool_name, s.invocation_count]));
      expect(tools).toEqual(exp.tools);
      expect(d.tools_used!.total_invocations).toBe(Object.values(exp.tools).reduce((a, b) => a + b, 0));
      expect(d.conversation).toEqual({ total_messages: exp.user + exp.assistant, user_messages: exp.user, assistant_messages: exp.assistant });

      if (exp.subagents) {
        const stop = payloads.find((p) => p.hook_event_name === 'SubagentStop')!;
        expect(d.subagents).toEqual([{ id: stop.agent_id, type: 'general-purpose', description: 'Count repo files', tokens: { input: 9, output: 75 } }]);
      } else expect(d.subagents).toEqual([]);

      // the agent's file, as the fixture's repo-changes.txt shows it
      const changes = fs.readFileSync(path.join(dir, 'repo-changes.txt'), 'utf8');
      expect(changes).toContain(exp.file.path);
      expect(t.git('status', '--porcelain')).toContain(exp.file.path.split('/')[0]);

      // commit: the trailer names the session, trace show has the agent's exact lines
      const sha = t.commitAll('Agent work');
      expect(t.trailers()).toEqual([`Chainloop-Trace-Sessions: ${meta.session_id}`]);
      const show = t.show();
      expect(Object.keys(show).sort()).toEqual(SHOW_KEYS);
      expect(Object.keys(show.code_changes).sort()).toEqual(CODE_CHANGES_KEYS);
      expect(show.commit).toBe(sha);
      expect(show.sessions).toEqual([meta.session_id]);
      expect(show.code_changes.files).toHaveLength(1);
      const f = show.code_changes.files[0]!;
      expect(Object.keys(f).sort()).toEqual(FILE_KEYS);
      expect(f).toEqual({
        path: exp.file.path,
        status: exp.file.status,
        lines_added: exp.file.lines_added,
        lines_removed: 0,
        attribution: 'ai',
        line_ranges: exp.file.line_ranges,
        human_line_ranges: [],
        ai_lines_added: exp.file.lines_added,
        ai_lines_removed: 0,
        human_lines_added: 0,
        human_lines_removed: 0,
        session_ids: [meta.session_id],
      });
      expect(show.code_changes).toMatchObject({
        files_modified: exp.file.status === 'modified' ? 1 : 0,
        files_created: exp.file.status === 'created' ? 1 : 0,
        files_deleted: 0,
        lines_added: exp.file.lines_added,
        lines_removed: 0,
        ai_lines_added: exp.file.lines_added,
        ai_lines_removed: 0,
        human_lines_added: 0,
        human_lines_removed: 0,
      });

      // the session now covers that commit
      const after = t.json<SessionData>('session', 'show', meta.session_id);
      expect(validateSessionData(after)).toEqual([]);
      expect(after.git_context).toMatchObject({ commits: [sha], commit_count: 1, commit_start: sha, commit_end: sha, branch: 'main' });
      expect(after.code_changes).toEqual(show.code_changes);
    });
  });
}
