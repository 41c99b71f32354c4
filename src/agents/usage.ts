import type { SessionRecord } from '../store/sessions.js';
import type { UsageSummary } from './adapter.js';
import { adapterNamed } from './registry.js';

/** What is known when an agent keeps no usage records (or none was named): nothing, and a warning. */
export function unknownUsage(warning: string): UsageSummary {
  return {
    modelsUsed: [],
    usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, total_tokens: 0, estimated_cost_usd: null },
    userMessages: 0,
    assistantMessages: 0,
    warnings: [warning],
  };
}

/** Reads whatever the session's usage record gained since the last read, through its agent's adapter. */
export function refreshUsage(s: SessionRecord): void {
  const reader = adapterNamed(s.agent)?.usage;
  if (!reader || !s.transcriptPath) return;
  s.transcriptState = reader.read(s.transcriptPath, s.transcriptState ?? null, s.id);
  const sum = reader.summarize(s.transcriptState);
  if (sum.version) s.agentVersion = sum.version;
  if (sum.slug) s.slug = sum.slug;
  if (sum.primaryModel) s.model = sum.primaryModel;
}

/** The session's usage as read so far (`refreshUsage` reads more). */
export function sessionUsage(s: SessionRecord): UsageSummary {
  const reader = adapterNamed(s.agent)?.usage;
  if (!reader) return unknownUsage(`${s.agent} keeps no usage records ai-trace can read: model, tokens and cost are unknown`);
  return reader.summarize(s.transcriptState ?? null);
}
