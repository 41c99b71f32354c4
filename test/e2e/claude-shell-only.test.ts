/**
 * Issue 11, shell-made changes whatever the timing, with the real Claude Code: an agent that changes
 * files only through its Bash tool (a heredoc, a generator, `sed -i`) and commits at once through Bash.
 * The daemon is not running beforehand, so the hooks start it with the session's first event: the
 * watcher is up late, and the shell commands may run before it (with 2.1.332 such a file once came out
 * human in about half the runs). Every line must be the agent's, the commit must name the session, and
 * this must hold on every run, so each client runs the scenario several times.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ShowResponse } from '../../src/protocol/types.js';
import { agentWorlds, trailerSessions } from '../helpers/agent-world.js';
import { CLAUDE_CODE_LATEST, CLAUDE_CODE_VERSION, ensureClaudeClient, type ClaudeClient } from './claude-client.js';
import { netnsAvailable, runReplay } from './replay.js';

const RUNS: Record<string, number> = { [CLAUDE_CODE_VERSION]: 2, [CLAUDE_CODE_LATEST]: 5 };
const clients = new Map<string, ClaudeClient>();
let netns = false;

beforeAll(async () => {
  // CLAUDE_BIN does not stand in here: each release is the one named
  for (const v of Object.keys(RUNS)) clients.set(v, await ensureClaudeClient({}, v));
  netns = netnsAvailable();
}, 15 * 60_000);

const agentWorld = agentWorlds();

/** The installed client of `version`; none (npm could not install it) fails the test: CI can install it. */
function requireClient(version: string): { bin: string; version: string } {
  const c = clients.get(version)!;
  if ('skip' in c) throw new Error(c.skip);
  return c;
}

describe('the real Claude Code changing files only through its shell, committing at once', () => {
  for (const [version, runs] of Object.entries(RUNS)) {
    it(`Claude Code ${version}, ${runs} runs: every line the agent's, the trailer on every commit`, { timeout: 400_000 }, async () => {
      const { bin } = requireClient(version);
      for (let run = 1; run <= runs; run++) {
        const w = await agentWorld(['--claude'], { daemon: false });
        fs.mkdirSync(path.join(w.repo, 'src'));
        fs.writeFileSync(path.join(w.repo, 'src', 'config.txt'), 'mode=debug\nlevel=1\n');
        await w.git('add', 'src/config.txt');
        await w.git('commit', '-q', '-m', 'add the config');
        const base = await w.git('rev-parse', 'HEAD');

        const r = await runReplay({ claude: bin, repo: w.repo, scenario: 'shell-only.json', home: w.home, out: path.join(w.root, 'out'), env: w.env, netns });
        const at = `run ${run} of ${version}`;
        expect(r.result, at).toMatchObject({ subtype: 'success', is_error: false });
        expect(await w.git('rev-parse', 'HEAD^'), at).toBe(base);
        expect(await w.git('status', '--porcelain'), at).toBe('');
        expect(trailerSessions(await w.git('log', '-1', '--format=%B')), at).toEqual([r.sessionId]);

        const show = JSON.parse(await w.trace('show', 'HEAD', '--json')) as ShowResponse;
        const labels = Object.fromEntries(show.code_changes.files.map((f) => [f.path, { ai: f.ai_lines_added, human: f.human_lines_added, sessions: f.session_ids }]));
        const mine = { sessions: [r.sessionId] };
        expect(labels, at).toEqual({
          'notes.md': { ai: 3, human: 0, ...mine },
          'gen.js': { ai: 4, human: 0, ...mine },
          'src/config.txt': { ai: 1, human: 0, ...mine },
        });
        expect(show.sessions, at).toEqual([r.sessionId]);
      }
    });
  }
});
