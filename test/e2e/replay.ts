import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sharedDir } from '../helpers/shared.js';
import { execa } from 'execa';

/** The shared harness, laid beside the repository as ../shared (as CI does). */
export const HARNESS = path.join(sharedDir(), 'harness', 'claude-replay', 'run.sh');
export const SCENARIOS = path.join(import.meta.dirname, 'scenarios');

/** The parts of a claude-replay scenario the test derives its expectations from. */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
}
interface Block {
  type: string;
  name?: string;
  input?: Record<string, string>;
}
export interface Scenario {
  prompt: string;
  model: string;
  turns: { content: Block[]; usage: Usage }[];
}

export function loadScenario(name: string): Scenario {
  return JSON.parse(fs.readFileSync(path.join(SCENARIOS, name), 'utf8')) as Scenario;
}

const USAGE_KEYS = ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const;

/**
 * What the fake API reports over the scenarios' turns. Every turn must script all four numbers: the
 * fake API estimates an omitted one from the request size, which the test could not predict.
 */
export function scenarioUsage(...scenarios: Scenario[]): Usage {
  const sum: Usage = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  for (const s of scenarios) {
    for (const [i, t] of s.turns.entries()) {
      for (const k of USAGE_KEYS) {
        if (typeof t.usage?.[k] !== 'number') throw new Error(`scenario turn ${i} does not script usage.${k}`);
        sum[k] += t.usage[k];
      }
    }
  }
  return sum;
}

/**
 * Anthropic's list prices, USD per million tokens (cache writes at the 5-minute rate the fake API reports),
 * for the model the scenarios use. The first test checks them against the client's own total_cost_usd.
 */
const LIST_PRICES: Record<string, { input: number; output: number; cacheRead: number; cacheWrite: number }> = {
  'claude-sonnet-4-5-20250929': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
};

/** What `usage` costs at list price (every scripted request is far below the long-context tier). */
export function listPriceUsd(model: string, usage: Usage): number {
  const p = LIST_PRICES[model];
  if (!p) throw new Error(`no list price for ${model}: add it to LIST_PRICES`);
  return (
    (usage.input_tokens * p.input +
      usage.output_tokens * p.output +
      usage.cache_read_input_tokens * p.cacheRead +
      usage.cache_creation_input_tokens * p.cacheWrite) /
    1e6
  );
}

/** Tool calls by name over the scenarios' turns. */
export function scenarioTools(...scenarios: Scenario[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of scenarios) for (const t of s.turns) for (const b of t.content) if (b.type === 'tool_use') counts[b.name!] = (counts[b.name!] ?? 0) + 1;
  return counts;
}

/**
 * The files the scenarios' Write and Edit calls leave behind (repo-relative path → content), applying
 * them in order as Claude Code does: Write replaces the file, Edit replaces the one occurrence of old_string.
 */
export function scenarioFiles(...scenarios: Scenario[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const t of scenarios.flatMap((s) => s.turns)) {
    for (const b of t.content) {
      if (b.type !== 'tool_use' || (b.name !== 'Write' && b.name !== 'Edit')) continue;
      const rel = b.input!.file_path!.replace('{{cwd}}/', '');
      if (path.isAbsolute(rel)) throw new Error(`scenario path outside {{cwd}}: ${rel}`);
      if (b.name === 'Write') files.set(rel, b.input!.content!);
      else {
        const before = files.get(rel);
        const old = b.input!.old_string!;
        if (before === undefined || before.split(old).length !== 2) throw new Error(`scenario Edit of ${rel}: old_string must occur once in what the scenario wrote`);
        files.set(rel, before.replace(old, () => b.input!.new_string!));
      }
    }
  }
  return files;
}

/** Usage summed over the transcript's API messages, each counted once (its lines repeat it per content block). */
export function transcriptUsage(transcript: string): Usage {
  const sum: Usage = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  const seen = new Set<string>();
  for (const line of fs.readFileSync(transcript, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const j = JSON.parse(line) as { type?: string; requestId?: string; message?: { id?: string; usage?: Partial<Usage> } };
    if (j.type !== 'assistant' || !j.message?.usage) continue;
    const key = `${j.message.id}:${j.requestId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const k of USAGE_KEYS) sum[k] += j.message.usage[k] ?? 0;
  }
  return sum;
}

/** True when run.sh can isolate the client in a private network namespace (root, or user namespaces). */
export function netnsAvailable(): boolean {
  const ok = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  return ok('sh', ['-c', 'command -v ip >/dev/null']) && ok('unshare', ['-n', 'true']);
}

export interface ReplayRun {
  sessionId: string;
  transcript: string;
  out: string;
  /** The client's `-p --output-format json` result. */
  result: { subtype: string; is_error: boolean; num_turns: number; total_cost_usd: number; session_id: string };
  ms: number;
}

export interface ReplayOptions {
  claude: string;
  repo: string;
  scenario: string;
  home: string;
  out: string;
  env: NodeJS.ProcessEnv;
  resume?: string;
  netns: boolean;
}

/** Runs the real client through run.sh; fails with run.sh's output when it does not exit 0. */
export async function runReplay(o: ReplayOptions): Promise<ReplayRun> {
  const args = ['--claude', o.claude, '--home', o.home, '--out', o.out, '--timeout', '120'];
  if (o.resume) args.push('--resume', o.resume);
  if (!o.netns) args.push('--no-netns');
  args.push(o.repo, path.join(SCENARIOS, o.scenario));
  const t0 = Date.now();
  const r = await execa('bash', [HARNESS, ...args], { env: o.env, extendEnv: false, reject: false, all: true, timeout: 180_000 });
  const ms = Date.now() - t0;
  if (r.exitCode !== 0) throw new Error(`claude-replay ${o.scenario} exited ${r.exitCode ?? r.signal}:\n${r.all}`);
  const field = (name: string) => {
    const m = new RegExp(`^${name}=(.+)$`, 'm').exec(r.stdout);
    if (!m) throw new Error(`claude-replay printed no ${name}=:\n${r.all}`);
    return m[1]!.trim();
  };
  const result = JSON.parse(fs.readFileSync(path.join(o.out, 'result.json'), 'utf8')) as ReplayRun['result'];
  return { sessionId: field('SESSION_ID'), transcript: field('TRANSCRIPT'), out: o.out, result, ms };
}
