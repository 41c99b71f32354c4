import type { TokenUsage } from '../../pricing/cost.js';
import { readJsonLines, type JsonLinesState } from '../jsonl.js';

/**
 * Codex's rollout file (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<session>.jsonl`): `session_meta`
 * (cli_version, cwd), `turn_context` (model), and one `token_usage_record` per model response:
 * `{response_id, usage: {input_tokens (INCLUDES cached and cache writes), cached_input_tokens,
 * cache_write_input_tokens, output_tokens (INCLUDES reasoning), reasoning_output_tokens, total_tokens}}`.
 * Rollouts older than 0.171 have no such records, only `event_msg` `token_count` with `last_token_usage`
 * (same fields), which is read instead.
 */

/** One model response's usage, in Claude Code's token semantics. */
export interface CodexUsageRecord {
  id?: string;
  model?: string;
  usage: TokenUsage;
}

/** What has been read of a rollout so far (JSON-serialisable, kept by the daemon between reads). */
export interface RolloutState extends JsonLinesState {
  version?: string;
  model?: string;
  records: CodexUsageRecord[];
  /** `token_count` records, used only when the rollout has no `token_usage_record`. */
  legacy: CodexUsageRecord[];
  /** The user's prompts (`item_completed` UserMessage items; older rollouts: `user_message` events). */
  prompts: number;
  legacyPrompts: number;
  lastTimestamp?: string;
}

export function emptyRolloutState(): RolloutState {
  return { offset: 0, warnings: [], records: [], legacy: [], prompts: 0, legacyPrompts: 0 };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/**
 * Codex usage → Claude Code's: `input_tokens` without cache reads and writes, cache reads and writes
 * apart, `output_tokens` with reasoning (Codex's output already includes it).
 */
export function codexUsage(raw: Json): TokenUsage {
  const cached = n(raw.cached_input_tokens);
  const written = n(raw.cache_write_input_tokens);
  return {
    input_tokens: Math.max(0, n(raw.input_tokens) - cached - written),
    output_tokens: n(raw.output_tokens),
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: written,
  };
}

function fold(state: RolloutState, line: Json): void {
  const p = line.payload;
  if (!isObject(p)) return;
  if (typeof line.timestamp === 'string' && (!state.lastTimestamp || line.timestamp > state.lastTimestamp)) state.lastTimestamp = line.timestamp;
  if (line.type === 'event_msg' && p.type === 'item_completed' && isObject(p.item) && p.item.type === 'UserMessage') state.prompts++;
  if (line.type === 'event_msg' && p.type === 'user_message') state.legacyPrompts++;
  if (line.type === 'session_meta' && typeof p.cli_version === 'string') state.version = p.cli_version;
  else if (line.type === 'turn_context' && typeof p.model === 'string') state.model = p.model;
  else if (line.type === 'token_usage_record' && isObject(p.usage)) {
    state.records.push({ ...(typeof p.response_id === 'string' ? { id: p.response_id } : {}), ...(state.model ? { model: state.model } : {}), usage: codexUsage(p.usage) });
  } else if (line.type === 'event_msg' && p.type === 'token_count' && isObject(p.info) && isObject(p.info.last_token_usage)) {
    state.legacy.push({ ...(state.model ? { model: state.model } : {}), usage: codexUsage(p.info.last_token_usage) });
  }
}

/** Reads what the rollout gained since `state` (a copy is returned; a missing file adds a warning). */
export function readRollout(path: string, state: RolloutState): RolloutState {
  return readJsonLines(path, state, fold, emptyRolloutState);
}

/** The user's prompts the rollout records. */
export function rolloutPrompts(state: RolloutState): number {
  return state.prompts || state.legacyPrompts;
}

/** The rollout's usage records: `token_usage_record`s, else (an older Codex) `token_count`s. */
export function rolloutRecords(state: RolloutState): CodexUsageRecord[] {
  return state.records.length > 0 ? state.records : state.legacy;
}
