import type { AgentName, TraceEvent } from './events.js';

/**
 * The one agent interface. An agent is one folder `src/agents/<agent>/` exporting an `AgentAdapter`,
 * and one line in `registry.ts`. Nothing outside `src/agents/` names an agent: the shim, the daemon and
 * attribution work on `TraceEvent`s and on what the adapter declares here.
 */
export interface AgentAdapter {
  /** Canonical name: `sessions.agent`, the attestation's `agent.name`, `trace session show`'s `agent.name`. */
  readonly name: AgentName;
  /** How people call it in messages (`Claude Code`, `Gemini CLI`). */
  readonly displayName: string;
  /** `trace init --<flag>`. */
  readonly flag: string;
  /** What the POSIX shim needs, so that every agent's hook costs what Claude Code's does. */
  readonly shim: ShimSpec;
  /** Turns one hook payload into zero or more internal events; throws `PayloadError` for a payload that is not this agent's. */
  parse(input: HookInput): TraceEvent[];
  /**
   * The content of `file` before an edit, for agents with no before-edit hook: reverse-applies what
   * the payload says the edit did to `after` (the content after it). Null when it cannot be told
   * (an ambiguous match, no edit record): the recorder then falls back to what it last knew.
   * Absent when the agent has a before-hook (`edit.before` events carry the shim's snapshot).
   */
  beforeContent?(after: string, ev: TraceEvent, file: string): string | null;
  /** The configuration files its hooks live in, merged with what is there; `trace uninstall` restores them. */
  readonly hookFiles: readonly HookConfigFile[];
  /**
   * The agent's shell runs git with git hooks off (Gemini CLI empties core.hooksPath): `trace init` also
   * writes ai-trace's own git hooks, and only those, into `<git common dir>/chainloop-trace/hooks`, for
   * the agent's hooks to point git at (see shims/git-env.awk).
   */
  readonly ownGitHooks?: boolean;
  /** Printed by `trace init` after installing (e.g. a trust step the user must take). */
  readonly installNotes?: readonly string[];
  /** Reads the agent's own usage records (transcript, rollout, events log); absent = usage unknown. */
  readonly usage?: UsageReader;
  /** Model provider named in the evidence when the usage records do not say (`anthropic`). */
  readonly provider?: string;
  /** The agent's configuration files, for the AI config collector (`CHAINLOOP_AI_AGENT_CONFIG`). */
  readonly configFiles: readonly AgentConfigFile[];
}

/** What the shim hands an adapter: the agent's event name (from the hook command) and its raw payload. */
export interface HookInput {
  /** The agent's event name, as the hook command passed it to the shim (`PreToolUse`, `afterFileEdit`). */
  event: string;
  /** The hook's stdin, parsed as JSON. */
  payload: unknown;
  /** When the shim wrote it (ISO 8601), and the same instant in ms. */
  ts: string;
  atMs?: number;
}

/** Why a payload was not turned into events (it is dead-lettered with this message). */
export class PayloadError extends Error {}

/**
 * What `shims/hook.sh` needs. Each hook command is `set -- <name> <event> [edit|other|start] [keys]; . hook.sh`:
 * `edit` makes the shim snapshot the file named under one of `pathKeys` (in one awk pass over the
 * payload), `other` only saves the payload, `start` also starts the daemon.
 */
export interface ShimSpec {
  /** Short name in spool file names and hook commands: `[a-z0-9_]+` (`claude`, `gemini`). */
  readonly name: string;
  /** Payload keys whose string value is the edited file's absolute path, in the order tried. */
  readonly pathKeys: readonly string[];
}

/** One configuration file an adapter installs its hooks into. */
export interface HookConfigFile {
  /** Relative to the work tree's top (`.claude/settings.json`). */
  readonly path: string;
  /** Recorded in install.json; `trace uninstall` finds `remove` by it. Unique across adapters. */
  readonly kind: string;
  /** The text with our hooks merged in (`existing` null: no file yet); exactly `existing` when nothing changes. */
  merge(existing: string | null, packageRoot: string): string;
  /** The text with exactly our hooks removed (the user's changes since init stay). */
  remove(existing: string): string;
  /** What `trace init` says it installed there (`9 Claude Code hooks`). */
  readonly summary: string;
}

/** Token counts in Claude Code's semantics, whatever the agent's own convention, and the estimated cost. */
export interface SessionUsage {
  /** Input tokens excluding cache reads and cache writes. */
  input_tokens: number;
  /** Output tokens including reasoning tokens. */
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  total_tokens: number;
  /** Null when no token could be priced (an unknown model), never a made-up 0. */
  estimated_cost_usd: number | null;
}

/** What an agent's usage records say about a session. */
export interface UsageSummary {
  version?: string;
  slug?: string;
  primaryModel?: string;
  modelsUsed: string[];
  usage: SessionUsage;
  userMessages: number;
  assistantMessages: number;
  lastTimestamp?: string;
  warnings: string[];
}

/** A subagent's own usage record. */
export interface SubagentUsage {
  id: string;
  type?: string;
  description?: string;
  model?: string;
  usage: SessionUsage;
  tokens: { input: number; output: number };
}

/** Reads an agent's usage records incrementally; the state is JSON, kept with the session between reads. */
export interface UsageReader {
  /**
   * Reads what `path` gained since `state` (null: from the start) and returns the new state. `sessionId`
   * is for records that hold many sessions (OpenCode's database).
   */
  read(path: string, state: unknown, sessionId: string): unknown;
  /** The session's figures from a state `read` returned (null: nothing read yet). */
  summarize(state: unknown): UsageSummary;
  /** Usage records of the session's subagents, found next to its own record. */
  subagents?(path: string, sessionId: string): SubagentUsage[];
  /** One subagent's record, named by its stop event. */
  subagent?(path: string): Omit<SubagentUsage, 'id'> & { id?: string };
}

/** What a configuration file is for, in Chainloop's AI agent config terms. */
export type AgentConfigKind = 'instructions' | 'settings' | 'rules' | 'mcp' | 'skills' | 'agents' | 'commands' | 'hooks' | 'plugins';

/** One of an agent's configuration files (or folders: a trailing `/` means every file below). */
export interface AgentConfigFile {
  /** Relative to the work tree's top. */
  readonly path: string;
  readonly kind: AgentConfigKind;
  /** A folder: only names ending in one of these. */
  readonly ext?: readonly string[];
  /** Read by several agents (`AGENTS.md`): it alone does not make the agent configured in a repository. */
  readonly shared?: boolean;
  /** How MCP servers are written in it (`mcpServers` JSON map, OpenCode's `mcp`, Codex's `[mcp_servers]`). */
  readonly mcp?: 'mcpServers-json' | 'opencode-json' | 'codex-toml';
  /** How permission rules are written in it. */
  readonly permissions?: 'claude-settings' | 'gemini-settings' | 'opencode-json' | 'codex-toml';
}
