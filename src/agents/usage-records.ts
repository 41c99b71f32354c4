import type { TokenUsage } from '../pricing/cost.js';
import { estimateCost } from '../pricing/estimate.js';
import type { SessionUsage, UsageSummary } from './adapter.js';

/** One model response's usage, already in Claude Code's token semantics. */
export interface UsageRecord {
  model?: string;
  usage: TokenUsage;
}

/**
 * Session figures from per-response usage records (for agents whose records are not Claude Code
 * transcripts): token sums, the cost by the one cost function (null with a warning for a model without
 * a price, never 0), the primary model (most output tokens) and the models used.
 */
export function summarizeRecords(records: readonly UsageRecord[], provider: string, extra: Partial<UsageSummary> = {}): UsageSummary {
  const usage: SessionUsage = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, total_tokens: 0, estimated_cost_usd: 0 };
  const output = new Map<string, number>();
  for (const { model, usage: u } of records) {
    usage.input_tokens += u.input_tokens;
    usage.output_tokens += u.output_tokens;
    usage.cache_read_input_tokens += u.cache_read_input_tokens;
    usage.cache_creation_input_tokens += u.cache_creation_input_tokens;
    if (model) output.set(model, (output.get(model) ?? 0) + u.output_tokens);
  }
  usage.total_tokens = usage.input_tokens + usage.output_tokens;
  const cost = estimateCost(records.map((r) => ({ ...r, provider })));
  usage.estimated_cost_usd = cost.estimated_cost_usd;
  let primary: string | undefined;
  for (const [m, out] of output) if (primary === undefined || out > output.get(primary)!) primary = m;
  return {
    userMessages: 0,
    assistantMessages: records.length,
    ...extra,
    ...(primary ? { primaryModel: primary } : {}),
    modelsUsed: [...output.keys()],
    usage,
    warnings: [...(extra.warnings ?? []), ...cost.warnings],
  };
}
