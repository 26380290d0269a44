import { z } from "zod";
import { describe, expect, it } from "vitest";
import type { Deployment } from "./deployment.js";
import { defineProvider, isProviderPlugin } from "./provider-plugin.js";

const plugin = defineProvider({
  specificationVersion: "v1",
  id: "echo",
  settingsSchema: z.strictObject({ api_base: z.string() }),
  settingKeys: ["api_base"],
  resolve(reference, settings): Deployment {
    return { provider: "echo", name: reference.model, apiBase: settings.api_base, native: { responses: false, chat: false } };
  },
});

describe("isProviderPlugin", () => {
  it("accepts a plugin made with defineProvider", () => {
    expect(isProviderPlugin(plugin)).toBe(true);
  });

  it.each([
    ["another specification version", { ...plugin, specificationVersion: "v2" }],
    ["no id", { ...plugin, id: undefined }],
    ["no resolve function", { ...plugin, resolve: "resolve" }],
    ["no settings schema", { ...plugin, settingsSchema: undefined }],
    ["settingKeys that are not an array", { ...plugin, settingKeys: "api_base" }],
    ["null", null],
    ["a module namespace without a plugin", { default: plugin }],
  ])("rejects %s", (_label, value) => {
    expect(isProviderPlugin(value)).toBe(false);
  });
});
