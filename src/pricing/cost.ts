import { priceFor } from "./prices.js";

/** Token usage as Claude's API reports it in `message.usage`. */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number };
  speed?: string;
}

const TIER_THRESHOLD = 200_000;

function tiered(tokens: number, base: number, above: number | undefined): number {
  if (tokens <= 0) return 0;
  if (above === undefined || tokens <= TIER_THRESHOLD) return tokens * base;
  return TIER_THRESHOLD * base + (tokens - TIER_THRESHOLD) * above;
}

/** Cache-write tokens split by TTL: the ephemeral breakdown when present, else all of `cache_creation_input_tokens` as 5m. */
export function cacheWriteSplit(usage: TokenUsage): { write5m: number; write1h: number } {
  const cc = usage.cache_creation;
  if (cc) return { write5m: cc.ephemeral_5m_input_tokens ?? 0, write1h: cc.ephemeral_1h_input_tokens ?? 0 };
  return { write5m: usage.cache_creation_input_tokens, write1h: 0 };
}

/** USD cost of one API response, by ccusage's rules (200k tier per category, 1h write at 2× input, fast multiplier); undefined for an unpriced model. */
export function costUSD(model: string, usage: TokenUsage): number | undefined {
  const price = priceFor(model);
  if (!price) return undefined;
  const hi = price.above200k;
  const { write5m, write1h } = cacheWriteSplit(usage);
  const perMillion =
    tiered(usage.input_tokens, price.input, hi?.input) +
    tiered(usage.output_tokens, price.output, hi?.output) +
    tiered(write5m, price.cacheWrite5m, hi?.cacheWrite5m) +
    tiered(write1h, price.input * 2, hi ? hi.input * 2 : undefined) +
    tiered(usage.cache_read_input_tokens, price.cacheRead, hi?.cacheRead);
  const multiplier = usage.speed === "fast" ? (price.fastMultiplier ?? 1) : 1;
  return (perMillion / 1_000_000) * multiplier;
}
