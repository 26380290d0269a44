import { z } from "zod";
import { modelInfoSchema } from "../cost/price-entry.js";
import { DheeraError } from "../errors/dheera-error.js";
import type { Transport } from "../http/transport.js";
import type { Deployment } from "../provider/deployment.js";
import { parseModelReference } from "../provider/model-reference.js";
import type { ProviderPlugin } from "../provider/provider-plugin.js";
import type { ProviderRegistry } from "../provider/resolve-provider.js";
import { closestName } from "./closest-name.js";
import { configIssuesFromZod, type ConfigIssue, type ConfigPath } from "./config-issues.js";
import { deploymentKey } from "./deployment-key.js";
import { DEPLOYMENT_ROUTING_KEYS, deploymentRouting, deploymentRoutingSchema, type DeploymentRouting } from "./router-settings.js";

/*
 * A `model_list`: the same shape in a proxy's config.yaml and in the SDK's `createRouter`, as in
 * LiteLLM. Each entry names a public `model_name` (several entries may share one: a model group),
 * the provider's settings with the routing keys (`dheera_ai_params`), and `model_info`.
 */

/** `model_info.id` becomes part of response ids, so it must be printable and short. */
const deploymentIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

export const deploymentInfoSchema = z.strictObject({
  /** Stable identity of the deployment: response ids and `x-dheera-deployment` carry it. */
  id: deploymentIdSchema.optional(),
  ...modelInfoSchema.shape,
  /** Informational keys, accepted for compatibility with existing configs. */
  mode: z.string().optional(),
  description: z.string().optional(),
  max_tokens: z.number().int().positive().optional(),
  max_input_tokens: z.number().int().positive().optional(),
  max_output_tokens: z.number().int().positive().optional(),
});
export type DeploymentInfo = z.infer<typeof deploymentInfoSchema>;

export const dheeraAiParamsSchema = z.looseObject({
  /** `<provider>/<model>`: the prefix names the provider package, the rest is the provider's business. */
  model: z
    .string()
    .min(1)
    .regex(/^[^/\s]+\/\S+$/, "must be <provider>/<model>"),
});

export const modelListEntrySchema = z.strictObject({
  /** The public name clients send as `model`. Several entries may share it (load balancing). */
  model_name: z.string().min(1),
  dheera_ai_params: dheeraAiParamsSchema,
  model_info: deploymentInfoSchema.optional(),
});
export type ModelListEntry = z.infer<typeof modelListEntrySchema>;

/** One `model_list` entry, resolved once: what the router routes to. */
export interface RoutedDeployment {
  /** Position in model_list, for logs. */
  readonly index: number;
  readonly modelName: string;
  /** The model reference as configured (`<provider>/<model>`). */
  readonly reference: string;
  /** `model_info.id`, else a stable hash (see deploymentKey): carried in response ids and `x-dheera-deployment`. */
  readonly id: string;
  readonly deployment: Deployment;
  readonly routing: DeploymentRouting;
}

export interface ResolveModelListOptions {
  registry: ProviderRegistry;
  transport: Transport;
  env: Record<string, string | undefined>;
  warn?: (message: string) => void;
}

/**
 * Finds each entry's provider by its model prefix, takes the routing keys out, validates the
 * rest with the provider's own schema and resolves the deployment. Every problem is collected,
 * each at the path of the key to fix (`base` + `[i, "dheera_ai_params", key]`).
 */
export async function resolveModelList(
  entries: readonly ModelListEntry[],
  options: ResolveModelListOptions,
  base: ConfigPath = ["model_list"],
): Promise<{ deployments: RoutedDeployment[]; issues: ConfigIssue[] }> {
  const issues: ConfigIssue[] = [];
  const deployments: RoutedDeployment[] = [];
  const routingKeys = new Set(DEPLOYMENT_ROUTING_KEYS);

  for (const [index, entry] of entries.entries()) {
    const at: ConfigPath = [...base, index, "dheera_ai_params"];
    const { model, ...rest } = entry.dheera_ai_params as Record<string, unknown> & { model: string };
    const reference = parseModelReference(model);
    if (!reference) {
      issues.push({ path: [...at, "model"], message: "must be <provider>/<model>" });
      continue;
    }
    const routingParams: Record<string, unknown> = {};
    const settings: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(rest)) (routingKeys.has(key) ? routingParams : settings)[key] = value;
    const routing = deploymentRoutingSchema.safeParse(routingParams);
    if (!routing.success) {
      issues.push(...configIssuesFromZod(routing.error, routingParams, at, deploymentRoutingSchema));
      continue;
    }

    let plugin: ProviderPlugin;
    try {
      plugin = await options.registry.get(reference.provider);
    } catch (err) {
      issues.push({ path: [...at, "model"], message: messageOf(err) });
      continue;
    }
    const known = new Set(plugin.settingKeys);
    const unknown = Object.keys(settings).filter((k) => !known.has(k));
    if (unknown.length > 0) {
      const keys = [...plugin.settingKeys.filter((k) => !routingKeys.has(k)), ...DEPLOYMENT_ROUTING_KEYS].join(", ");
      const names = [...plugin.settingKeys, ...DEPLOYMENT_ROUTING_KEYS];
      for (const key of unknown) {
        const meant = closestName(key, names);
        issues.push({ path: [...at, key], message: meant ? `unknown key (did you mean "${meant}"?)` : `unknown key (${plugin.id} settings and routing keys are: ${keys})` });
      }
      continue;
    }
    const parsed = plugin.settingsSchema.safeParse(settings);
    if (!parsed.success) {
      issues.push(...configIssuesFromZod(parsed.error, settings, at, plugin.settingsSchema));
      continue;
    }

    let deployment: Deployment;
    try {
      const modelInfo = pricingOf(entry.model_info);
      deployment = plugin.resolve(reference, parsed.data, {
        transport: options.transport,
        env: options.env,
        ...(options.warn ? { warn: options.warn } : {}),
        ...(modelInfo ? { modelInfo } : {}),
      });
    } catch (err) {
      const param = DheeraError.isInstance(err) ? err.param : null;
      const path = param && param in settings ? [...at, param] : param === "model" ? [...at, "model"] : at;
      issues.push({ path, message: messageOf(err) });
      continue;
    }

    deployments.push({
      index,
      modelName: entry.model_name,
      reference: model,
      id: deploymentKey({ modelInfoId: entry.model_info?.id, modelName: entry.model_name, reference: model, apiBase: deployment.apiBase }),
      deployment,
      routing: deploymentRouting(routing.data),
    });
  }
  return { deployments, issues };
}

/** Two entries with the same `model_info.id`: response ids could not tell them apart. */
export function duplicateDeploymentIds(entries: readonly ModelListEntry[], base: ConfigPath = ["model_list"]): ConfigIssue[] {
  const seen = new Map<string, number>();
  const issues: ConfigIssue[] = [];
  entries.forEach((entry, i) => {
    const id = entry.model_info?.id;
    if (id === undefined) return;
    const first = seen.get(id);
    if (first !== undefined) issues.push({ path: [...base, i, "model_info", "id"], message: `duplicate id "${id}" (also used by model_list[${first}])` });
    else seen.set(id, i);
  });
  return issues;
}

/** The pricing part of `model_info` (the provider prices the deployment with it). */
function pricingOf(info: DeploymentInfo | undefined) {
  if (!info) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(modelInfoSchema.shape) as (keyof typeof modelInfoSchema.shape)[]) if (info[key] !== undefined) out[key] = info[key];
  return Object.keys(out).length > 0 ? (out as z.infer<typeof modelInfoSchema>) : undefined;
}

function messageOf(err: unknown): string {
  // Provider errors are written for users and never carry secrets; anything else is summarised.
  if (DheeraError.isInstance(err)) return err.message;
  return err instanceof Error ? err.message : String(err);
}
