import { ConfigurationError, ProviderRegistry, defaultTransport, modelInfoSchema, type ModelInfo, type ProviderPlugin, type Transport } from "@dheera/core";
import { checkCallbacks, type CallCallbacks, type LogCallback } from "./call-options.js";
import { createCompletion } from "./completion/completion.js";
import { createDeploymentResolver } from "./deployment-resolver.js";
import { CallbackRegistry } from "./logging/callback-registry.js";
import { createResponses } from "./responses/responses.js";
import { createStoredResponses } from "./responses/stored-responses.js";
import { createRouter, type DheeraRouter } from "./router/create-router.js";
import type { CreateRouterOptions } from "./router/router-config.js";

export interface DheeraOptions {
  /** Providers to use without looking for installed packages (explicit registration wins). */
  providers?: ProviderPlugin[];
  /** The HTTP seam; defaults to a shared keep-alive undici transport. Pass `fetchTransport()` for msw. */
  transport?: Transport;
  /** Where providers read env fallbacks; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Receives what a provider or transform could not map, and callback failures; defaults to console.warn once per message. */
  warn?: (message: string) => void;
  /** Folders to find provider packages from; defaults to the current project. */
  searchFrom?: string[];
  /**
   * Model prefix -> the npm package that provides it (config.yaml's `providers:`), for a package
   * outside the conventions `@dheera/<prefix>` and `dheera-provider-<prefix>`:
   * `{ acme: "@acme/dheera-provider" }`.
   */
  providerPackages?: Record<string, string>;
  /**
   * Pricing per model reference, e.g. `{ "azure/prod-chat": { base_model: "gpt-4o" } }`: maps a
   * custom deployment name to a price entry, or sets prices. A call's own `model_info` wins key by key.
   */
  modelInfo?: Record<string, ModelInfo>;
}

/** A Dheera SDK instance: the top-level functions are one shared instance of this. */
export function createDheera(options: DheeraOptions = {}) {
  const registry = new ProviderRegistry({
    ...(options.searchFrom ? { searchFrom: options.searchFrom } : {}),
    ...(options.providerPackages ? { packages: options.providerPackages } : {}),
  });
  for (const plugin of options.providers ?? []) registry.register(plugin);
  const warn = options.warn ?? warnOnce();
  const modelInfo = options.modelInfo ? checkModelInfo(options.modelInfo) : undefined;
  const resolve = createDeploymentResolver({
    registry,
    ...(options.transport ? { transport: options.transport } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(modelInfo ? { modelInfo } : {}),
    warn,
  });
  const callbacks = new CallbackRegistry(warn);
  const context = { resolve, registry: callbacks };
  return {
    responses: createResponses(context),
    completion: createCompletion(context),
    ...createStoredResponses(context),
    /**
     * A router over a LiteLLM-style `model_list`, with this instance's providers, transport,
     * environment, warn and callbacks. Resolves once the config is validated and every
     * deployment resolved; rejects with a ConfigurationError listing every problem.
     */
    createRouter: (routerOptions: CreateRouterOptions): Promise<DheeraRouter> =>
      createRouter(
        { calls: context, providers: registry, transport: options.transport ?? defaultTransport(), env: options.env ?? process.env, warn, modelInfo },
        routerOptions,
      ),
    /** Registers a provider plugin for its prefix, overriding any installed package. */
    registerProvider: (plugin: ProviderPlugin) => registry.register(plugin),
    /**
     * Registers success and/or failure callbacks for every call of this instance; returns the
     * function that removes them. Callbacks run after the result is delivered and are never
     * awaited; one that throws or rejects is reported through `warn`.
     */
    addCallback: (callback: CallCallbacks): (() => void) => callbacks.add(checkCallbacks(callback, "addCallback")),
    /** `addCallback({ onSuccess: callback })`. */
    onSuccess: (callback: LogCallback): (() => void) => callbacks.add(checkCallbacks({ onSuccess: callback }, "onSuccess")),
    /** `addCallback({ onFailure: callback })`. */
    onFailure: (callback: LogCallback): (() => void) => callbacks.add(checkCallbacks({ onFailure: callback }, "onFailure")),
  };
}

export type Dheera = ReturnType<typeof createDheera>;

function checkModelInfo(byModel: Record<string, ModelInfo>): Record<string, ModelInfo> {
  const checked: Record<string, ModelInfo> = {};
  for (const [model, info] of Object.entries(byModel)) {
    const result = modelInfoSchema.safeParse(info);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const key = ["modelInfo", model, ...issue.path, ...(issue.code === "unrecognized_keys" ? [issue.keys[0]] : [])].join(".");
      throw new ConfigurationError(`Invalid option '${key}': ${issue.message}.`, { param: key });
    }
    checked[model] = result.data;
  }
  return checked;
}

function warnOnce(): (message: string) => void {
  const seen = new Set<string>();
  return (message) => {
    if (seen.has(message)) return;
    seen.add(message);
    console.warn(`[dheera] ${message}`);
  };
}
