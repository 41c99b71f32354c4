import { type CategoryPrice, databasePrice, type DatabasePrice } from "./database.js";

export type { CategoryPrice } from "./database.js";

/** A model's USD-per-million-token prices by the cost rules (agents.md section 3), from the price database. */
export interface ModelPrice {
  /** Where the figures come from: the database's provider and model id. */
  provider: string;
  modelId: string;
  input: CategoryPrice;
  output: CategoryPrice;
  cacheWrite5m: CategoryPrice;
  cacheWrite1h: CategoryPrice;
  cacheRead: CategoryPrice;
  /** `speed: "fast"` responses cost this many times the list price. */
  fastMultiplier?: number;
}

const scaled = (p: CategoryPrice, factor: number): CategoryPrice => ({
  base: p.base * factor,
  tiers: p.tiers.map((t) => ({ start: t.start, price: t.price * factor })),
});

const above200k = (base: number, price: number): CategoryPrice => ({ base, tiers: [{ start: 200_000, price }] });

/**
 * Where ccusage's figures (which Claude Code's own cost matches) differ from the database: its fast-mode multipliers,
 * and the 200k tier LiteLLM lists for claude-sonnet-4. Keyed by the database's model id.
 */
const CLAUDE_RULES: Readonly<Record<string, Partial<Pick<ModelPrice, "fastMultiplier" | "input" | "output" | "cacheWrite5m" | "cacheRead">>>> = {
  "claude-opus-4-8": { fastMultiplier: 2 },
  "claude-opus-4-7": { fastMultiplier: 6 },
  "claude-opus-4-6": { fastMultiplier: 6 },
  "claude-sonnet-4-0": {
    input: above200k(3, 6),
    output: above200k(15, 22.5),
    cacheWrite5m: above200k(3.75, 7.5),
    cacheRead: above200k(0.3, 0.6),
  },
};

/** The cost rules over a database entry: no cache-write price = 1.25× input, no cache-read price = 0.1× input, 1h write = 2× input. */
function byRules(db: DatabasePrice): ModelPrice {
  const rules = db.provider === "anthropic" ? CLAUDE_RULES[db.modelId] : undefined;
  const input = rules?.input ?? db.input;
  const price: ModelPrice = {
    provider: db.provider,
    modelId: db.modelId,
    input,
    output: rules?.output ?? db.output,
    cacheWrite5m: rules?.cacheWrite5m ?? db.cacheWrite ?? scaled(input, 1.25),
    cacheWrite1h: scaled(input, 2),
    cacheRead: rules?.cacheRead ?? db.cacheRead ?? scaled(input, 0.1),
  };
  if (rules?.fastMultiplier !== undefined) price.fastMultiplier = rules.fastMultiplier;
  return price;
}

/** Candidate base ids for an Anthropic-style model string, most specific first. */
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

/** (model id, provider) pairs to look up, most specific first. */
function lookups(model: string, provider?: string): [string, string | undefined][] {
  const raw = model.trim().toLowerCase();
  if (!raw) return [];
  const normalized = normalizeModel(raw);
  const claude = normalized.filter((m) => m.startsWith("claude-"));
  // A Claude model (also through Bedrock, Vertex or a gateway) is priced at Anthropic's list price.
  if (normalized[0]?.startsWith("claude-")) return claude.map((m) => [m, "anthropic"]);
  const bare = raw.slice(raw.lastIndexOf("/") + 1);
  const out: [string, string | undefined][] = [];
  for (const id of new Set([raw, bare])) {
    if (provider) out.push([id, provider.toLowerCase()]);
    out.push([id, undefined]);
  }
  for (const id of claude) out.push([id, "anthropic"]);
  return out;
}

/**
 * The price of a model by its id as an agent reports it (`claude-sonnet-4-5-20250929`, `anthropic/claude-haiku-4-5`,
 * `us.anthropic.…-v1:0`, `gpt-5.1-codex`, `gemini-2.5-pro`, …), optionally with the agent's provider id; undefined
 * when the price database does not know the model.
 */
export function priceFor(model: string, provider?: string): ModelPrice | undefined {
  for (const [id, p] of lookups(model, provider)) {
    const db = databasePrice(id, p);
    if (db) return byRules(db);
  }
  return undefined;
}
