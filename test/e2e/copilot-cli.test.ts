/**
 * End to end with the real GitHub Copilot CLI (installed from npm by ../shared/harness/agent-replay on first
 * use, run against its scripted fake API; run.sh opens Copilot's folder-trust gate with --trust-folder):
 * `trace init --copilot`, then the client creates a file, edits it, runs a shell command that changes
 * another file, and commits through its shell. The trailer must name the session, the AI lines must be
 * exactly the client's, and the session's tokens must equal the client's own usage records (its session
 * events log). No client, or no hook fired: the test fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { netnsAvailable } from './replay.js';
import { claudeSemantics, loadAgentScenario, runAgentReplay } from './agent-replay-run.js';
import { agentWorlds } from '../helpers/agent-world.js';
import { expectTracedCommit } from './agent-commit-checks.js';

const SCENARIO = 'copilot/write-edit-shell-commit.json';
/** OpenAI's list prices for gpt-4.1, USD per million tokens (cached input at the cached rate). */
const GPT_4_1 = { input: 2, cachedInput: 0.5, output: 8 };

const makeAgentWorld = agentWorlds();

describe('the real Copilot CLI in a traced repository', () => {
  it('traces create and edit, a shell-made change and a commit through its shell', { timeout: 20 * 60_000 }, async () => {
    const w = await makeAgentWorld(['--copilot']);
    // trace init says that Copilot runs repository hooks only in a trusted folder, and how to trust it
    expect(w.initOutput).toMatch(/trust/i);
    expect(w.initOutput).toMatch(/--trust-folder/);
    expect(fs.existsSync(path.join(w.repo, '.github', 'hooks', 'ai-trace.json'))).toBe(true);
    await w.trace('daemon', 'start');
    const scenario = loadAgentScenario<{ model: string; turns: unknown[] }>(SCENARIO);

    const run = await runAgentReplay({ client: 'copilot', repo: w.repo, scenario: SCENARIO, home: w.home, out: path.join(w.root, 'out'), env: w.env, netns: netnsAvailable() });

    const data = await expectTracedCommit(w, run, {
      agent: 'copilot-cli',
      shim: 'copilot',
      // create and edit reach the edit-tools entries (snapshots), both bash calls the other-tools one
      events: ['sessionStart', 'userPromptSubmitted', ...Array(4).fill(['preToolUse', 'postToolUse']).flat(), 'agentStop', 'sessionEnd'],
      model: scenario.model,
      requests: scenario.turns.length,
      tools: { create: 1, edit: 1, bash: 2 },
    });
    // Copilot's own cost figure is premium requests (0 here), so the price is checked against the list price
    const t = claudeSemantics(run.usage);
    const listUsd = (t.input_tokens * GPT_4_1.input + t.cache_read_input_tokens * GPT_4_1.cachedInput + t.output_tokens * GPT_4_1.output) / 1e6;
    expect(data.usage.estimated_cost_usd).toBeCloseTo(listUsd, 6);
  });
});
