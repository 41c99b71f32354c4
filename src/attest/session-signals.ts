/** `schema` of an ai-trace session signals material (src/attest/ai-trace-session-signals-0.1.schema.json). */
export const SIGNALS_SCHEMA_URI = 'https://ai-trace.dev/schemas/session-signals/0.1/session-signals.schema.json';
/** `chainloop.material.evidence.id` of an ai-trace session signals material. */
export const SIGNALS_EVIDENCE_ID = 'AI_TRACE_SESSION_SIGNALS';
/** `data.schema_version` of the signals this version writes. */
export const SIGNALS_SCHEMA_VERSION = '0.1';
/** Most entries any one list of a signals material holds; past it `truncated` is set. */
export const SIGNALS_LIST_CAP = 500;

/** Where in a session a secret was seen. */
export type SecretWhere = 'prompt' | 'tool_input' | 'tool_output';

/** The documented classes of dangerous commands (docs/signals.md). */
export const DANGEROUS_RULES = [
  'recursive-delete-outside-worktree',
  'download-piped-to-shell',
  'force-push',
  'disable-hooks-or-signing',
  'chmod-recursive-777',
  'read-credentials',
  'disk-overwrite',
  'discard-work',
] as const;
export type DangerousRule = (typeof DANGEROUS_RULES)[number];

/** The documented sensitive path categories (docs/signals.md). */
export const SENSITIVE_CATEGORIES = ['ci-config', 'dependencies', 'auth-crypto', 'migrations', 'hooks-config'] as const;
export type SensitiveCategory = (typeof SENSITIVE_CATEGORIES)[number];

/** A secret the scanner found: the rule and where, never the secret. */
export interface SecretFinding {
  rule: string;
  message_id?: string;
  where: SecretWhere;
  count: number;
  prompt_index?: number;
  tool_call?: number;
  tool?: string;
  file?: string;
}

/** A shell command (or file read) of a dangerous class. `command` only when the user opted in. */
export interface DangerousCommandFinding {
  rule: DangerousRule;
  count: number;
  tool_call: number;
  tool: string;
  command?: string;
}

/** Outcome of a test or build run, from the tool's result. */
export type RunOutcome = 'passed' | 'failed' | 'interrupted' | 'unknown';

/** A test or build command the agent ran. */
export interface TestRun {
  runner: string;
  kind: 'test' | 'build';
  tool_call: number;
  outcome: RunOutcome;
  after_last_edit: boolean;
  command?: string;
}

/** A tool call that ended in an error or an interrupt. */
export interface FailedToolCall {
  tool: string;
  tool_call: number;
  interrupted: boolean;
  file?: string;
}

/** AI lines written, and those removed again before commit, per file and in total. */
export interface Churn {
  ai_lines_written: number;
  ai_lines_removed_before_commit: number;
  files: { path: string; ai_lines_written: number; ai_lines_removed_before_commit: number }[];
}

/** A file the agent changed that falls in a sensitive category. */
export interface SensitivePath {
  path: string;
  category: SensitiveCategory;
}

/** The `data` of an AI_TRACE_SESSION_SIGNALS material (ai-trace-session-signals 0.1 schema). */
export interface SessionSignals {
  schema_version: typeof SIGNALS_SCHEMA_VERSION;
  session_id: string;
  tool_calls: { total: number; failed: number };
  interrupts: number;
  last_edit_tool_call?: number;
  secrets: SecretFinding[];
  dangerous_commands: DangerousCommandFinding[];
  test_runs: TestRun[];
  failed_tool_calls: FailedToolCall[];
  churn: Churn;
  sensitive_paths: SensitivePath[];
  truncated?: boolean;
}

/** A signals material as it sits in an attestation's `predicate.materials`. */
export interface SignalsMaterial {
  schema: typeof SIGNALS_SCHEMA_URI;
  'chainloop.material.evidence.id': typeof SIGNALS_EVIDENCE_ID;
  data: SessionSignals;
}

/** Wraps signals in the material envelope. */
export function signalsMaterial(data: SessionSignals): SignalsMaterial {
  return { schema: SIGNALS_SCHEMA_URI, 'chainloop.material.evidence.id': SIGNALS_EVIDENCE_ID, data };
}

/** True for a material object that carries session signals (by evidence id and schema). */
export function isSignalsMaterial(m: unknown): m is SignalsMaterial {
  if (!m || typeof m !== 'object') return false;
  const o = m as Record<string, unknown>;
  return o['chainloop.material.evidence.id'] === SIGNALS_EVIDENCE_ID && o.schema === SIGNALS_SCHEMA_URI && typeof o.data === 'object' && o.data !== null;
}

/** Signals of a session with nothing found: the starting point, and what a reader assumes when none travelled. */
export function emptySignals(sessionId: string): SessionSignals {
  return {
    schema_version: SIGNALS_SCHEMA_VERSION,
    session_id: sessionId,
    tool_calls: { total: 0, failed: 0 },
    interrupts: 0,
    secrets: [],
    dangerous_commands: [],
    test_runs: [],
    failed_tool_calls: [],
    churn: { ai_lines_written: 0, ai_lines_removed_before_commit: 0, files: [] },
    sensitive_paths: [],
  };
}
