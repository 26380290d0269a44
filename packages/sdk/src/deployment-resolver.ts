import {
  ConfigurationError,
  chatCompletionRequestSchema,
  responsesCreateRequestSchema,
  InvalidRequestError,
  ProviderRegistry,
  defaultTransport,
  parseModelReference,
  type Deployment,
  type ModelInfo,
  type ProviderPlugin,
  type Transport,
} from "@dheera/core";
import { misspeltSetting } from "./misspelt-setting.js";
import { SDK_ONLY_KEYS } from "./call-options.js";

export interface ResolverOptions {
  registry: ProviderRegistry;
  transport?: Transport;
  env?: Record<string, string | undefined>;
  warn?: (message: string) => void;
  /** Instance-wide model_info by model reference (`azure/prod-chat`); a call's own model_info wins key by key. */
  modelInfo?: Readonly<Record<string, ModelInfo>>;
}

export interface ResolvedCall {
  deployment: Deployment;
  /** The caller's parameters minus provider settings and SDK-only options: the wire body. */
  body: Record<string, unknown>;
}

const CACHE_LIMIT = 256;

/**
 * Turns a flat SDK call (`{ model: "azure/o1-pro", input, api_key, api_base }`) into a deployment
 * and a wire body. The provider's `settingKeys` say which parameters are settings, so the SDK
 * needs no provider knowledge. Deployments are cached per model + settings, so URL building and
 * auth set-up happen once, not per call.
 */
export function createDeploymentResolver(options: ResolverOptions) {
  const cache = new Map<string, Deployment>();
  const objectIds = new WeakMap<object, number>();
  let nextObjectId = 0;

  // Functions (token providers) cannot be serialised; give each its own identity in the key.
  const keyOf = (model: string, config: Record<string, unknown>, env: readonly (string | undefined)[]): string =>
    model + "\u0000" + JSON.stringify([config, env], (_k, v: unknown) => {
      if (typeof v === "function") {
        let id = objectIds.get(v);
        if (id === undefined) objectIds.set(v, (id = nextObjectId++));
        return `fn#${id}`;
      }
      return v;
    });

  /**
   * `modelInfo` is the call's own (already validated); it is part of the cache key, since the
   * provider prices the deployment from it when it resolves.
   */
  return async function resolve(
    params: Record<string, unknown>,
    call: { modelInfo?: ModelInfo | undefined } = {},
    sdkOnlyKeys: readonly string[] = SDK_ONLY_KEYS,
  ): Promise<ResolvedCall> {
    const model = params.model;
    if (typeof model !== "string" || model === "") {
      throw new InvalidRequestError("Missing required parameter: 'model'.", { param: "model", code: "missing_required_parameter" });
    }
    const reference = parseModelReference(model);
    if (!reference) {
      throw new InvalidRequestError(
        `Model "${model}" has no provider prefix. Write it as <provider>/<model>, e.g. "azure/${model}".`,
        { param: "model", code: "invalid_model" },
      );
    }
    const plugin = await options.registry.get(reference.provider);
    const { settings, body } = split(params, plugin, sdkOnlyKeys);

    const env = options.env ?? process.env;
    const configured = options.modelInfo?.[model];
    const modelInfo = configured || call.modelInfo ? { ...configured, ...call.modelInfo } : undefined;
    const key = keyOf(model, { settings, modelInfo }, (plugin.envKeys ?? []).map((name) => env[name]));
    let deployment = cache.get(key);
    if (!deployment) {
      const parsed = plugin.settingsSchema.safeParse(settings);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new ConfigurationError(`Invalid ${plugin.id} setting '${issue.path.join(".")}': ${issue.message}.`, {
          param: issue.path.join("."),
          provider: plugin.id,
        });
      }
      deployment = plugin.resolve(reference, parsed.data, {
        transport: options.transport ?? defaultTransport(),
        env,
        ...(options.warn ? { warn: options.warn } : {}),
        ...(modelInfo ? { modelInfo } : {}),
      });
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
      cache.set(key, deployment);
    }
    return { deployment, body: { ...body, model } };
  };
}

// Parameters of either wire format: never mistaken for a misspelt setting.
export const WIRE_KEYS: ReadonlySet<string> = new Set([
  ...Object.keys(responsesCreateRequestSchema.shape),
  ...Object.keys(chatCompletionRequestSchema.shape),
]);

function split(params: Record<string, unknown>, plugin: ProviderPlugin, sdkOnlyKeys: readonly string[]) {
  const settings: Record<string, unknown> = {};
  const body: Record<string, unknown> = {};
  const settingKeys = new Set(plugin.settingKeys);
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || sdkOnlyKeys.includes(key)) continue;
    if (settingKeys.has(key)) {
      settings[key] = value;
      continue;
    }
    const meant = misspeltSetting(key, plugin.settingKeys, WIRE_KEYS);
    if (meant) {
      throw new ConfigurationError(`Unknown parameter '${key}'. Did you mean the ${plugin.id} setting '${meant}'?`, {
        param: key,
        provider: plugin.id,
      });
    }
    body[key] = value;
  }
  return { settings, body };
}

export type DeploymentResolver = ReturnType<typeof createDeploymentResolver>;
