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

const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const TRACE_JS = path.join(ROOT, 'bin', 'trace.js');

/** A repository after `trace init <flags>`, with its own TRACE_HOME, a HOME for the client and run.sh's output folders. */
export interface AgentWorld {
  root: string;
  repo: string;
  home: string;
  env: NodeJS.ProcessEnv;
  initCommit: string;
  initOutput: string;
  git: (...args: string[]) => Promise<string>;
  trace: (...args: string[]) => Promise<string>;
}

/**
 * A fresh repository (README.md committed, a repository-local git identity: Gemini's shell empties the
 * global config) traced with `trace init <flags>`, the hook configuration committed.
 */
export async function makeAgentWorld(flags: string[]): Promise<AgentWorld> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'ai-trace-agent-e2e-')));
  const repo = path.join(root, 'repo');
  const home = path.join(root, 'home');
  fs.mkdirSync(repo);
  fs.mkdirSync(home);
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(GIT_|TRACE)/.test(k)));
  delete base.XDG_CONFIG_HOME;
  delete base.XDG_STATE_HOME;
  const env: NodeJS.ProcessEnv = {
    ...base,
    PATH: [path.dirname(TRACE_JS), path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
    HOME: home,
    TRACE_HOME: path.join(root, 'trace'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  };
  const git = async (...args: string[]) => (await execa('git', args, { cwd: repo, env, extendEnv: false })).stdout;
  const trace = async (...args: string[]) => {
    const r = await execa(process.execPath, [TRACE_JS, ...args], { cwd: repo, env, extendEnv: false, reject: false });
    if (r.exitCode !== 0) throw new Error(`trace ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
    return r.stdout;
  };
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.name', 'E2E Developer');
  await git('config', 'user.email', 'dev@example.com');
  fs.writeFileSync(path.join(repo, 'README.md'), '# e2e\n');
  await git('add', 'README.md');
  await git('commit', '-q', '-m', 'initial commit');
  const initOutput = await trace('init', ...flags, '--project', 'e2e', '--org', 'acme');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'Trace AI coding sessions');
  const initCommit = await git('rev-parse', 'HEAD');
  // the daemon runs before the agent does (as with `trace daemon install`): one a hook started would be
  // a child of the client, which run.sh's strace -f would then wait for
  await trace('daemon', 'start');
  return { root, repo, home, env, initCommit, initOutput, git, trace };
}

/** Stops the world's daemon and removes it (after printing what explains a failure). */
export async function dropAgentWorld(w: AgentWorld, failed: boolean): Promise<void> {
  if (failed) {
    const read = (f: string) => {
      try {
        return fs.readFileSync(f, 'utf8').trim().split('\n').slice(-60).join('\n');
      } catch {
        return '(none)';
      }
    };
    const logDir = path.join(w.env.TRACE_HOME!, 'log');
    const logs = fs.existsSync(logDir) ? fs.readdirSync(logDir).map((f) => `--- ${f}\n${read(path.join(logDir, f))}`) : [];
    console.error([`=== agent e2e diagnostics (${w.root})`, `--- log.txt\n${read(path.join(w.repo, '.git', 'chainloop-trace', 'log.txt'))}`, ...logs].join('\n'));
  }
  await execa(process.execPath, [TRACE_JS, 'daemon', 'stop'], { cwd: w.root, env: w.env, extendEnv: false, reject: false });
  fs.rmSync(w.root, { recursive: true, force: true });
}

/** The trailer's session ids in a commit message. */
export function trailerSessions(message: string): string[] {
  const key = 'Chainloop-Trace-Sessions:';
  return message.split('\n').filter((l) => l.startsWith(key)).flatMap((l) => l.slice(key.length).split(',').map((s) => s.trim()).filter(Boolean));
}

/** The shim's log lines for `agent` (`<seq> <agent> <event> [tool] [note]`), as "event [tool] [note]". */
export function shimEvents(repo: string, agent: string): string[] {
  return fs
    .readFileSync(path.join(repo, '.git', 'chainloop-trace', 'log.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[1] === agent)
    .map((f) => f.slice(2).join(' '));
}
