import { describe, expect, it } from "vitest";
import { misspeltSetting } from "./misspelt-setting.js";

const settings = ["api_key", "api_base", "api_version", "azure_ad_token", "extra_headers", "timeout"];
const wire = new Set(["model", "input", "instructions", "metadata", "user", "top_p", "store", "text"]);

describe("misspeltSetting", () => {
  it.each([
    ["api_bsae", "api_base"],
    ["api_verison", "api_version"],
    ["apikey", "api_key"],
    ["api_keys", "api_key"],
    ["timout", "timeout"],
  ])("takes %s for the setting %s", (key, setting) => {
    expect(misspeltSetting(key, settings, wire)).toBe(setting);
  });

  it.each(["input", "instructions", "max_output_tokens", "previous_response_id", "reasoning", "brand_new_param", "top_p"])(
    "leaves the wire parameter %s alone",
    (key) => {
      expect(misspeltSetting(key, settings, wire)).toBeUndefined();
    },
  );
});
