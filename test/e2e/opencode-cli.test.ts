/**
 * End to end with the real OpenCode CLI (installed from npm by ../shared/harness/agent-replay on first use,
 * run against its scripted fake API over the Anthropic Messages wire, so cache writes are reported too):
 * `trace init --opencode` writes the plugin, then the client writes a file, edits it, runs a shell command
 * that changes another file, and commits through its shell. The trailer must name the session, the AI
 * lines must be exactly the client's, the session's tokens must equal the client's own usage records (its
 * SQLite records, exported) and the cost OpenCode's own figure. No client, or the plugin never ran: the
 * test fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { netnsAvailable } from './replay.js';
import { claudeSemantics, loadAgentScenario, runAgentReplay } from './agent-replay-run.js';
import { agentWorlds } from '../helpers/agent-world.js';
import { expectTracedCommit } from './agent-commit-checks.js';

const SCENARIO = 'opencode/write-edit-shell-commit.json';

const makeAgentWorld = agentWorlds();

describe('the real OpenCode CLI in a traced repository', () => {
  it('traces write and edit, a shell-made change and a commit through its shell', { timeout: 20 * 60_000 }, async () => {
    const w = await makeAgentWorld(['--opencode']);
    expect(fs.readFileSync(path.join(w.repo, '.opencode', 'plugin', 'ai-trace.js'), 'utf8')).toMatch(/^\/\/ ai-trace OpenCode plugin/);
    // trace init says what OpenCode does with a project plugin folder at startup
    expect(w.initOutput).toMatch(/@opencode-ai\/plugin/);
    await w.trace('daemon', 'start');
    const scenario = loadAgentScenario<{ model: string; turns: unknown[] }>(SCENARIO);

    const run = await runAgentReplay({ client: 'opencode', repo: w.repo, scenario: SCENARIO, home: w.home, out: path.join(w.root, 'out'), env: w.env, netns: netnsAvailable() });

    const data = await expectTracedCommit(w, run, {
      agent: 'opencode',
      shim: 'opencode',
      events: ['sessionCreated', 'chatMessage', 'editBefore', 'editAfter', 'editBefore', 'editAfter', 'toolBefore', 'toolAfter', 'toolBefore', 'toolAfter', 'sessionIdle'],
      model: scenario.model,
      requests: scenario.turns.length,
      tools: { write: 1, edit: 1, bash: 2 },
    });
    // cache writes reached the session too, and the cost is OpenCode's own figure for the same requests
    expect(claudeSemantics(run.usage).cache_creation_input_tokens).toBeGreaterThan(0);
    const exported = JSON.parse(fs.readFileSync(run.transcript, 'utf8')) as { messages: { info: { role: string; cost?: number } }[] };
    const ownCost = exported.messages.filter((m) => m.info.role === 'assistant').reduce((n, m) => n + (m.info.cost ?? 0), 0);
    expect(ownCost).toBeGreaterThan(0);
    expect(data.usage.estimated_cost_usd).toBeCloseTo(ownCost, 6);
  });
});
