/**
 * End to end with the real Codex CLI (installed from npm by ../shared/harness/agent-replay on first use,
 * run against its scripted fake API; run.sh trusts the project and each hook the way Codex's /hooks review
 * does): `trace init --codex`, then the client adds a file, edits it and adds a second in one apply_patch,
 * runs a shell command that changes another file, and commits through its shell. Codex's hooks carry only
 * the patch, so the before-content is rebuilt by undoing it. The trailer must name the session, the AI
 * lines must be exactly the client's, and the session's tokens must equal the client's own usage records
 * (its rollout). No client, or no hook fired: the test fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateSessionData } from '../../src/attest/verify.js';
import type { ShowResponse, StatusResponse } from '../../src/protocol/types.js';
import { netnsAvailable } from './replay.js';
import { claudeSemantics, loadAgentScenario, runAgentReplay } from './agent-replay-run.js';
import { agentWorlds, shimEvents, trailerSessions } from '../helpers/agent-world.js';

const SCENARIO = 'codex/write-edit-shell-commit.json';

const makeAgentWorld = agentWorlds();

describe('the real Codex CLI in a traced repository', () => {
  it('traces apply_patch edits (several files in one patch), shell changes and a commit through its shell', { timeout: 20 * 60_000 }, async () => {
    const w = await makeAgentWorld(['--codex']);
    // trace init says that Codex runs these hooks only once trusted, and how
    expect(w.initOutput).toMatch(/trust/i);
    expect(w.initOutput).toMatch(/\/hooks/);
    const scenario = loadAgentScenario<{ model: string; turns: unknown[] }>(SCENARIO);

    const run = await runAgentReplay({ client: 'codex', repo: w.repo, scenario: SCENARIO, home: w.home, out: path.join(w.root, 'out'), env: w.env, netns: netnsAvailable() });

    expect(fs.readFileSync(path.join(w.repo, 'hello.sh'), 'utf8')).toBe('#!/bin/sh\necho "hello, edited by replay"\n');
    expect(fs.readFileSync(path.join(w.repo, 'docs', 'NOTES.md'), 'utf8')).toBe('# Notes\n\nhello.sh prints a greeting.\n');
    expect(fs.readFileSync(path.join(w.repo, 'README.md'), 'utf8')).toBe('# e2e\nhello, edited by replay\n');
    expect(await w.git('status', '--porcelain')).toBe('');
    expect(await w.git('rev-parse', 'HEAD^')).toBe(w.initCommit);
    expect(await w.git('log', '-1', '--format=%s')).toBe('Add hello.sh');
    expect((await w.git('show', '--name-status', '--format=', 'HEAD')).split('\n')).toEqual(['M\tREADME.md', 'A\tdocs/NOTES.md', 'A\thello.sh']);

    // git ran ai-trace's commit hooks inside the agent's shell: the trailer names the session
    expect(trailerSessions(await w.git('log', '-1', '--format=%B'))).toEqual([run.sessionId]);
    const events = shimEvents(w.repo, 'codex');
    expect(events.filter((e) => e.startsWith('PostToolUse'))).toHaveLength(4);
    const log = fs.readFileSync(path.join(w.repo, '.git', 'chainloop-trace', 'log.txt'), 'utf8');
    expect(log).not.toMatch(/error|failed|skipped/);

    // the AI lines are exactly the client's: both patched files whole, README.md's appended line
    const show = JSON.parse(await w.trace('show', 'HEAD', '--json')) as ShowResponse;
    expect(show.sessions).toEqual([run.sessionId]);
    const files = [...show.code_changes.files].sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(files).toEqual([
      expect.objectContaining({ path: 'README.md', status: 'modified', lines_added: 1, lines_removed: 0, line_ranges: [{ start: 2, end: 2 }], ai_lines_added: 1, human_lines_added: 0, session_ids: [run.sessionId] }),
      expect.objectContaining({ path: 'docs/NOTES.md', status: 'created', lines_added: 3, line_ranges: [{ start: 1, end: 3 }], ai_lines_added: 3, human_lines_added: 0, session_ids: [run.sessionId] }),
      expect.objectContaining({ path: 'hello.sh', status: 'created', lines_added: 2, line_ranges: [{ start: 1, end: 2 }], ai_lines_added: 2, human_lines_added: 0, session_ids: [run.sessionId] }),
    ]);
    expect(show.code_changes).toMatchObject({ lines_added: 6, ai_lines_added: 6, human_lines_added: 0 });

    // the session's tokens are the client's own usage records (its rollout), in Claude Code's semantics
    const data = JSON.parse(await w.trace('session', 'show', run.sessionId, '--json')) as {
      agent: { name: string; version?: string };
      model: { primary: string; models_used: string[] };
      usage: Record<string, number | null>;
      git_context: { commits: string[] };
      tools_used: { summary: { tool_name: string; invocation_count: number }[] };
    };
    expect(validateSessionData(data)).toEqual([]);
    expect(data.agent).toEqual({ name: 'codex', version: run.clientVersion });
    expect(run.usage).toHaveLength(scenario.turns.length);
    const want = claudeSemantics(run.usage);
    expect(want.cache_read_input_tokens).toBeGreaterThan(0);
    expect(data.usage).toMatchObject(want);
    expect(data.usage.total_tokens).toBe(want.input_tokens + want.output_tokens);
    expect(data.model.primary).toBe(scenario.model);
    expect(data.git_context.commits).toEqual([await w.git('rev-parse', 'HEAD')]);
    expect(Object.fromEntries(data.tools_used.summary.map((t) => [t.tool_name, t.invocation_count]))).toEqual({ apply_patch: 2, Bash: 2 });

    const status = JSON.parse(await w.trace('status', '--json')) as StatusResponse;
    expect(status.sessions).toEqual([expect.objectContaining({ id: run.sessionId, agent: 'codex', agent_version: run.clientVersion, repo: w.repo })]);
    expect(status.spool).toEqual({ waiting: 0, dead: 0 });
  });
});
