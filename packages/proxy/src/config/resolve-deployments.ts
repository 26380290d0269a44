import { resolveModelList, type ResolveModelListOptions, type RoutedDeployment } from "@dheera/core";
import { ConfigError } from "./config-error.js";
import { withLines, type LoadedConfig } from "./load-config.js";

/**
 * Resolves the config's model_list once at start-up (core's `resolveModelList`: provider lookup,
 * routing keys, provider settings); every problem becomes one ConfigError with the file line of
 * each key to fix.
 */
export async function resolveDeployments(loaded: LoadedConfig, options: ResolveModelListOptions): Promise<RoutedDeployment[]> {
  const { deployments, issues } = await resolveModelList(loaded.config.model_list, options);
  if (issues.length > 0) throw new ConfigError(withLines(issues, loaded.locator), loaded.file);
  return deployments;
}
