import {
  ConfigurationError,
  configIssuesFromZod,
  duplicateDeploymentIds,
  fallbackReferences,
  formatValuePath,
  modelListEntrySchema,
  parseModelReference,
  resolveModelList,
  routerSettingsSchema,
  type ConfigIssue,
  type ModelInfo,
  type ModelListEntry,
  type ProviderRegistry,
  type RoutedDeployment,
  type RouterSettings,
  type Transport,
} from "@dheera/core";

/** What `createRouter` takes: a LiteLLM-style `model_list` and `router_settings`, as in the proxy's config.yaml. */
export interface CreateRouterOptions {
  /** The deployments: several entries may share a `model_name` (one model, spread over them). */
  model_list: ModelListEntry[];
  /** Strategy, retries, cooldowns, timeouts and fallbacks; every key is optional. */
  router_settings?: RouterSettings;
}

/** Where the router's deployments come from: the instance's providers, transport and environment. */
export interface RouterEnvironment {
  providers: ProviderRegistry;
  transport: Transport;
  env: Record<string, string | undefined>;
  warn: (message: string) => void;
  /** The instance's `modelInfo` by model reference: the pricing of entries without their own. */
  modelInfo?: Readonly<Record<string, ModelInfo>> | undefined;
}

export interface RouterConfig {
  deployments: RoutedDeployment[];
  settings: RouterSettings;
  /** Every setting key of the providers in use: a call passing one is told the settings live in model_list. */
  settingKeys: readonly string[];
}

const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(["model_list", "router_settings"]);

/**
 * Validates and resolves `createRouter`'s options with core's schemas and `resolveModelList`, as
 * the proxy does its config file. Every problem found is listed in one ConfigurationError, each at
 * the path of the key to fix: first the shapes (model_list entries, router_settings), then, once
 * those hold, each deployment's provider settings and the cross-references (duplicate ids,
 * fallbacks naming no model_name).
 */
export async function resolveRouterConfig(input: unknown, environment: RouterEnvironment): Promise<RouterConfig> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw configError([{ path: [], message: "expected an object with model_list and router_settings" }]);
  }
  const raw = input as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL_KEYS.has(key)) issues.push({ path: [key], message: "unknown key (createRouter takes model_list and router_settings)" });
  }

  const entries: ModelListEntry[] = [];
  const list = raw.model_list;
  if (!Array.isArray(list)) issues.push({ path: ["model_list"], message: list === undefined ? "required (array)" : "expected an array" });
  else if (list.length === 0) issues.push({ path: ["model_list"], message: "needs at least one model" });
  else {
    list.forEach((entry: unknown, i) => {
      const parsed = modelListEntrySchema.safeParse(entry);
      if (parsed.success) entries.push(parsed.data);
      else issues.push(...configIssuesFromZod(parsed.error, entry, ["model_list", i], modelListEntrySchema));
    });
  }

  let settings: RouterSettings = {};
  if (raw.router_settings !== undefined) {
    const parsed = routerSettingsSchema.safeParse(raw.router_settings);
    if (parsed.success) settings = parsed.data;
    else issues.push(...configIssuesFromZod(parsed.error, raw.router_settings, ["router_settings"], routerSettingsSchema));
  }

  if (issues.length > 0) throw configError(issues);

  // The shapes hold: the cross-references and every deployment's provider settings, together.
  const { deployments, issues: resolveIssues } = await resolveModelList(withInstancePricing(entries, environment.modelInfo), {
    registry: environment.providers,
    transport: environment.transport,
    env: environment.env,
    warn: environment.warn,
  });
  const later = [...duplicateDeploymentIds(entries), ...resolveIssues, ...unknownFallbacks(entries, settings)];
  if (later.length > 0) throw configError(later.sort((a, b) => rank(a) - rank(b)));

  const settingKeys = new Set<string>();
  for (const d of deployments) {
    // Found (and cached) by resolveModelList already.
    const plugin = await environment.providers.get(parseModelReference(d.reference)!.provider);
    for (const key of plugin.settingKeys) settingKeys.add(key);
  }
  return { deployments, settings, settingKeys: [...settingKeys] };
}

/** model_list entries in order, then router_settings (a stable sort keeps each entry's own issues in order). */
function rank(issue: ConfigIssue): number {
  return issue.path[0] === "model_list" ? (typeof issue.path[1] === "number" ? issue.path[1] : 0) : Number.MAX_SAFE_INTEGER;
}

/** A fallback that names no model_name would fail only on the day it is needed: say so now. */
function unknownFallbacks(entries: readonly ModelListEntry[], settings: RouterSettings): ConfigIssue[] {
  const names = new Set(entries.map((entry) => entry.model_name));
  const listed = [...names].join(", ");
  return fallbackReferences(settings).flatMap(({ path, model }) =>
    names.has(model) ? [] : [{ path: ["router_settings", ...path], message: `"${model}" is not a model_name in model_list (they are: ${listed})` }],
  );
}

/** `createDheera({ modelInfo })` prices an entry by its model reference; the entry's own model_info wins key by key. */
function withInstancePricing(entries: ModelListEntry[], byReference: Readonly<Record<string, ModelInfo>> | undefined): ModelListEntry[] {
  if (!byReference) return entries;
  return entries.map((entry) => {
    const configured = byReference[entry.dheera_ai_params.model];
    return configured ? { ...entry, model_info: { ...configured, ...entry.model_info } } : entry;
  });
}

/**
 * One error for the whole config, every issue on its own line:
 * `model_list[0].dheera_ai_params.api_bse: unknown key (...)`. `param` is the first issue's path.
 */
function configError(issues: readonly ConfigIssue[]): ConfigurationError {
  const lines = issues.map((issue) => `  ${issue.path.length > 0 ? `${formatValuePath(issue.path)}: ` : ""}${issue.message}`);
  const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
  return new ConfigurationError(`Invalid createRouter options (${count}):\n${lines.join("\n")}`, { param: formatValuePath(issues[0]!.path) || null });
}
