import { estimateCost } from '../pricing/estimate.js';
import type { UsageSummary } from './adapter.js';

/**
 * Per-request token counts in Claude Code's semantics (input excludes cache reads and writes; output
 * includes reasoning), as adapters whose agents keep one usage record per model request collect them, and
 * the session totals ai-trace reports from them.
 */

/** One model request. */
export interface RequestUsage {
  model?: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Session totals in the evidence's `usage` shape (cost is priced elsewhere). */
export interface TokenTotals {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  /** input + output, as for Claude Code. */
  total_tokens: number;
}

export function tokenTotals(requests: readonly RequestUsage[]): TokenTotals {
  const t = { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, total_tokens: 0 };
  for (const r of requests) {
    t.input_tokens += r.input;
    t.output_tokens += r.output;
    t.cache_read_input_tokens += r.cacheRead;
    t.cache_creation_input_tokens += r.cacheWrite;
  }
  t.total_tokens = t.input_tokens + t.output_tokens;
  return t;
}

/** Models in the order they first served a request. */
export function modelsUsed(requests: readonly RequestUsage[]): string[] {
  const out: string[] = [];
  for (const r of requests) if (r.model && !out.includes(r.model)) out.push(r.model);
  return out;
}

/** The model with the most output tokens (ties: the first seen), as for Claude Code. */
export function primaryModel(requests: readonly RequestUsage[]): string | undefined {
  const out = new Map<string, number>();
  for (const r of requests) if (r.model) out.set(r.model, (out.get(r.model) ?? 0) + r.output);
  let best: string | undefined;
  for (const [m, n] of out) if (best === undefined || n > out.get(best)!) best = m;
  return best;
}

/** What every request-based usage reader reports besides the requests themselves. */
export interface RequestSummaryExtras {
  version?: string;
  slug?: string;
  /** The model the agent says it uses, when no request names one yet. */
  fallbackModel?: string;
  userMessages: number;
  assistantMessages: number;
  lastTimestamp?: string;
  warnings: readonly string[];
}

/** The session's usage summary from its requests: totals, models, and the cost priced by the one price database. */
export function summarizeRequests(requests: readonly (RequestUsage & { provider?: string })[], extras: RequestSummaryExtras): UsageSummary {
  const totals = tokenTotals(requests);
  const cost = estimateCost(
    requests.map((r) => ({
      model: r.model,
      provider: r.provider,
      usage: { input_tokens: r.input, output_tokens: r.output, cache_read_input_tokens: r.cacheRead, cache_creation_input_tokens: r.cacheWrite },
    })),
  );
  const primary = primaryModel(requests) ?? extras.fallbackModel;
  const models = modelsUsed(requests);
  return {
    ...(extras.version ? { version: extras.version } : {}),
    ...(extras.slug ? { slug: extras.slug } : {}),
    ...(primary ? { primaryModel: primary } : {}),
    modelsUsed: models.length ? models : primary ? [primary] : [],
    usage: { ...totals, estimated_cost_usd: cost.estimated_cost_usd },
    userMessages: extras.userMessages,
    assistantMessages: extras.assistantMessages,
    ...(extras.lastTimestamp ? { lastTimestamp: extras.lastTimestamp } : {}),
    warnings: [...extras.warnings, ...cost.warnings],
  };
}
