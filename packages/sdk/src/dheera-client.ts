import { ProviderRegistry, type ProviderPlugin, type Transport } from "@dheera/core";
import { createCompletion } from "./completion/completion.js";
import { createDeploymentResolver } from "./deployment-resolver.js";
import { createResponses } from "./responses/responses.js";
import { createStoredResponses } from "./responses/stored-responses.js";

export interface DheeraOptions {
  /** Providers to use without looking for installed packages (explicit registration wins). */
  providers?: ProviderPlugin[];
  /** The HTTP seam; defaults to a shared keep-alive undici transport. Pass `fetchTransport()` for msw. */
  transport?: Transport;
  /** Where providers read env fallbacks; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Receives what a provider or transform could not map; defaults to console.warn once per message. */
  warn?: (message: string) => void;
  /** Folders to find `@dheera/<provider>` packages from; defaults to the current project. */
  searchFrom?: string[];
}

/** A Dheera SDK instance: the top-level functions are one shared instance of this. */
export function createDheera(options: DheeraOptions = {}) {
  const registry = new ProviderRegistry(options.searchFrom);
  for (const plugin of options.providers ?? []) registry.register(plugin);
  const resolve = createDeploymentResolver({
    registry,
    ...(options.transport ? { transport: options.transport } : {}),
    ...(options.env ? { env: options.env } : {}),
    warn: options.warn ?? warnOnce(),
  });
  return {
    responses: createResponses(resolve),
    completion: createCompletion(resolve),
    ...createStoredResponses(resolve),
    /** Registers a provider plugin for its prefix, overriding any installed package. */
    registerProvider: (plugin: ProviderPlugin) => registry.register(plugin),
  };
}

export type Dheera = ReturnType<typeof createDheera>;

function warnOnce(): (message: string) => void {
  const seen = new Set<string>();
  return (message) => {
    if (seen.has(message)) return;
    seen.add(message);
    console.warn(`[dheera] ${message}`);
  };
}
