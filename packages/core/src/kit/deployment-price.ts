import { priceSourceOf, resolveDeploymentPrice } from "../cost/find-price.js";
import type { ModelInfo, PriceEntry } from "../cost/price-entry.js";
import { catalogPrice } from "./catalog-price.js";
import { warnOnce } from "./warn-once.js";

/**
 * A provider's deployment price, resolved once when the deployment is: `model_info` prices over
 * the price database's entry for `model_info.base_model` or the deployment's own name, at this
 * provider (`catalogProvider`). What falls short of a price of the provider's own is said once
 * per deployment through `warn`, naming it: no price at all (cost `null`, never a silent 0), or
 * another provider's list price standing in; nothing is said when `model_info` sets the prices.
 */
export function resolveProviderPrice(input: {
  /** How messages name the provider (`Azure`). */
  displayName: string;
  /** The price database's provider id (`azure`, `openai`). */
  catalogProvider: string;
  deployment: string;
  apiBase: string;
  modelInfo?: ModelInfo | undefined;
  warn?: ((message: string) => void) | undefined;
}): { price: PriceEntry | null; priceSource: string | undefined } {
  let fallback: { model: string; owner: string } | undefined;
  const resolved = resolveDeploymentPrice({
    deployment: input.deployment,
    modelInfo: input.modelInfo,
    catalog: (name) => {
      const found = catalogPrice(name, { provider: input.catalogProvider });
      if (found?.fallback) fallback = { model: found.model, owner: found.source.replace(/^genai-prices:/, "") };
      return found;
    },
  });
  const name = `${input.displayName} deployment "${input.deployment}"`;
  if (resolved.price === null) {
    const why =
      resolved.reason === "unknown_base_model"
        ? `its model_info.base_model "${resolved.lookedUp}" is not in the price database (genai-prices)`
        : resolved.reason === "incomplete_model_info"
          ? `its model_info prices lack ${resolved.missing!.join(" and ")}`
          : "it is not in the price database (genai-prices)";
    warnOnce(input, "no-price", `No price for ${name} (${why}): its cost is reported as null. Set model_info.base_model to a known model, or model_info input_cost_per_token and output_cost_per_token.`);
    return { price: null, priceSource: undefined };
  }
  const overridden = input.modelInfo?.input_cost_per_token !== undefined && input.modelInfo.output_cost_per_token !== undefined;
  if (fallback && resolved.source === "catalog" && !overridden) {
    warnOnce(
      input,
      "list-price",
      `The price used for ${name} is ${fallback.owner}'s list price for "${fallback.model}" (genai-prices has no ${input.displayName} price for it). Set model_info prices to override it.`,
    );
  }
  return { price: resolved.price, priceSource: priceSourceOf(resolved) };
}
