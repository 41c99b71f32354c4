import { cacheWriteSplit, costUSD, type TokenUsage } from "./cost.js";

/** One model request's usage, already in Claude's semantics (see `TokenUsage`), with the model that served it. */
export interface PricedRequest {
  model?: string;
  /** The agent's provider id for the model (`anthropic`, `openai`, `google`, …), when it says. */
  provider?: string;
  usage: TokenUsage;
}

/** A session's estimated cost: USD rounded to 6 decimals, or null when none of its tokens could be priced. */
export interface CostEstimate {
  estimated_cost_usd: number | null;
  /** Models with tokens the price database does not know; their tokens are not in the figure. */
  unpriced: string[];
  /** One line per unpriced model, for the session's warnings. */
  warnings: string[];
}

const tokens = (u: TokenUsage): number => {
  const { write5m, write1h } = cacheWriteSplit(u);
  return u.input_tokens + u.output_tokens + u.cache_read_input_tokens + write5m + write1h;
};

/** The warning a session carries for a model it could not price. */
export function unpricedWarning(model: string): string {
  return `no price for model "${model}"; its usage is not in estimated_cost_usd`;
}

/**
 * The one cost function every agent adapter uses: sums the priced requests; a model the database does not know
 * gives a warning and leaves the figure null unless other requests were priced (never a made-up 0). No requests:
 * 0, nothing was spent. An adapter whose agent keeps no usage records reports null itself.
 */
export function estimateCost(requests: Iterable<PricedRequest>): CostEstimate {
  let usd = 0;
  let priced = false;
  const unpriced = new Set<string>();
  for (const { model, provider, usage } of requests) {
    if (tokens(usage) <= 0) continue;
    const cost = model ? costUSD(model, usage, provider) : undefined;
    if (cost === undefined) unpriced.add(model || "(unnamed)");
    else {
      usd += cost;
      priced = true;
    }
  }
  const estimated = unpriced.size > 0 && !priced ? null : Math.round(usd * 1e6) / 1e6;
  return { estimated_cost_usd: estimated, unpriced: [...unpriced], warnings: [...unpriced].map(unpricedWarning) };
}
