import { summarize, type CodeChanges } from '../attribution/code-changes.js';
import type { SessionUsage } from '../agents/adapter.js';
import { adapterNamed } from '../agents/registry.js';
import { sessionUsage } from '../agents/usage.js';
import { git } from '../git/run.js';
import type { CommitRecord, CommitStore } from '../store/commits.js';
import type { SessionRecord } from '../store/sessions.js';
import { aggregateCodeChanges } from './aggregate.js';

/** The `data` object of a CHAINLOOP_AI_CODING_SESSION material (ai-coding-session-0.1 schema). */
export interface SessionData {
  schema_version: string;
  agent: { name: string; version?: string };
  session: { id: string; slug?: string; started_at: string; ended_at?: string; duration_seconds: number };
  git_context?: GitContext;
  code_changes?: CodeChanges;
  model?: { primary?: string; provider: string; models_used: string[] };
  /** Every figure null when the agent keeps no usage records ai-trace can read (Cursor): unknown, never 0. */
  usage?: SessionUsage | UnknownUsage;
  tools_used?: { summary: { tool_name: string; invocation_count: number }[]; total_invocations: number };
  conversation?: { total_messages: number; user_messages: number; assistant_messages: number };
  subagents?: { id: string; type?: string; description?: string; tokens?: { input: number; output: number } }[];
  warnings?: string[];
}

/** The usage of a session whose agent keeps no usage records ai-trace can read. */
export interface UnknownUsage {
  input_tokens: null;
  output_tokens: null;
  cache_read_input_tokens: null;
  cache_creation_input_tokens: null;
  total_tokens: null;
  estimated_cost_usd: null;
}

const UNKNOWN_USAGE: UnknownUsage = {
  input_tokens: null,
  output_tokens: null,
  cache_read_input_tokens: null,
  cache_creation_input_tokens: null,
  total_tokens: null,
  estimated_cost_usd: null,
};

/** Where the session's commits live. */
export interface GitContext {
  repository?: string;
  branch?: string;
  work_dir?: string;
  commit_start?: string;
  commit_end?: string;
  commits: string[];
  commit_count: number;
}

export const SCHEMA_VERSION = 'v1';

/** A remote URL with any credentials removed, so no secret reaches an attestation. */
export function safeRemoteUrl(url: string): string {
  return url.replace(/^(\w[\w+.-]*:\/\/)[^@/]*@/, '$1');
}

async function gitContext(repo: string, commits: CommitRecord[]): Promise<GitContext> {
  const [remote, branch] = await Promise.all([
    git(repo, ['remote', 'get-url', 'origin'], { allowFailure: true }).catch(() => ''),
    git(repo, ['rev-parse', '--abbrev-ref', 'HEAD'], { allowFailure: true }).catch(() => ''),
  ]);
  const shas = commits.map((c) => c.sha);
  return {
    repository: remote.trim() ? safeRemoteUrl(remote.trim()) : repo,
    ...(branch.trim() && branch.trim() !== 'HEAD' ? { branch: branch.trim() } : {}),
    work_dir: repo,
    ...(shas.length ? { commit_start: shas[0], commit_end: shas[shas.length - 1] } : {}),
    commits: shas,
    commit_count: shas.length,
  };
}

/** Null (nothing could be priced) only while no part has a priced figure. */
const addCost = (a: number | null, b: number | null): number | null =>
  (a === null && !b) || (b === null && !a) ? null : Math.round(((a ?? 0) + (b ?? 0)) * 1e6) / 1e6;

const addUsage = (a: SessionUsage, b: SessionUsage): SessionUsage => ({
  input_tokens: a.input_tokens + b.input_tokens,
  output_tokens: a.output_tokens + b.output_tokens,
  cache_read_input_tokens: a.cache_read_input_tokens + b.cache_read_input_tokens,
  cache_creation_input_tokens: a.cache_creation_input_tokens + b.cache_creation_input_tokens,
  total_tokens: a.total_tokens + b.total_tokens,
  estimated_cost_usd: addCost(a.estimated_cost_usd, b.estimated_cost_usd),
});

/**
 * Builds the session's evidence from the store, over `commits` (default: every commit it contributed
 * to). Usage covers the main transcript and its subagents' transcripts.
 */
export async function buildSessionData(s: SessionRecord, commits: CommitStore, only?: CommitRecord[]): Promise<SessionData> {
  const adapter = adapterNamed(s.agent);
  const summary = sessionUsage(s);
  let usage = summary.usage;
  const subagents = [...s.subagents];
  const models = [...summary.modelsUsed];
  const warnings = [...s.warnings, ...summary.warnings];
  if (s.transcriptPath) {
    for (const sub of adapter?.usage?.subagents?.(s.transcriptPath, s.id) ?? []) {
      usage = addUsage(usage, sub.usage);
      if (sub.model && !models.includes(sub.model)) models.push(sub.model);
      if (!subagents.some((x) => x.id === sub.id)) {
        subagents.push({ id: sub.id, ...(sub.type ? { type: sub.type } : {}), ...(sub.description ? { description: sub.description } : {}), tokens: sub.tokens });
      }
    }
  } else if (adapter?.usage) warnings.push('no transcript path was reported: model, tokens and cost are unknown');
  const end = s.endedAt ?? summary.lastTimestamp ?? s.startedAt;
  const duration = Math.max(0, Math.floor((Date.parse(end) - Date.parse(s.startedAt)) / 1000)) || 0;
  const records = only ?? commits.forSession(s.id);
  const byRepo = records.filter((r) => r.repo === (s.repo ?? r.repo));
  const tools = Object.entries(s.tools).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const user = summary.userMessages || s.prompts;
  const assistant = summary.assistantMessages || s.stops;
  return {
    schema_version: SCHEMA_VERSION,
    agent: { name: s.agent, ...(s.agentVersion ?? summary.version ? { version: (s.agentVersion ?? summary.version)! } : {}) },
    session: {
      id: s.id,
      ...(s.slug ? { slug: s.slug } : {}),
      started_at: s.startedAt,
      ...(s.endedAt ? { ended_at: s.endedAt } : {}),
      duration_seconds: duration,
    },
    git_context: s.repo ? await gitContext(s.repo, byRepo) : { commits: [], commit_count: 0 },
    code_changes: s.repo ? await aggregateCodeChanges(s.repo, byRepo, commits) : summarize([]),
    model: { ...(summary.primaryModel ?? s.model ? { primary: (summary.primaryModel ?? s.model)! } : {}), provider: adapter?.provider ?? 'unknown', models_used: models.length ? models : s.model ? [s.model] : [] },
    usage: adapter?.usage ? usage : UNKNOWN_USAGE,
    tools_used: { summary: tools.map(([tool_name, invocation_count]) => ({ tool_name, invocation_count })), total_invocations: tools.reduce((n, [, c]) => n + c, 0) },
    conversation: { total_messages: user + assistant, user_messages: user, assistant_messages: assistant },
    subagents,
    warnings,
  };
}
