/**
 * End to end with the real Claude Code CLI: `trace init` in a fresh repository, then the client (driven by
 * ../shared/harness/claude-replay against a scripted fake API) writes and edits files and commits through its
 * Bash tool; the trailer, `trace show` and `trace session show` must say exactly what the scenario did.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateSessionData } from '../../src/attest/verify.js';
import { agentWorlds, shimEvents, trailerSessions } from '../helpers/agent-world.js';
import { ensureClaudeClient, type ClaudeClient } from './claude-client.js';
import {
  HARNESS,
  listPriceUsd,
  loadScenario,
  netnsAvailable,
  runReplay,
  scenarioFiles,
  scenarioTools,
  scenarioUsage,
  transcriptUsage,
  type Scenario,
} from './replay.js';

import type { CodeChanges } from '../../src/attribution/code-changes.js';
import type { ShowResponse } from '../../src/protocol/types.js';

const TRAILER = 'Chainloop-Trace-Sessions';

type Show = ShowResponse;
interface SessionEvidence {
  agent: { name: string; version: string };
  session: { id: string; started_at: string; ended_at: string; duration_seconds: number };
  model: { primary: string; provider: string; models_used: string[] };
  usage: {
    input_tokens: number;
    output_tokens: number;
    total_tokens: number;
    cache_read_input_tokens: number;
    cache_creation_input_tokens: number;
    estimated_cost_usd: number;
  };
  tools_used: { summary: { tool_name: string; invocation_count: number }[]; total_invocations: number };
  conversation: { total_messages: number; user_messages: number; assistant_messages: number };
  subagents: unknown[];
  git_context: { commits: string[] };
  code_changes: CodeChanges;
}

interface Status {
  sessions: { id: string; agent: string; repo: string; started_at: string; ended_at: string | null; events: number; files_touched: string[] }[];
  spool: { waiting: number; dead: number };
}

let client: ClaudeClient;
let netns = false;

beforeAll(async () => {
  if (!fs.existsSync(HARNESS)) throw new Error(`no claude-replay harness at ${HARNESS}: lay the shared folder beside the repository as ../shared`);
  client = await ensureClaudeClient();
  netns = netnsAvailable();
}, 15 * 60_000);

/** One test's world (test/helpers/agent-world.ts): the hooks start the daemon, as on a machine without `trace daemon install`. */
const agentWorld = agentWorlds();
const makeWorld = () => agentWorld([], { daemon: false });

/** The installed client; no client (npm could not install it) fails the test: CI can install it. */
function requireClient(): { bin: string; version: string } {
  if ('skip' in client) throw new Error(client.skip);
  return client;
}

function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** The ai-trace events the client fired, in order, as the shim logged them ("PreToolUse Write", "Stop", …). */
const claudeEvents = (repo: string): string[] => shimEvents(repo, 'claude');

/** The hook log names the tool for edit tools only (the shim parses no other payload: it stays cheap). */
function expectedEvents(s: Scenario): string[] {
  const tools = s.turns.flatMap((t) => t.content.filter((b) => b.type === 'tool_use').map((b) => b.name!));
  const named = (event: string, tool: string) => (['Edit', 'Write', 'MultiEdit', 'NotebookEdit'].includes(tool) ? `${event} ${tool}` : event);
  return ['SessionStart', 'UserPromptSubmit', ...tools.flatMap((t) => [named('PreToolUse', t), named('PostToolUse', t)]), 'Stop', 'SessionEnd'];
}

/** Checks what every session's evidence must say about the scenarios it ran. */
function expectSessionEvidence(
  data: SessionEvidence,
  o: { sessionId: string; version: string; scenarios: Scenario[]; transcript: string; commit: string },
): void {
  expect(validateSessionData(data)).toEqual([]);
  expect(data.agent).toEqual({ name: 'claude-code', version: o.version });
  expect(data.session.id).toBe(o.sessionId);
  const started = Date.parse(data.session.started_at);
  const ended = Date.parse(data.session.ended_at);
  expect(Number.isFinite(started) && Number.isFinite(ended)).toBe(true);
  expect(ended).toBeGreaterThanOrEqual(started);

  const model = o.scenarios[0]!.model;
  expect(data.model).toEqual({ primary: model, provider: 'anthropic', models_used: [model] });

  // the fake API reports exactly the scripted usage, and the client's transcript carries it once per API message
  const want = scenarioUsage(...o.scenarios);
  expect(transcriptUsage(o.transcript)).toEqual(want);
  expect(data.usage).toMatchObject(want);
  expect(data.usage.total_tokens).toBe(want.input_tokens + want.output_tokens);
  expect(data.usage.estimated_cost_usd).toBeCloseTo(listPriceUsd(model, want), 4);

  const tools = scenarioTools(...o.scenarios);
  const summary = Object.fromEntries(data.tools_used.summary.map((t) => [t.tool_name, t.invocation_count]));
  expect(summary).toEqual(tools);
  expect(data.tools_used.total_invocations).toBe(Object.values(tools).reduce((a, b) => a + b, 0));

  const assistant = o.scenarios.reduce((n, s) => n + s.turns.length, 0);
  expect(data.conversation).toEqual({ user_messages: o.scenarios.length, assistant_messages: assistant, total_messages: o.scenarios.length + assistant });
  expect(data.subagents).toEqual([]);
  expect(data.git_context.commits).toContain(o.commit);
}

describe('the real Claude Code CLI in a traced repository', () => {
  it('traces an agent that writes, edits and commits through its Bash tool', { timeout: 180_000 }, async () => {
    const { bin, version } = requireClient();
    const w = await makeWorld();
    const scenario = loadScenario('agent-commits.json');

    const run = await runReplay({ claude: bin, repo: w.repo, scenario: 'agent-commits.json', home: w.home, out: path.join(w.root, 'out'), env: w.env, netns });
    expect(run.result).toMatchObject({ subtype: 'success', is_error: false, num_turns: scenario.turns.length, session_id: run.sessionId });

    // the tools really ran, and the agent's Bash made exactly one commit of exactly its files
    const files = scenarioFiles(scenario);
    for (const [rel, content] of files) expect(fs.readFileSync(path.join(w.repo, rel), 'utf8')).toBe(content);
    expect(await w.git('status', '--porcelain')).toBe('');
    const head = await w.git('rev-parse', 'HEAD');
    expect(await w.git('rev-parse', 'HEAD^')).toBe(w.initCommit);
    expect(await w.git('log', '-1', '--format=%s')).toBe('Add calculator module');
    const paths = [...files.keys()].sort();
    expect((await w.git('show', '--name-status', '--format=', 'HEAD')).split('\n')).toEqual(paths.map((p) => `A\t${p}`));

    // the commit-msg hook, run by git inside the agent's Bash, named the session
    expect(trailerSessions(await w.git('log', '-1', '--format=%B'))).toEqual([run.sessionId]);
    expect((await w.git('log', '-1', `--format=%(trailers:key=${TRAILER},valueonly)`)).trim()).toBe(run.sessionId);

    // every hook the client fired reached the shim, in order, and nothing failed
    expect(claudeEvents(w.repo)).toEqual(expectedEvents(scenario));
    const log = fs.readFileSync(path.join(w.repo, '.git', 'chainloop-trace', 'log.txt'), 'utf8');
    expect(log).toContain(`git commit-msg trailer ${run.sessionId}`);
    expect(log).not.toMatch(/error|failed|skipped/);

    const show = JSON.parse(await w.trace('show', 'HEAD', '--json')) as Show;
    expect(show.commit).toBe(head);
    expect(show.sessions).toEqual([run.sessionId]);
    const expected = paths.map((p) => {
      const n = lineCount(files.get(p)!);
      return {
        path: p,
        status: 'created',
        lines_added: n,
        lines_removed: 0,
        attribution: 'ai',
        line_ranges: [{ start: 1, end: n }],
        human_line_ranges: [],
        ai_lines_added: n,
        ai_lines_removed: 0,
        human_lines_added: 0,
        human_lines_removed: 0,
        session_ids: [run.sessionId],
      };
    });
    const byPath = [...show.code_changes.files].sort((a, b) => a.path.localeCompare(b.path));
    expect(byPath).toEqual(expected.map((e) => expect.objectContaining(e)));
    const total = expected.reduce((n, e) => n + e.lines_added, 0);
    expect(show.code_changes).toMatchObject({
      files_modified: 0,
      files_created: paths.length,
      files_deleted: 0,
      lines_added: total,
      lines_removed: 0,
      ai_lines_added: total,
      ai_lines_removed: 0,
      human_lines_added: 0,
      human_lines_removed: 0,
    });

    const data = JSON.parse(await w.trace('session', 'show', run.sessionId, '--json')) as SessionEvidence;
    expectSessionEvidence(data, {
      sessionId: run.sessionId,
      version,
      scenarios: [scenario],
      transcript: run.transcript,
      commit: head,
    });
    // the client prices the same tokens itself (-p's total_cost_usd), so the list prices above are the client's too
    expect(run.result.total_cost_usd).toBeCloseTo(listPriceUsd(scenario.model, scenarioUsage(scenario)), 6);
    expect(data.usage.estimated_cost_usd).toBeCloseTo(run.result.total_cost_usd, 4);
    expect(data.git_context.commits).toEqual([head]);
    expect(data.code_changes).toEqual(show.code_changes);

    // trace status: the one session, every hook event counted, nothing left in or rejected by the spool
    const status = JSON.parse(await w.trace('status', '--json')) as Status;
    expect(status.sessions).toEqual([
      expect.objectContaining({
        id: run.sessionId,
        agent: 'claude-code',
        repo: w.repo,
        started_at: data.session.started_at,
        ended_at: data.session.ended_at,
        events: expectedEvents(scenario).length,
      }),
    ]);
    expect([...status.sessions[0]!.files_touched].sort()).toEqual(paths);
    expect(status.spool).toEqual({ waiting: 0, dead: 0 });
  });

  it('keeps a human edit between resumed agent turns, and a human commit, human', { timeout: 180_000 }, async () => {
    const { bin, version } = requireClient();
    const w = await makeWorld();
    const first = loadScenario('resume-write.json');
    const second = loadScenario('resume-edit.json');
    const file = path.join(w.repo, 'src', 'greet.js');
    const HUMAN_HEAD = '// greeting helpers, by hand\n';
    const HUMAN_TAIL = 'export default greet;\n';

    const run1 = await runReplay({ claude: bin, repo: w.repo, scenario: 'resume-write.json', home: w.home, out: path.join(w.root, 'out1'), env: w.env, netns });
    expect(run1.result).toMatchObject({ subtype: 'success', is_error: false });
    // a human edits the agent's file between its two prompts
    fs.writeFileSync(file, HUMAN_HEAD + fs.readFileSync(file, 'utf8'));
    const run2 = await runReplay({
      claude: bin,
      repo: w.repo,
      scenario: 'resume-edit.json',
      home: w.home,
      out: path.join(w.root, 'out2'),
      env: w.env,
      netns,
      resume: run1.sessionId,
    });
    expect(run2.result).toMatchObject({ subtype: 'success', is_error: false, session_id: run1.sessionId });
    expect(run2.sessionId).toBe(run1.sessionId);
    expect(run2.transcript).toBe(run1.transcript);
    const sessionId = run1.sessionId;

    // the agent's text after both prompts, with the human's line above it; then more human work, and a human commit
    const ai = scenarioFiles(first, second).get('src/greet.js')!;
    expect(fs.readFileSync(file, 'utf8')).toBe(HUMAN_HEAD + ai);
    fs.appendFileSync(file, HUMAN_TAIL);
    fs.writeFileSync(path.join(w.repo, 'NOTES.md'), 'Written by hand.\n');
    await w.git('add', '-A');
    await w.git('commit', '-q', '-m', 'Greet with a default');
    const head = await w.git('rev-parse', 'HEAD');
    expect(trailerSessions(await w.git('log', '-1', '--format=%B'))).toEqual([sessionId]);
    expect(claudeEvents(w.repo)).toEqual([...expectedEvents(first), ...expectedEvents(second)]);

    const show = JSON.parse(await w.trace('show', 'HEAD', '--json')) as Show;
    expect(show.commit).toBe(head);
    expect(show.sessions).toEqual([sessionId]);
    const n = lineCount(ai);
    const byPath = [...show.code_changes.files].sort((a, b) => a.path.localeCompare(b.path));
    expect(byPath).toEqual([
      expect.objectContaining({
        path: 'NOTES.md',
        status: 'created',
        attribution: 'human',
        lines_added: 1,
        line_ranges: [],
        human_line_ranges: [{ start: 1, end: 1 }],
        ai_lines_added: 0,
        human_lines_added: 1,
        session_ids: [],
      }),
      expect.objectContaining({
        path: 'src/greet.js',
        status: 'created',
        attribution: 'ai',
        lines_added: n + 2,
        lines_removed: 0,
        // line 1 is the human's head, then the agent's lines (Write, then the Edit after resume), then the human's tail
        line_ranges: [{ start: 2, end: n + 1 }],
        human_line_ranges: [
          { start: 1, end: 1 },
          { start: n + 2, end: n + 2 },
        ],
        ai_lines_added: n,
        human_lines_added: 2,
        session_ids: [sessionId],
      }),
    ]);
    expect(show.code_changes).toMatchObject({ files_created: 2, lines_added: n + 3, ai_lines_added: n, human_lines_added: 3 });

    // cost is checked at list price only: after --resume, 2.1.330's total_cost_usd counts the first run twice
    const data = JSON.parse(await w.trace('session', 'show', sessionId, '--json')) as SessionEvidence;
    expectSessionEvidence(data, {
      sessionId,
      version,
      scenarios: [first, second],
      transcript: run2.transcript,
      commit: head,
    });
  });
});
