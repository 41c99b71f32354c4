/** USD per million tokens for one pricing tier. */
export interface TierPrice {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

/** Price of one model: base tier, optional tier for tokens beyond 200k per category per request, fast-mode multiplier. */
export interface ModelPrice extends TierPrice {
  above200k?: TierPrice;
  fastMultiplier?: number;
}

function tier(input: number, output: number, cacheWrite5m: number, cacheRead: number): TierPrice {
  return { input, output, cacheWrite5m, cacheWrite1h: input * 2, cacheRead };
}

const opus45: ModelPrice = tier(5, 25, 6.25, 0.5);
const opusLegacy: ModelPrice = tier(15, 75, 18.75, 1.5);
const sonnet: ModelPrice = tier(3, 15, 3.75, 0.3);
const sonnetTiered: ModelPrice = { ...sonnet, above200k: tier(6, 22.5, 7.5, 0.6) };

/** Base model id → price (agents.md section 3: LiteLLM rates, ccusage built-ins, 1h write = 2× input). */
export const PRICES: Readonly<Record<string, ModelPrice>> = {
  "claude-opus-4-8": { ...opus45, fastMultiplier: 2 },
  "claude-opus-4-7": { ...opus45, fastMultiplier: 6 },
  "claude-opus-4-6": { ...opus45, fastMultiplier: 6 },
  "claude-opus-4-5": opus45,
  "claude-opus-4-1": opusLegacy,
  "claude-opus-4": opusLegacy,
  "claude-3-opus": opusLegacy,
  "claude-sonnet-5": tier(2, 10, 2.5, 0.2),
  "claude-fable-5": tier(10, 50, 12.5, 1),
  "claude-sonnet-4-6": sonnet,
  "claude-sonnet-4-5": sonnetTiered,
  "claude-sonnet-4": sonnetTiered,
  "claude-3-7-sonnet": sonnet,
  "claude-3-5-sonnet": sonnet,
  "claude-haiku-4-5": tier(1, 5, 1.25, 0.1),
  "claude-3-5-haiku": tier(0.8, 4, 1, 0.08),
  "claude-3-haiku": tier(0.25, 1.25, 0.3, 0.03),
};

/** Candidate base ids for a model string, most specific first. */
export function normalizeModel(model: string): string[] {
  let m = model.trim().toLowerCase();
  m = m.slice(m.lastIndexOf("/") + 1);
  m = m.replace(/^(?:[a-z]{2,4}\.)?anthropic\./, "");
  m = m.replace(/\[[^\]]*\]$/, "");
  m = m.replace(/-v\d+(?::\d+)?$/, "");
  m = m.replace(/[@.]/g, "-");
  m = m.replace(/-(?:\d{8}|latest)$/, "");
  m = m.replace(/-fast$/, "");
  return m.startsWith("claude-") ? [m] : [m, `claude-${m}`];
}

/** Price for a model id; dated (`-YYYYMMDD`), `anthropic/`, Bedrock/Vertex and `claude-`-less spellings resolve to the base model. */
export function priceFor(model: string): ModelPrice | undefined {
  if (Object.hasOwn(PRICES, model)) return PRICES[model];
  for (const candidate of normalizeModel(model)) {
    if (Object.hasOwn(PRICES, candidate)) return PRICES[candidate];
  }
  return undefined;
}
