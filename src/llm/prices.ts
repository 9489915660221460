/**
 * Prices in US dollars per million tokens (input, output), by model-name prefix. Defaults are
 * the public list prices when this was written; LLM_PRICES (JSON, same shape) overrides them.
 * A model with no price costs 0 and says so in doctor, rather than guessing.
 */
import { z } from "zod";

export const pricesSchema = z.record(z.string().min(1), z.tuple([z.number().min(0), z.number().min(0)]));
export type Prices = z.infer<typeof pricesSchema>;

export const DEFAULT_PRICES: Prices = {
  "claude-3-5-haiku": [0.8, 4],
  "claude-3-5-sonnet": [3, 15],
  "claude-sonnet-4": [3, 15],
  "claude-opus-4": [15, 75],
  "gpt-4o-mini": [0.15, 0.6],
  "gpt-4o": [2.5, 10],
  "gpt-4.1-mini": [0.4, 1.6],
  "gpt-4.1": [2, 8],
};

/** The longest matching prefix wins ("gpt-4o-mini" over "gpt-4o"). */
export function costOf(prices: Prices, model: string, inputTokens: number, outputTokens: number): number {
  const key = Object.keys(prices)
    .filter((k) => model.startsWith(k))
    .sort((a, b) => b.length - a.length)[0];
  if (!key) return 0;
  const [i, o] = prices[key]!;
  return (inputTokens * i + outputTokens * o) / 1_000_000;
}
