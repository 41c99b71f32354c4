import { createRequire } from "node:module";
import type { ModelPrice as GenaiModelPrice, PriceCalculationResult, Usage } from "@pydantic/genai-prices";

/** USD per million tokens; `tiers`: from `start` tokens of the category in one request on, `price` applies. */
export interface CategoryPrice {
  base: number;
  tiers: { start: number; price: number }[];
}

/** One model's prices as the database gives them: a category is absent when the database has no price for it. */
export interface DatabasePrice {
  provider: string;
  modelId: string;
  input: CategoryPrice;
  output: CategoryPrice;
  cacheWrite?: CategoryPrice;
  cacheRead?: CategoryPrice;
}

type CalcPrice = (usage: Usage, modelId: string, options?: { providerId?: string }) => PriceCalculationResult;

let calc: CalcPrice | undefined;

// The package embeds its whole price table as code (about half a second to load), so it is loaded on first use only.
function calcPrice(): CalcPrice {
  if (!calc) calc = (createRequire(import.meta.url)("@pydantic/genai-prices") as { calcPrice: CalcPrice }).calcPrice;
  return calc;
}

function category(value: GenaiModelPrice[string]): CategoryPrice | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return { base: value, tiers: [] };
  return { base: value.base, tiers: [...value.tiers].sort((a, b) => a.start - b.start) };
}

const memo = new Map<string, DatabasePrice | null>();

/**
 * Looks a model id up in the @pydantic/genai-prices database shipped with the package (no network), optionally
 * within one provider (`anthropic`, `openai`, `google`, …); null when the database does not know it.
 */
export function databasePrice(modelId: string, provider?: string): DatabasePrice | null {
  const key = `${provider ?? ""}\u0000${modelId}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  let found: DatabasePrice | null = null;
  if (modelId) {
    let result: PriceCalculationResult = null;
    try {
      result = calcPrice()({ input_tokens: 0 }, modelId, provider ? { providerId: provider } : undefined);
    } catch {
      result = null;
    }
    const mp = result?.model_price;
    const input = category(mp?.input_mtok);
    const output = category(mp?.output_mtok);
    if (result && mp && input && output) {
      found = {
        provider: result.provider.id,
        modelId: result.model.id,
        input,
        output,
        cacheWrite: category(mp.cache_write_mtok),
        cacheRead: category(mp.cache_read_mtok),
      };
    }
  }
  memo.set(key, found);
  return found;
}
