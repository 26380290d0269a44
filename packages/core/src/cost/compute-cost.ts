import type { PriceEntry } from "./price-entry.js";
import type { TokenUsage } from "./token-usage.js";

/**
 * USD cost of one request:
 *
 *   (input - cached - writes) x input + cached x cache read + writes x cache write + output x output
 *
 * Reasoning tokens are part of output_tokens and billed at the output price (never added again).
 * Cached tokens cost the input price when the entry has no cache-read price (LiteLLM bills them
 * at 0 then, which under-reports). Cache writes are split out only when the entry prices them;
 * otherwise they are ordinary input tokens. Counts are clamped so that malformed usage (cached
 * above input) cannot produce a negative term. The sum is rounded to 12 significant digits to
 * drop binary floating-point noise (0.00725, not 0.007250000000000001).
 */
export function computeCost(usage: TokenUsage, price: PriceEntry): number {
  const cached = Math.min(usage.cached_input_tokens, usage.input_tokens);
  const writes = price.cache_creation_input_token_cost === undefined ? 0 : Math.min(usage.cache_write_tokens, usage.input_tokens - cached);
  const uncached = usage.input_tokens - cached - writes;
  const total =
    uncached * price.input_cost_per_token +
    cached * (price.cache_read_input_token_cost ?? price.input_cost_per_token) +
    writes * (price.cache_creation_input_token_cost ?? 0) +
    usage.output_tokens * price.output_cost_per_token;
  return Number(total.toPrecision(12));
}

/** `computeCost`, or `null` when the usage or the price is unknown: unknown is never 0. */
export function costOf(usage: TokenUsage | null | undefined, price: PriceEntry | null | undefined): number | null {
  return usage && price ? computeCost(usage, price) : null;
}
