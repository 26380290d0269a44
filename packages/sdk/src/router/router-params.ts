import { ConfigurationError } from "@dheera/core";
import { SDK_ONLY_KEYS } from "../call-options.js";
import { WIRE_KEYS } from "../deployment-resolver.js";
import { misspeltSetting } from "../misspelt-setting.js";

/**
 * A router call's parameters, checked: a router's deployments take their settings from
 * model_list, its retries from router_settings and its prices from model_info, so a call that
 * passes one of those (or a typo of a setting) is told where it belongs instead of having it
 * silently ignored or sent upstream as a request parameter. Returns the wire body (`localKeys`:
 * keys the SDK function itself reads, never sent).
 */
export function routedBody(params: Record<string, unknown>, settingKeys: readonly string[], localKeys: readonly string[] = SDK_ONLY_KEYS): Record<string, unknown> {
  if (params.num_retries !== undefined) {
    throw new ConfigurationError("Invalid SDK option 'num_retries': a router's retries are set in router_settings (num_retries, retry_policy).", { param: "num_retries" });
  }
  if (params.model_info !== undefined) {
    throw new ConfigurationError("Invalid SDK option 'model_info': a router's deployments are priced by their model_info in model_list.", { param: "model_info" });
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || localKeys.includes(key)) continue;
    const setting = settingKeys.includes(key) ? key : misspeltSetting(key, settingKeys, WIRE_KEYS);
    if (setting !== undefined) {
      const what = setting === key ? `'${key}' is a deployment setting` : `Unknown parameter '${key}' (did you mean the setting '${setting}'?)`;
      throw new ConfigurationError(`${what}: a router's deployments take their settings from model_list[].dheera_ai_params.`, { param: key });
    }
    body[key] = value;
  }
  return body;
}
