import type { z } from "zod";
import type { ModelInfo } from "../cost/price-entry.js";
import type { Transport } from "../http/transport.js";
import type { Deployment } from "./deployment.js";
import type { ModelReference } from "./model-reference.js";

/** What a provider gets from its host (the SDK or the proxy) when it resolves a deployment. */
export interface ProviderContext {
  /** The HTTP seam: use it for every upstream call. */
  transport: Transport;
  /** Environment to read fallbacks from (defaults to process.env). */
  env: Record<string, string | undefined>;
  /** Report something the provider ignored or changed, instead of dropping it silently. */
  warn?: (message: string) => void;
  /**
   * The host's pricing configuration for this deployment (a proxy's `model_info`, the SDK's
   * `model_info` option): `base_model` maps a custom deployment name to a price entry, and the
   * prices override it. Providers that report `Deployment.price` read it in `resolve`.
   */
  modelInfo?: ModelInfo;
}

/**
 * The contract a provider package fulfils. Its package `@dheera/<id>` (or any package, when
 * registered explicitly) default-exports one of these.
 */
export interface ProviderPlugin<S extends z.ZodType = z.ZodType> {
  readonly specificationVersion: "v1";
  /** The model-reference prefix, e.g. `azure`. */
  readonly id: string;
  /** Strict schema of the provider's settings (api_key, api_base, ...): a typo is an error. */
  readonly settingsSchema: S;
  /**
   * The names of the settings, so a host can tell settings apart from request parameters in a
   * flat call like `responses({ model, input, api_key })`.
   */
  readonly settingKeys: readonly string[];
  /**
   * Environment variables the provider falls back to. Hosts cache resolved deployments and use
   * this list to notice when a change of environment makes a cached one stale.
   */
  readonly envKeys?: readonly string[];
  /** Resolves a model reference and settings into a deployment. Called once per configuration, not per request. */
  resolve(reference: ModelReference, settings: z.output<S>, context: ProviderContext): Deployment;
}

/** Identity helper that type-checks a plugin object. */
export function defineProvider<S extends z.ZodType>(plugin: ProviderPlugin<S>): ProviderPlugin<S> {
  return plugin;
}

export function isProviderPlugin(value: unknown): value is ProviderPlugin {
  const v = value as Partial<ProviderPlugin> | null;
  return (
    typeof v === "object" &&
    v !== null &&
    v.specificationVersion === "v1" &&
    typeof v.id === "string" &&
    typeof v.resolve === "function" &&
    typeof v.settingsSchema === "object" &&
    v.settingsSchema !== null &&
    Array.isArray(v.settingKeys)
  );
}
