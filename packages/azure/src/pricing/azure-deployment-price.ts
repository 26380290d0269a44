import { resolveDeploymentPrice, type ModelInfo, type PriceEntry } from "@dheera/core";
import { AZURE_PRICE_ROWS, AZURE_PRICES } from "./azure-prices.js";
import { warnOnce } from "../config/warn-once.js";

/**
 * The price of an Azure deployment, resolved once when the deployment is: the deployment name
 * (or `model_info.base_model`) in the Azure table, exact or without a dated snapshot suffix,
 * then `model_info` prices on top. Anything short of a known price is reported once per
 * deployment through `warn`, naming it: an unpriced deployment costs `null`, never a silent 0.
 */
export function resolveAzurePrice(input: {
  deployment: string;
  apiBase: string;
  modelInfo?: ModelInfo | undefined;
  warn?: ((message: string) => void) | undefined;
}): PriceEntry | null {
  const resolved = resolveDeploymentPrice({ deployment: input.deployment, table: AZURE_PRICES, modelInfo: input.modelInfo });
  const name = `"${input.deployment}"`;
  if (resolved.price === null) {
    const why =
      resolved.reason === "unknown_base_model"
        ? `its model_info.base_model "${resolved.lookedUp}" is not in the Azure price table`
        : resolved.reason === "incomplete_model_info"
          ? `its model_info prices lack ${resolved.missing!.join(" and ")}`
          : "it is not in the Azure price table";
    warnOnce(input, "no-price", `No price for Azure deployment ${name} (${why}): its cost is reported as null. Set model_info.base_model to a known model, or model_info input_cost_per_token and output_cost_per_token.`);
    return null;
  }
  const row = resolved.key === undefined ? undefined : AZURE_PRICE_ROWS[resolved.key];
  // A borrowed price still in use (not overridden for both input and output) is worth a word.
  const overridden = input.modelInfo?.input_cost_per_token !== undefined && input.modelInfo.output_cost_per_token !== undefined;
  if (row && !row.verified && !overridden) {
    warnOnce(input, "unverified", `The price used for Azure deployment ${name} ("${resolved.key}") is OpenAI's list price, not verified for Azure. Set model_info prices to override it.`);
  }
  return resolved.price;
}
