import type { PriceEntry, PriceTable } from "@dheera/core";

/*
 * Azure OpenAI list prices, USD per token (input, cached input, output), for Global Standard
 * pay-as-you-go deployments unless a row says otherwise. Data Zone and Regional deployments,
 * Batch, Priority and Provisioned (PTU) are priced differently: set `model_info` prices for
 * those. Reasoning tokens are output tokens (core's computeCost).
 *
 * Where each price comes from (no row was checked against Azure's live pricing page; this
 * environment cannot reach it):
 *
 * - "reference": ../shared/reference/litellm-azure-responses.md section 7.4, i.e. LiteLLM
 *   v1.80.5's model_prices_and_context_window.json `azure/<name>` entries.
 * - "litellm-azure": not in that table; the `azure/<name>` entry of a newer
 *   BerriAI/litellm model_prices_and_context_window.json (commit 00035b69, read through the
 *   code index). Same map, not Azure's own page. Third-party summaries of Azure's page give the
 *   same numbers for the gpt-4.1 family (global: 2 / 0.50 / 8, 0.40 / 0.10 / 1.60,
 *   0.10 / 0.025 / 0.40 per 1M).
 * - "openai-list-unverified": no Azure price found anywhere; OpenAI's own public list price is
 *   used and the row is marked unverified. The provider warns once per deployment that uses it.
 *
 * Known caveats, kept as the sources give them rather than "corrected" by guesswork:
 * - gpt-4o-mini (reference): 0.165 / 0.075 / 0.66 per 1M is 10% above OpenAI's 0.15 / 0.60, i.e.
 *   probably the Data Zone / Regional price; a Global deployment may be billed slightly less.
 * - gpt-4o-2024-11-20 (reference): 2.75 / 1.25 / 11 per 1M, above the undated gpt-4o's 2.50 / 10.
 *   Kept as its own row because the reference lists it; exact names win over the dated-suffix
 *   fallback, so other gpt-4o snapshots use the gpt-4o row.
 * - o1-pro: no `azure/o1-pro` entry in either LiteLLM version (reference 7.4); the price is
 *   OpenAI's (LiteLLM's `o1-pro`, provider openai: 150 / 600 per 1M, no cached price, so cached
 *   input is billed at the input price).
 */

export type AzurePriceSource = "reference" | "litellm-azure" | "openai-list-unverified";

export interface AzurePriceRow {
  price: PriceEntry;
  source: AzurePriceSource;
  /** False when the price is not known to be Azure's own. */
  verified: boolean;
}

/** USD per 1M tokens, as price lists publish them, to USD per token. */
function perMillion(input: number, cachedInput: number | undefined, output: number, source: AzurePriceSource): AzurePriceRow {
  const price: PriceEntry = {
    input_cost_per_token: input / 1e6,
    output_cost_per_token: output / 1e6,
    ...(cachedInput === undefined ? {} : { cache_read_input_token_cost: cachedInput / 1e6 }),
  };
  return { price, source, verified: source !== "openai-list-unverified" };
}

/** Keys are model names in lower case; a deployment named differently maps here with `model_info.base_model`. */
export const AZURE_PRICE_ROWS: Readonly<Record<string, AzurePriceRow>> = Object.freeze({
  //                          input  cached   output  (USD per 1M tokens)
  "gpt-4o": perMillion(2.5, 1.25, 10, "reference"),
  "gpt-4o-2024-11-20": perMillion(2.75, 1.25, 11, "reference"),
  "gpt-4o-mini": perMillion(0.165, 0.075, 0.66, "reference"),
  "gpt-4.1": perMillion(2, 0.5, 8, "reference"),
  "gpt-4.1-mini": perMillion(0.4, 0.1, 1.6, "litellm-azure"),
  "gpt-4.1-nano": perMillion(0.1, 0.025, 0.4, "litellm-azure"),
  o1: perMillion(15, 7.5, 60, "reference"),
  "o1-pro": perMillion(150, undefined, 600, "openai-list-unverified"),
  o3: perMillion(2, 0.5, 8, "reference"),
  "o3-mini": perMillion(1.1, 0.55, 4.4, "litellm-azure"),
  "o4-mini": perMillion(1.1, 0.275, 4.4, "reference"),
  "codex-mini": perMillion(1.5, 0.375, 6, "reference"),
  "gpt-5": perMillion(1.25, 0.125, 10, "reference"),
  "gpt-5-mini": perMillion(0.25, 0.025, 2, "litellm-azure"),
  "gpt-5-nano": perMillion(0.05, 0.005, 0.4, "litellm-azure"),
  "gpt-5-codex": perMillion(1.25, 0.125, 10, "reference"),
});

/** The table as core's `findPrice` / `resolveDeploymentPrice` read it. */
export const AZURE_PRICES: PriceTable = Object.freeze(
  Object.fromEntries(Object.entries(AZURE_PRICE_ROWS).map(([name, row]) => [name, row.price])),
);
