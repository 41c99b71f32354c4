import type { RequestUsage } from '../request-usage.js';

/**
 * Copilot CLI's session events log, `~/.copilot/session-state/<session>/events.jsonl` (the `transcriptPath`
 * of its `agentStop` hook): `session.start {copilotVersion, selectedModel}`, `user.message`,
 * `assistant.message`, and one `session.usage_record` per model request with `data.usage {model,
 * inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens, reasoningTokens, apiCallId}`.
 *
 * Copilot counts like OpenAI: `inputTokens` INCLUDES the cache reads and writes, `outputTokens` INCLUDES
 * reasoning. ai-trace reports Claude Code's semantics, so input = inputTokens − cacheRead − cacheWrite.
 */

/** One model request, already in Claude Code's semantics. */
export interface CopilotRequest extends RequestUsage {
  id?: string;
}

/** What the log said so far; JSON, kept with the session between reads. */
export interface CopilotLogState {
  offset: number;
  warnings: string[];
  version?: string;
  selectedModel?: string;
  requests: CopilotRequest[];
  /** apiCallIds already counted (a resumed session's log repeats nothing, but a rewritten one might). */
  seen: Record<string, true>;
  userMessages: number;
  assistantMessages: number;
  lastTimestamp?: string;
}

export function emptyCopilotLogState(): CopilotLogState {
  return { offset: 0, warnings: [], requests: [], seen: {}, userMessages: 0, assistantMessages: 0 };
}

type Json = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Folds one events.jsonl line into the state (mutates it). */
export function foldCopilotEvent(state: CopilotLogState, line: Json): void {
  const data = (line.data && typeof line.data === 'object' ? line.data : {}) as Json;
  const ts = str(line.timestamp);
  if (ts && (!state.lastTimestamp || ts > state.lastTimestamp)) state.lastTimestamp = ts;
  switch (line.type) {
    case 'session.start':
    case 'session.resume':
      state.version = str(data.copilotVersion) ?? state.version;
      state.selectedModel = str(data.selectedModel) ?? state.selectedModel;
      break;
    case 'user.message':
      state.userMessages++;
      break;
    case 'assistant.message':
      state.assistantMessages++;
      break;
    case 'session.usage_record': {
      const u = (data.usage && typeof data.usage === 'object' ? data.usage : null) as Json | null;
      if (!u) break;
      const id = str(u.apiCallId);
      if (id) {
        if (state.seen[id]) break;
        state.seen[id] = true;
      }
      const cacheRead = num(u.cacheReadTokens);
      const cacheWrite = num(u.cacheWriteTokens);
      state.requests.push({
        ...(id ? { id } : {}),
        ...(str(u.model) ? { model: str(u.model) } : {}),
        input: Math.max(0, num(u.inputTokens) - cacheRead - cacheWrite),
        output: num(u.outputTokens),
        cacheRead,
        cacheWrite,
      });
      break;
    }
  }
}
