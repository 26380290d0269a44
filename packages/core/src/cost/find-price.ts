import { PRICE_KEYS, priceEntrySchema, type ModelInfo, type PriceEntry, type PriceTable } from "./price-entry.js";

/** A dated snapshot suffix, as in `gpt-4o-2024-11-20`. */
const DATED_SNAPSHOT = /-\d{4}-\d{2}-\d{2}$/;

export interface PriceMatch {
  /** The table key that matched (`gpt-4o` for `gpt-4o-2024-11-20` when no dated entry exists). */
  key: string;
  price: PriceEntry;
}

/**
 * Looks a model or deployment name up in a price table: the exact name first (a dated entry
 * can differ from the undated one), then the name without its dated snapshot suffix. Names are
 * compared in lower case; table keys are expected in lower case.
 */
export function findPrice(table: PriceTable, name: string): PriceMatch | undefined {
  const exact = name.trim().toLowerCase();
  const candidates = [exact, exact.replace(DATED_SNAPSHOT, "")];
  for (const key of candidates) {
    if (Object.hasOwn(table, key)) return { key, price: table[key]! };
  }
  return undefined;
}

export type DeploymentPrice =
  /**
   * Priced: from the provider's table (`key`), from a price database (`catalog`, who priced it),
   * from model_info alone, or either with model_info overrides.
   */
  | { price: PriceEntry; source: "table" | "catalog" | "model_info" | "table+model_info" | "catalog+model_info"; key: string | undefined; catalog?: string }
  /**
   * Not priced. `reason` says why, for the provider's warning: no table entry for the name,
   * a `base_model` that is not in the table, or model_info prices that lack input or output.
   */
  | { price: null; reason: "unknown_model" | "unknown_base_model" | "incomplete_model_info"; lookedUp: string; missing?: string[] };

/** A price database's answer for a name (`catalogPrice` in `@dheera/core/kit`). */
export type PriceCatalog = (name: string) => { price: PriceEntry; source: string; model?: string } | undefined;

/**
 * The price of a deployment, resolved once when the deployment is: `model_info.base_model` (or
 * else the deployment name) is looked up in the provider's table (`findPrice`), then in the price
 * database (`catalog`), then `model_info`'s own prices override that entry field by field.
 * Without an entry, model_info prices stand on their own when they give at least input and
 * output. Never a silent zero: what cannot be priced is `price: null` with the reason.
 */
export function resolveDeploymentPrice(input: { deployment: string; table?: PriceTable; catalog?: PriceCatalog; modelInfo?: ModelInfo | undefined }): DeploymentPrice {
  const info = input.modelInfo ?? {};
  const lookedUp = info.base_model ?? input.deployment;
  const match = input.table ? findPrice(input.table, lookedUp) : undefined;
  const fromCatalog = match ? undefined : input.catalog?.(lookedUp);
  const overrides: Partial<PriceEntry> = {};
  for (const key of PRICE_KEYS) if (info[key] !== undefined) overrides[key] = info[key];
  const hasOverrides = Object.keys(overrides).length > 0;

  if (match) {
    const price = priceEntrySchema.parse({ ...match.price, ...overrides });
    return { price, source: hasOverrides ? "table+model_info" : "table", key: match.key };
  }
  if (fromCatalog) {
    const price = priceEntrySchema.parse({ ...fromCatalog.price, ...overrides });
    return { price, source: hasOverrides ? "catalog+model_info" : "catalog", key: fromCatalog.model, catalog: fromCatalog.source };
  }
  if (hasOverrides) {
    const missing = (["input_cost_per_token", "output_cost_per_token"] as const).filter((k) => overrides[k] === undefined);
    if (missing.length > 0) return { price: null, reason: "incomplete_model_info", lookedUp, missing };
    return { price: priceEntrySchema.parse(overrides), source: "model_info", key: undefined };
  }
  return { price: null, reason: info.base_model ? "unknown_base_model" : "unknown_model", lookedUp };
}

/**
 * Which source priced a deployment, as hosts record it (the spend row's `price_source`):
 * `model_info`, the database's label (`genai-prices:azure`), `provider_table`, with
 * `+model_info` when model_info overrode part of it; undefined when unpriced.
 */
export function priceSourceOf(resolved: DeploymentPrice): string | undefined {
  if (resolved.price === null) return undefined;
  switch (resolved.source) {
    case "model_info":
      return "model_info";
    case "catalog":
      return resolved.catalog;
    case "catalog+model_info":
      return `${resolved.catalog}+model_info`;
    case "table":
      return "provider_table";
    case "table+model_info":
      return "provider_table+model_info";
  }
}
