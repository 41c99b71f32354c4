/**
 * End to end with the real Gemini CLI (installed from npm by ../shared/harness/agent-replay on first use,
 * run against its scripted fake API): `trace init --gemini`, then the client writes a file, edits it, runs a
 * shell command that changes another file, and commits through its shell tool — where Gemini empties
 * core.hooksPath, so the commit gets ai-trace's hooks back only through the BeforeTool hook's rewritten
 * command. The trailer must name the session, the AI lines must be exactly the client's, and the session's
 * tokens must equal the client's own usage records. No client, or no hook fired: the test fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateSessionData } from '../../src/attest/verify.js';
import type { ShowResponse, StatusResponse } from '../../src/protocol/types.js';
import { netnsAvailable } from './replay.js';
import { claudeSemantics, loadAgentScenario, runAgentReplay } from './agent-replay-run.js';
import { agentWorlds, shimEvents, trailerSessions } from '../helpers/agent-world.js';

const SCENARIO = 'gemini/write-edit-shell-commit.json';
const HELLO = '#!/bin/sh\necho "hello, edited by replay"\n';

const makeAgentWorld = agentWorlds();

describe('the real Gemini CLI in a traced repository', () => {
  it('traces writes, edits, shell changes and a commit through its shell tool', { timeout: 20 * 60_000 }, async () => {
    const w = await makeAgentWorld(['--gemini']);
    expect(w.initOutput).toMatch(/Gemini CLI/);
    expect(w.initOutput).toMatch(/trust/i);
    const scenario = loadAgentScenario<{ model: string; turns: unknown[] }>(SCENARIO);

    const run = await runAgentReplay({ client: 'gemini', repo: w.repo, scenario: SCENARIO, home: w.home, out: path.join(w.root, 'out'), env: w.env, netns: netnsAvailable() });

    // the tools really ran, and the agent's shell made one commit of exactly its changes
    expect(fs.readFileSync(path.join(w.repo, 'hello.sh'), 'utf8')).toBe(HELLO);
    expect(fs.readFileSync(path.join(w.repo, 'README.md'), 'utf8')).toBe('# e2e\nhello, edited by replay\n');
    expect(await w.git('status', '--porcelain')).toBe('');
    expect(await w.git('rev-parse', 'HEAD^')).toBe(w.initCommit);
    expect(await w.git('log', '-1', '--format=%s')).toBe('Add hello.sh');
    expect((await w.git('show', '--name-status', '--format=', 'HEAD')).split('\n')).toEqual(['M\tREADME.md', 'A\thello.sh']);

    // Gemini ran the commit with core.hooksPath emptied; the BeforeTool hook put ai-trace's hooks back
    expect(trailerSessions(await w.git('log', '-1', '--format=%B'))).toEqual([run.sessionId]);
    const events = shimEvents(w.repo, 'gemini');
    expect(events).toContain('BeforeTool run_shell_command git-hooks-restored');
    expect(events.filter((e) => e.startsWith('BeforeTool write_file') || e.startsWith('BeforeTool replace'))).toHaveLength(2);
    const log = fs.readFileSync(path.join(w.repo, '.git', 'chainloop-trace', 'log.txt'), 'utf8');
    expect(log).not.toMatch(/error|failed|skipped/);

    // the AI lines are exactly the ones the client wrote: hello.sh whole, README.md's appended line
    const show = JSON.parse(await w.trace('show', 'HEAD', '--json')) as ShowResponse;
    expect(show.sessions).toEqual([run.sessionId]);
    const files = [...show.code_changes.files].sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(files).toEqual([
      expect.objectContaining({ path: 'README.md', status: 'modified', lines_added: 1, lines_removed: 0, line_ranges: [{ start: 2, end: 2 }], ai_lines_added: 1, human_lines_added: 0, session_ids: [run.sessionId] }),
      expect.objectContaining({ path: 'hello.sh', status: 'created', lines_added: 2, lines_removed: 0, line_ranges: [{ start: 1, end: 2 }], ai_lines_added: 2, human_lines_added: 0, session_ids: [run.sessionId] }),
    ]);
    expect(show.code_changes).toMatchObject({ lines_added: 3, ai_lines_added: 3, human_lines_added: 0 });

    // the session's tokens are the client's own usage records, in Claude Code's semantics
    const data = JSON.parse(await w.trace('session', 'show', run.sessionId, '--json')) as {
      agent: { name: string; version?: string };
      model: { primary: string; models_used: string[] };
      usage: Record<string, number | null>;
      git_context: { commits: string[] };
      tools_used: { summary: { tool_name: string; invocation_count: number }[] };
      warnings: string[];
    };
    expect(validateSessionData(data)).toEqual([]);
    expect(data.agent.name).toBe('gemini-cli');
    expect(data.agent.version).toBe(run.clientVersion);
    expect(run.usage).toHaveLength(scenario.turns.length);
    const want = claudeSemantics(run.usage);
    expect(want.cache_read_input_tokens).toBeGreaterThan(0);
    expect(data.usage).toMatchObject(want);
    expect(data.usage.total_tokens).toBe(want.input_tokens + want.output_tokens);
    expect(data.model.primary).toBe(scenario.model);
    expect(data.git_context.commits).toEqual([await w.git('rev-parse', 'HEAD')]);
    expect(Object.fromEntries(data.tools_used.summary.map((t) => [t.tool_name, t.invocation_count]))).toEqual({ write_file: 1, replace: 1, run_shell_command: 2 });

    const status = JSON.parse(await w.trace('status', '--json')) as StatusResponse;
    expect(status.sessions).toEqual([expect.objectContaining({ id: run.sessionId, agent: 'gemini-cli', agent_version: run.clientVersion, repo: w.repo })]);
    expect(status.spool).toEqual({ waiting: 0, dead: 0 });
  });
});
