import { describe, expect, it } from "vitest";
import { costUSD, type TokenUsage } from "../src/pricing/cost.js";
import { estimateCost } from "../src/pricing/estimate.js";
import { type ModelPrice, priceFor } from "../src/pricing/prices.js";

function usage(partial: Partial<TokenUsage>): TokenUsage {
  return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...partial };
}

const bases = (p: ModelPrice | undefined) =>
  p && { input: p.input.base, output: p.output.base, cacheWrite5m: p.cacheWrite5m.base, cacheWrite1h: p.cacheWrite1h.base, cacheRead: p.cacheRead.base };

describe("priceFor (the @pydantic/genai-prices database under the cost rules)", () => {
  it.each([
    ["claude-opus-4-6", "claude-opus-4-6"],
    ["claude-sonnet-4-5-20250929", "claude-sonnet-4-5"],
    ["claude-opus-4-20250514", "claude-opus-4"],
    ["claude-opus-4-1-20250805", "claude-opus-4-1"],
    ["claude-3-5-haiku-20241022", "claude-3-5-haiku"],
    ["claude-3-5-sonnet-latest", "claude-3-5-sonnet"],
    ["anthropic/claude-haiku-4-5", "claude-haiku-4-5"],
    ["anthropic/claude-sonnet-4-5-20250929", "claude-sonnet-4-5"],
    ["us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"],
    ["claude-sonnet-4-5@20250929", "claude-sonnet-4-5"],
    ["sonnet-4-5", "claude-sonnet-4-5"],
    ["opus-4-8", "claude-opus-4-8"],
    ["Claude-Opus-4-7", "claude-opus-4-7"],
    ["claude-sonnet-4-6[1m]", "claude-sonnet-4-6"],
    ["claude-opus-4-6-fast", "claude-opus-4-6"],
  ])("%s prices like %s", (model, base) => {
    expect(priceFor(model)).toBeDefined();
    expect(priceFor(model)).toEqual(priceFor(base));
  });

  it.each(["<synthetic>", "", "   ", "claude-opus-9", "mystery-model", "fake-model"])("%j has no price", (model) => {
    expect(priceFor(model)).toBeUndefined();
  });

  it.each([
    ["gpt-5", "openai", [1.25, 10, 0.125]],
    ["gpt-4.1", "openai", [2, 8, 0.5]],
    ["openai/gpt-4o", "openai", [2.5, 10, 1.25]],
    ["gemini-2.5-pro", "google", [1.25, 10, 0.125]],
    ["gemini-2.5-flash", "google", [0.3, 2.5, 0.03]],
  ] as const)("%s: other providers' models come from the database (%s)", (model, provider, [input, output, read]) => {
    const p = priceFor(model);
    expect(p?.provider).toBe(provider);
    expect(bases(p)).toMatchObject({ input, output, cacheRead: read, cacheWrite1h: input * 2 });
  });

  it("a provider hint narrows the lookup, and an unknown provider falls back to the model id alone", () => {
    expect(priceFor("gpt-5", "openai")?.provider).toBe("openai");
    expect(priceFor("gpt-5", "no-such-provider")).toEqual(priceFor("gpt-5"));
  });

  it("no cache prices in the database: write = 1.25x input, read = 0.1x input (ccusage's rule)", () => {
    const p = priceFor("gpt-5") as ModelPrice;
    expect(p.cacheWrite5m.base).toBeCloseTo(1.25 * 1.25, 10);
  });

  it.each(["claude-opus-4-6", "claude-sonnet-4-5", "claude-sonnet-4", "claude-3-haiku", "claude-3-opus", "gemini-2.5-pro"])("%s: 1h write costs 2x input, tiers included", (model) => {
    const price = priceFor(model) as ModelPrice;
    expect(price.cacheWrite1h.base).toBe(price.input.base * 2);
    expect(price.cacheWrite1h.tiers).toEqual(price.input.tiers.map((t) => ({ start: t.start, price: t.price * 2 })));
  });

  it.each([
    ["claude-opus-4-8", [5, 25, 6.25, 10, 0.5]],
    ["claude-opus-4-7", [5, 25, 6.25, 10, 0.5]],
    ["claude-opus-4-6", [5, 25, 6.25, 10, 0.5]],
    ["claude-opus-4-5", [5, 25, 6.25, 10, 0.5]],
    ["claude-opus-4-1", [15, 75, 18.75, 30, 1.5]],
    ["claude-opus-4", [15, 75, 18.75, 30, 1.5]],
    ["claude-3-opus", [15, 75, 18.75, 30, 1.5]],
    ["claude-sonnet-5", [2, 10, 2.5, 4, 0.2]],
    ["claude-fable-5", [10, 50, 12.5, 20, 1]],
    ["claude-sonnet-4-6", [3, 15, 3.75, 6, 0.3]],
    ["claude-sonnet-4-5", [3, 15, 3.75, 6, 0.3]],
    ["claude-sonnet-4", [3, 15, 3.75, 6, 0.3]],
    ["claude-3-7-sonnet", [3, 15, 3.75, 6, 0.3]],
    ["claude-3-5-sonnet", [3, 15, 3.75, 6, 0.3]],
    ["claude-haiku-4-5", [1, 5, 1.25, 2, 0.1]],
    ["claude-3-5-haiku", [0.8, 4, 1, 1.6, 0.08]],
    ["claude-3-haiku", [0.25, 1.25, 0.3, 0.5, 0.03]],
  ] as const)("%s matches the agents.md table", (model, [input, output, w5m, w1h, read]) => {
    expect(bases(priceFor(model))).toEqual({ input, output, cacheWrite5m: w5m, cacheWrite1h: w1h, cacheRead: read });
  });

  it.each([
    ["claude-sonnet-4-5", [6, 22.5, 7.5, 12, 0.6]],
    ["claude-sonnet-4", [6, 22.5, 7.5, 12, 0.6]],
  ] as const)("%s above 200k matches the agents.md table", (model, [input, output, w5m, w1h, read]) => {
    const p = priceFor(model) as ModelPrice;
    const above = (c: ModelPrice["input"]) => c.tiers.find((t) => t.start === 200_000)?.price;
    expect([above(p.input), above(p.output), above(p.cacheWrite5m), above(p.cacheWrite1h), above(p.cacheRead)]).toEqual([input, output, w5m, w1h, read]);
  });
});

describe("estimateCost (what every agent adapter calls)", () => {
  it("sums priced requests, warns about an unknown model and leaves its tokens out", () => {
    const est = estimateCost([
      { model: "claude-opus-4-6", usage: usage({ input_tokens: 1000 }) },
      { model: "mystery-model", usage: usage({ input_tokens: 1000 }) },
      { model: "gpt-5", provider: "openai", usage: usage({ input_tokens: 1_000_000, output_tokens: 1_000_000 }) },
    ]);
    expect(est.estimated_cost_usd).toBeCloseTo(0.005 + 1.25 + 10, 6);
    expect(est.unpriced).toEqual(["mystery-model"]);
    expect(est.warnings).toEqual([expect.stringContaining('"mystery-model"')]);
  });

  it("only unknown models: null, never 0", () => {
    const est = estimateCost([{ model: "mystery-model", usage: usage({ output_tokens: 5 }) }, { usage: usage({ input_tokens: 3 }) }]);
    expect(est.estimated_cost_usd).toBeNull();
    expect(est.unpriced).toEqual(["mystery-model", "(unnamed)"]);
  });

  it("no tokens spent: 0, and an unknown model with no tokens is no warning", () => {
    expect(estimateCost([])).toEqual({ estimated_cost_usd: 0, unpriced: [], warnings: [] });
    expect(estimateCost([{ model: "mystery-model", usage: usage({}) }])).toEqual({ estimated_cost_usd: 0, unpriced: [], warnings: [] });
  });

  it("rounds to 6 decimals", () => {
    expect(estimateCost([{ model: "claude-haiku-4-5", usage: usage({ input_tokens: 1 }) }]).estimated_cost_usd).toBe(0.000001);
  });
});

describe("costUSD", () => {
  it("reproduces the Chainloop example (claude-opus-4-6 → 0.1917)", () => {
    const cost = costUSD("claude-opus-4-6", usage({ input_tokens: 8, output_tokens: 294, cache_read_input_tokens: 91602, cache_creation_input_tokens: 22159 }));
    expect(cost).toBeDefined();
    expect(Math.round((cost as number) * 10_000) / 10_000).toBe(0.1917);
  });

  it.each([
    ["plain sonnet-4-5", "claude-sonnet-4-5-20250929", usage({ input_tokens: 21, output_tokens: 395, cache_creation_input_tokens: 14826, cache_read_input_tokens: 43290 }), 0.0745725],
    ["1h write at 2x input", "claude-haiku-4-5", usage({ cache_creation_input_tokens: 1_000_000, cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1_000_000 } }), 2],
    ["breakdown wins over cache_creation_input_tokens", "claude-haiku-4-5", usage({ cache_creation_input_tokens: 999, cache_creation: { ephemeral_5m_input_tokens: 1_000_000, ephemeral_1h_input_tokens: 1_000_000 } }), 1.25 + 2],
    ["no breakdown: all writes are 5m", "claude-haiku-4-5", usage({ cache_creation_input_tokens: 1_000_000 }), 1.25],
    ["200k tier on input only", "claude-sonnet-4-5", usage({ input_tokens: 300_000, output_tokens: 100_000 }), 0.6 + 0.6 + 1.5],
    ["200k tier per category", "claude-sonnet-4", usage({ cache_read_input_tokens: 250_000, cache_creation_input_tokens: 250_000 }), 0.06 + 0.03 + 0.75 + 0.375],
    ["200k tier on 1h writes", "claude-sonnet-4-5", usage({ cache_creation: { ephemeral_1h_input_tokens: 300_000 } }), 1.2 + 1.2],
    ["exactly 200k stays in the base tier", "claude-sonnet-4-5", usage({ input_tokens: 200_000 }), 0.6],
    ["no tier for opus-4-6", "claude-opus-4-6", usage({ input_tokens: 1_000_000 }), 5],
    ["no tier for sonnet-4-6", "claude-sonnet-4-6", usage({ input_tokens: 1_000_000 }), 3],
    ["fast opus-4-6 x6", "claude-opus-4-6", usage({ output_tokens: 1_000_000, speed: "fast" }), 150],
    ["fast opus-4-7 x6", "claude-opus-4-7", usage({ output_tokens: 1_000_000, speed: "fast" }), 150],
    ["fast opus-4-8 x2", "claude-opus-4-8", usage({ output_tokens: 1_000_000, speed: "fast" }), 50],
    ["fast without a multiplier is x1", "claude-sonnet-4-6", usage({ output_tokens: 1_000_000, speed: "fast" }), 15],
    ["200k tier on output, fast ignored without a multiplier", "claude-sonnet-4-5", usage({ output_tokens: 1_000_000, speed: "fast" }), 3 + 18],
    ["standard speed is x1", "claude-opus-4-6", usage({ output_tokens: 1_000_000, speed: "standard" }), 25],
    ["zero usage", "claude-opus-4-6", usage({}), 0],
  ])("%s", (_, model, u, expected) => {
    expect(costUSD(model, u)).toBeCloseTo(expected, 10);
  });

  it("is undefined for an unpriced model", () => {
    expect(costUSD("mystery-model", usage({ input_tokens: 10 }))).toBeUndefined();
  });

  it("prices a Gemini model's 200k tier per category", () => {
    expect(costUSD("gemini-2.5-pro", usage({ input_tokens: 300_000 }))).toBeCloseTo(0.25 + 0.25, 10);
  });
});
