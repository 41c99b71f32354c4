/**
 * End to end with the real Gemini CLI (installed from npm by ../shared/harness/agent-replay on first use,
 * run against its scripted fake API): `trace init --gemini`, then the client writes a file, edits it, runs a
 * shell command that changes another file, and commits through its shell tool — where Gemini empties
 * core.hooksPath, so the commit gets ai-trace's hooks back only through the BeforeTool hook's rewritten
 * command. The trailer must name the session, the AI lines must be exactly the client's, and the session's
 * tokens must equal the client's own usage records. No client, or no hook fired: the test fails.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StatusResponse } from '../../src/protocol/types.js';
import { netnsAvailable } from './replay.js';
import { loadAgentScenario, runAgentReplay } from './agent-replay-run.js';
import { agentWorlds, shimEvents } from '../helpers/agent-world.js';
import { expectTracedCommit } from './agent-commit-checks.js';

const SCENARIO = 'gemini/write-edit-shell-commit.json';

const makeAgentWorld = agentWorlds();

describe('the real Gemini CLI in a traced repository', () => {
  it('traces writes, edits, shell changes and a commit through its shell tool', { timeout: 20 * 60_000 }, async () => {
    const w = await makeAgentWorld(['--gemini']);
    expect(w.initOutput).toMatch(/Gemini CLI/);
    expect(w.initOutput).toMatch(/trust/i);
    const scenario = loadAgentScenario<{ model: string; turns: unknown[] }>(SCENARIO);

    const run = await runAgentReplay({ client: 'gemini', repo: w.repo, scenario: SCENARIO, home: w.home, out: path.join(w.root, 'out'), env: w.env, netns: netnsAvailable() });

    // the commit, the trailer, exactly the client's lines, the session's tokens (the client's own usage records)
    await expectTracedCommit(w, run, {
      agent: 'gemini-cli',
      shim: 'gemini',
      model: scenario.model,
      requests: scenario.turns.length,
      tools: { write_file: 1, replace: 1, run_shell_command: 2 },
    });

    // Gemini ran the commit with core.hooksPath emptied; the BeforeTool hook put ai-trace's hooks back
    const events = shimEvents(w.repo, 'gemini');
    expect(events).toContain('BeforeTool run_shell_command git-hooks-restored');
    expect(events.filter((e) => e.startsWith('BeforeTool write_file') || e.startsWith('BeforeTool replace'))).toHaveLength(2);
    const status = JSON.parse(await w.trace('status', '--json')) as StatusResponse;
    expect(status.sessions).toEqual([expect.objectContaining({ id: run.sessionId, agent: 'gemini-cli', agent_version: run.clientVersion, repo: w.repo })]);
  });
});
