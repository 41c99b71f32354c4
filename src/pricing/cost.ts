import { type CategoryPrice, priceFor } from "./prices.js";

/** Token usage as Claude's API reports it in `message.usage`. */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number };
  speed?: string;
}

/** Tokens of one category in one response: each tier's price applies from its `start` on (ccusage's per-category rule). */
function tiered(tokens: number, price: CategoryPrice): number {
  if (tokens <= 0) return 0;
  let cost = 0;
  let from = 0;
  let rate = price.base;
  for (const tier of price.tiers) {
    if (tokens <= tier.start) break;
    cost += (tier.start - from) * rate;
    from = tier.start;
    rate = tier.price;
  }
  return cost + (tokens - from) * rate;
}

/** Cache-write tokens split by TTL: the ephemeral breakdown when present, else all of `cache_creation_input_tokens` as 5m. */
export function cacheWriteSplit(usage: TokenUsage): { write5m: number; write1h: number } {
  const cc = usage.cache_creation;
  if (cc) return { write5m: cc.ephemeral_5m_input_tokens ?? 0, write1h: cc.ephemeral_1h_input_tokens ?? 0 };
  return { write5m: usage.cache_creation_input_tokens, write1h: 0 };
}

/**
 * USD cost of one API response with Claude's usage semantics (input excludes cache reads and writes; output includes
 * reasoning), by ccusage's rules: tiers per category, 1h write at 2× input, fast multiplier. `provider` narrows the
 * price lookup (an agent's own provider id). Undefined for a model the price database does not know.
 */
export function costUSD(model: string, usage: TokenUsage, provider?: string): number | undefined {
  const price = priceFor(model, provider);
  if (!price) return undefined;
  const { write5m, write1h } = cacheWriteSplit(usage);
  const perMillion =
    tiered(usage.input_tokens, price.input) +
    tiered(usage.output_tokens, price.output) +
    tiered(write5m, price.cacheWrite5m) +
    tiered(write1h, price.cacheWrite1h) +
    tiered(usage.cache_read_input_tokens, price.cacheRead);
  const multiplier = usage.speed === "fast" ? (price.fastMultiplier ?? 1) : 1;
  return (perMillion / 1_000_000) * multiplier;
}
