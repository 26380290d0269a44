import {
  DheeraError,
  ProviderRegistry,
  parseModelReference,
  type Deployment,
  type ModelInfo,
  type ProviderPlugin,
  type Transport,
} from "@dheera/core";
import { ConfigError, type ConfigIssue, type ConfigPath } from "../config/config-error.js";
import type { ModelEntry } from "../config/config-schema.js";
import { withLines, type LoadedConfig } from "../config/load-config.js";
import { configIssuesFromZod } from "../config/zod-config-issues.js";
import { deploymentKey } from "./deployment-key.js";

/** One `model_list` entry, resolved once at start-up into something that serves requests. */
export interface ProxyDeployment {
  /** Position in model_list, for logs. */
  readonly index: number;
  readonly modelName: string;
  /** The model reference as configured (`<provider>/<model>`). */
  readonly reference: string;
  /** Stable routing key carried in response ids. */
  readonly key: string;
  readonly deployment: Deployment;
  /** Requests currently in flight on this process (least-busy routing). */
  inFlight: number;
}

export interface ResolveOptions {
  registry: ProviderRegistry;
  transport: Transport;
  env: Record<string, string | undefined>;
  warn?: (message: string) => void;
}

/**
 * Finds each entry's provider by its model prefix, validates the provider settings with the
 * provider's own schema and resolves the deployment. Every problem is collected and reported
 * together, each with the file line of the key to fix.
 */
export async function resolveDeployments(loaded: LoadedConfig, options: ResolveOptions): Promise<ProxyDeployment[]> {
  const issues: ConfigIssue[] = [];
  const out: ProxyDeployment[] = [];
  const { model_list } = loaded.config;

  for (const [index, entry] of model_list.entries()) {
    const base: ConfigPath = ["model_list", index, "dheera_ai_params"];
    const { model, ...settings } = entry.dheera_ai_params as Record<string, unknown> & { model: string };
    const reference = parseModelReference(model);
    if (!reference) {
      issues.push({ path: [...base, "model"], message: "must be <provider>/<model>" });
      continue;
    }
    let plugin: ProviderPlugin;
    try {
      plugin = await options.registry.get(reference.provider);
    } catch (err) {
      issues.push({ path: [...base, "model"], message: messageOf(err) });
      continue;
    }

    const known = new Set(plugin.settingKeys);
    const unknown = Object.keys(settings).filter((k) => !known.has(k));
    if (unknown.length > 0) {
      for (const key of unknown) issues.push({ path: [...base, key], message: `unknown key (${plugin.id} settings are: ${plugin.settingKeys.join(", ")})` });
      continue;
    }
    const parsed = plugin.settingsSchema.safeParse(settings);
    if (!parsed.success) {
      issues.push(...configIssuesFromZod(parsed.error, settings, base));
      continue;
    }

    let deployment: Deployment;
    try {
      const modelInfo = pricingOf(entry);
      deployment = plugin.resolve(reference, parsed.data, {
        transport: options.transport,
        env: options.env,
        ...(options.warn ? { warn: options.warn } : {}),
        ...(modelInfo ? { modelInfo } : {}),
      });
    } catch (err) {
      const param = DheeraError.isInstance(err) ? err.param : null;
      const path = param && param in settings ? [...base, param] : param === "model" ? [...base, "model"] : base;
      issues.push({ path, message: messageOf(err) });
      continue;
    }

    out.push({
      index,
      modelName: entry.model_name,
      reference: model,
      key: deploymentKey({ modelInfoId: entry.model_info?.id, modelName: entry.model_name, reference: model, apiBase: deployment.apiBase }),
      deployment,
      inFlight: 0,
    });
  }

  if (issues.length > 0) throw new ConfigError(withLines(issues, loaded.locator), loaded.file);
  return out;
}

/** The pricing part of `model_info` (the provider prices the deployment with it); the rest is the proxy's. */
function pricingOf(entry: ModelEntry): ModelInfo | undefined {
  const info = entry.model_info;
  if (!info) return undefined;
  const out: ModelInfo = {};
  if (info.base_model !== undefined) out.base_model = info.base_model;
  if (info.input_cost_per_token !== undefined) out.input_cost_per_token = info.input_cost_per_token;
  if (info.output_cost_per_token !== undefined) out.output_cost_per_token = info.output_cost_per_token;
  if (info.cache_read_input_token_cost !== undefined) out.cache_read_input_token_cost = info.cache_read_input_token_cost;
  if (info.cache_creation_input_token_cost !== undefined) out.cache_creation_input_token_cost = info.cache_creation_input_token_cost;
  return Object.keys(out).length > 0 ? out : undefined;
}

function messageOf(err: unknown): string {
  // Provider errors are written for users and never carry secrets; anything else is summarised.
  if (DheeraError.isInstance(err)) return err.message;
  return err instanceof Error ? err.message : String(err);
}
