import type { TokenUsage } from '../../pricing/cost.js';
import { readJsonLines, type JsonLinesState } from '../jsonl.js';

/**
 * Gemini CLI's chat record (`~/.gemini/tmp/<project>/chats/session-<date>-<id8>.jsonl`, the hooks'
 * `transcript_path`): a header line, then messages `{id, type: user|gemini, model, tokens, toolCalls}`
 * and `{"$set": {messages?: […], lastUpdated}}` updates. A message is written again under the same id when
 * it changes, so the last line per id counts. Usage per model response: `tokens {input (promptTokenCount,
 * INCLUDES cached), output (candidates, EXCLUDES thoughts), cached, thoughts, tool, total}`.
 */

/** One model response's usage, in Claude Code's token semantics. */
export interface GeminiUsageRecord {
  id: string;
  model?: string;
  usage: TokenUsage;
}

/** What has been read of a chat record so far (JSON-serialisable). */
export interface ChatState extends JsonLinesState {
  /** message id → its last usage record */
  responses: Record<string, GeminiUsageRecord>;
  /** ids of the user's own prompts (not tool results) */
  prompts: Record<string, true>;
  /** tool call id → tool name, from the gemini messages' toolCalls */
  toolCalls: Record<string, string>;
  firstTimestamp?: string;
  lastTimestamp?: string;
}

export function emptyChatState(): ChatState {
  return { offset: 0, warnings: [], responses: {}, prompts: {}, toolCalls: {} };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/**
 * Gemini usage → Claude Code's: `input_tokens` = prompt − cached (+ tool-use prompt tokens, which are
 * input the model read), cache reads apart (Gemini reports no cache writes), `output_tokens` =
 * candidates + thoughts (Gemini counts thinking apart).
 */
export function geminiUsage(tokens: Json): TokenUsage {
  const cached = n(tokens.cached);
  return {
    input_tokens: Math.max(0, n(tokens.input) - cached) + n(tokens.tool),
    output_tokens: n(tokens.output) + n(tokens.thoughts),
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: 0,
  };
}

/** A user message the user typed: a text part, not a tool's functionResponse nor the CLI's session context. */
function isPrompt(content: unknown): boolean {
  if (typeof content === 'string') return content.trim() !== '' && !content.startsWith('<session_context>');
  if (!Array.isArray(content)) return false;
  return content.some((p) => isObject(p) && typeof p.text === 'string' && p.text.trim() !== '' && !p.text.startsWith('<session_context>'));
}

function foldMessage(state: ChatState, m: Json): void {
  const id = typeof m.id === 'string' ? m.id : undefined;
  if (!id) return;
  if (typeof m.timestamp === 'string' && !Number.isNaN(Date.parse(m.timestamp))) {
    if (!state.firstTimestamp || m.timestamp < state.firstTimestamp) state.firstTimestamp = m.timestamp;
    if (!state.lastTimestamp || m.timestamp > state.lastTimestamp) state.lastTimestamp = m.timestamp;
  }
  if (m.type === 'user' && isPrompt(m.content)) state.prompts[id] = true;
  if (m.type !== 'gemini') return;
  if (isObject(m.tokens)) state.responses[id] = { id, ...(typeof m.model === 'string' ? { model: m.model } : {}), usage: geminiUsage(m.tokens) };
  if (Array.isArray(m.toolCalls)) {
    for (const call of m.toolCalls) {
      if (isObject(call) && typeof call.id === 'string' && typeof call.name === 'string') state.toolCalls[call.id] = call.name;
    }
  }
}

function fold(state: ChatState, line: Json): void {
  const set = line.$set;
  if (isObject(set)) {
    if (Array.isArray(set.messages)) for (const m of set.messages) if (isObject(m)) foldMessage(state, m);
    return;
  }
  foldMessage(state, line);
}

/** Reads what the chat record gained since `state` (a copy is returned; a missing file adds a warning). */
export function readChat(path: string, state: ChatState): ChatState {
  return readJsonLines(path, state, fold, emptyChatState);
}

/** The usage records, one per model response, in the order they were first written. */
export function chatRecords(state: ChatState): GeminiUsageRecord[] {
  return Object.values(state.responses);
}
