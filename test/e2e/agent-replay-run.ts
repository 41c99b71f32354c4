/**
 * Runs a real agent client (Gemini CLI, Codex, Copilot CLI, OpenCode) through the shared harness
 * ../shared/harness/agent-replay/run.sh against a scripted fake API, and reads the client's own usage
 * records with the harness's usage.js. run.sh installs the pinned client on first use; it exits non-zero
 * when the client could not be installed or run, or (exit 5) when the repository configures hooks and none
 * fired: every such case throws here, so a test fails rather than skips.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { execa } from 'execa';
import { sharedDir } from '../helpers/shared.js';

export const AGENT_HARNESS = path.join(sharedDir(), 'harness', 'agent-replay');
export const AGENT_SCENARIOS = path.join(import.meta.dirname, 'scenarios');

export type AgentClient = 'gemini' | 'codex' | 'copilot' | 'opencode';

/** One model request's usage as usage.js reads it: input INCLUDES cached and cache writes, output INCLUDES reasoning. */
export interface HarnessUsageRecord {
  id: string | null;
  model?: string;
  input: number;
  cached: number;
  cache_write: number;
  output: number;
  reasoning: number;
}

export interface AgentRun {
  sessionId: string;
  transcript: string;
  out: string;
  /** run.sh's summary (what it printed). */
  stdout: string;
  /** The client's own usage records, one per model request. */
  usage: HarnessUsageRecord[];
  /** `client: <name> <version> (<bin>)` from the summary. */
  clientVersion: string;
}

export interface AgentRunOptions {
  client: AgentClient;
  repo: string;
  /** Path relative to test/e2e/scenarios/. */
  scenario: string;
  home: string;
  out: string;
  env: NodeJS.ProcessEnv;
  netns: boolean;
  timeoutSec?: number;
}

export function loadAgentScenario<T = { model: string; turns: unknown[] }>(rel: string): T {
  return JSON.parse(fs.readFileSync(path.join(AGENT_SCENARIOS, rel), 'utf8')) as T;
}

/** Runs the client through run.sh; throws with run.sh's output unless it exits 0 (hooks fired, usage and transcript found). */
export async function runAgentReplay(o: AgentRunOptions): Promise<AgentRun> {
  const args = [o.client, '--home', o.home, '--out', o.out, '--timeout', String(o.timeoutSec ?? 150)];
  if (!o.netns) args.push('--no-netns');
  args.push(o.repo, path.join(AGENT_SCENARIOS, o.scenario));
  const r = await execa('bash', [path.join(AGENT_HARNESS, 'run.sh'), ...args], { env: o.env, extendEnv: false, reject: false, all: true, timeout: 20 * 60_000 });
  if (r.exitCode !== 0) throw new Error(`agent-replay ${o.client} ${o.scenario} exited ${r.exitCode ?? r.signal}${r.exitCode === 5 ? ' (no repository hook fired)' : ''}:\n${r.all}`);
  const fields = (name: string): string[] => [...r.stdout.matchAll(new RegExp(`^${name}=(.+)$`, 'gm'))].map((m) => m[1]!.trim());
  const [sessionId] = fields('SESSION_ID');
  const [transcript] = fields('TRANSCRIPT');
  if (!sessionId || !transcript) throw new Error(`agent-replay printed no SESSION_ID= or TRANSCRIPT=:\n${r.all}`);
  const version = /^\s*client: \S+ (\S+) /m.exec(r.stdout)?.[1];
  if (!version) throw new Error(`agent-replay printed no client version:\n${r.all}`);
  const require = createRequire(import.meta.url);
  const { readUsage } = require(path.join(AGENT_HARNESS, 'usage.js')) as {
    readUsage(client: string, ctx: { transcripts: string[]; usages: string[] }): { records: HarnessUsageRecord[] };
  };
  const usage = readUsage(o.client, { transcripts: fields('TRANSCRIPT'), usages: fields('USAGE') }).records;
  return { sessionId, transcript, out: o.out, stdout: r.stdout, usage, clientVersion: version };
}

/** The client's usage records summed in Claude Code's semantics: input without cache reads and writes, output with reasoning. */
export function claudeSemantics(records: HarnessUsageRecord[]) {
  const sum = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  for (const r of records) {
    sum.input_tokens += r.input - r.cached - r.cache_write;
    sum.output_tokens += r.output;
    sum.cache_read_input_tokens += r.cached;
    sum.cache_creation_input_tokens += r.cache_write;
  }
  return sum;
}
