import { z } from "zod";

/*
 * What a deployment costs, in USD per token, and the `model_info` block hosts use to set or
 * override it. Field names are the ones LiteLLM's price map and config files use, so a
 * `model_info` copied from a LiteLLM config means the same thing here.
 */

const usdPerToken = z.number().nonnegative().finite();

/**
 * The price of one deployment. Cached input tokens cost `cache_read_input_token_cost` (the input
 * price when absent: never cheaper than we know); cache writes are billed apart only when
 * `cache_creation_input_token_cost` is set. Reasoning tokens are output tokens.
 */
export const priceEntrySchema = z.strictObject({
  input_cost_per_token: usdPerToken,
  output_cost_per_token: usdPerToken,
  cache_read_input_token_cost: usdPerToken.optional(),
  cache_creation_input_token_cost: usdPerToken.optional(),
});
export type PriceEntry = z.infer<typeof priceEntrySchema>;

/** Price entries by model name (lower case), as a provider package ships them. */
export type PriceTable = Readonly<Record<string, PriceEntry>>;

/**
 * Per-deployment pricing configuration a host passes to a provider (`ProviderContext.modelInfo`):
 * `base_model` names the table entry a custom deployment name stands for; the prices override
 * that entry field by field, or price the deployment on their own when they give at least input
 * and output. Strict, as everything users configure: a typo is an error naming the key.
 */
export const modelInfoSchema = z.strictObject({
  base_model: z.string().min(1).optional(),
  input_cost_per_token: usdPerToken.optional(),
  output_cost_per_token: usdPerToken.optional(),
  cache_read_input_token_cost: usdPerToken.optional(),
  cache_creation_input_token_cost: usdPerToken.optional(),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

export const PRICE_KEYS = [
  "input_cost_per_token",
  "output_cost_per_token",
  "cache_read_input_token_cost",
  "cache_creation_input_token_cost",
] as const satisfies readonly (keyof PriceEntry)[];
