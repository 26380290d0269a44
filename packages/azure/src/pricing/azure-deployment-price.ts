import { resolveDeploymentPrice, type ModelInfo, type PriceEntry } from "@dheera/core";
import { AZURE_PRICE_ROWS, AZURE_PRICES } from "./azure-prices.js";

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

/*
 * Once per deployment (api base + name) per host: hosts resolve a deployment again when its
 * settings change (another key, a new environment), and that must not repeat the warning. Keyed
 * by the host's warn function so two SDK instances or two proxies each get told once.
 */
const warned = new WeakMap<(message: string) => void, Set<string>>();

function warnOnce(
  input: { deployment: string; apiBase: string; warn?: ((message: string) => void) | undefined },
  kind: "no-price" | "unverified",
  message: string,
): void {
  const warn = input.warn;
  if (!warn) return;
  let seen = warned.get(warn);
  if (!seen) warned.set(warn, (seen = new Set()));
  const key = `${kind}\u0000${input.apiBase}\u0000${input.deployment}`;
  if (seen.has(key)) return;
  seen.add(key);
  warn(message);
}
