import { editDistance } from "@dheera/core";

/**
 * A flat call mixes provider settings with wire parameters, and unknown wire parameters are sent
 * upstream untouched (they may be newer than us). So `api_bsae` would silently travel to Azure as
 * a request field while the real api_base falls back to the environment. A key one or two edits
 * away from a setting name is almost surely such a typo: name it instead of sending it.
 */
export function misspeltSetting(key: string, settingKeys: readonly string[], knownWireKeys: ReadonlySet<string>): string | undefined {
  if (key.length < 4 || knownWireKeys.has(key)) return undefined;
  for (const setting of settingKeys) {
    if (Math.abs(setting.length - key.length) <= 2 && editDistance(key, setting) <= 2) return setting;
  }
  return undefined;
}
