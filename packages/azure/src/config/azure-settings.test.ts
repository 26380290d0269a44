import { describe, expect, it } from "vitest";
import { ConfigurationError } from "@dheera/core";
import {
  AZURE_ENV_KEYS,
  azureSettingKeys,
  azureSettingsSchema,
  resolveAzureSettings,
  type AzureEnv,
  type AzureSettings,
  type ResolvedAzureSettings,
} from "./azure-settings.js";

const BASE = "https://res.openai.azure.com";
const KEY = "0123456789abcdef0123456789abcdef";

describe("azureSettingsSchema", () => {
  it("accepts every documented setting", () => {
    const provider = () => "tok";
    const parsed = azureSettingsSchema.parse({
      api_key: KEY,
      api_base: BASE,
      api_version: "v1",
      azure_ad_token: "tok",
      azure_ad_token_provider: provider,
      extra_headers: { "x-gw": "1" },
      responses_via_chat: true,
      timeout: 30,
    });
    expect(parsed.azure_ad_token_provider).toBe(provider);
    expect(parsed.responses_via_chat).toBe(true);
  });

  it.each([
    ["a typo of a key", { api_bsae: BASE }],
    ["model_info, which is not a provider setting", { model_info: {} }],
    ["a non-function token provider", { azure_ad_token_provider: "tok" }],
    ["a non-string extra header", { extra_headers: { a: 1 } }],
    ["a zero timeout", { timeout: 0 }],
    ["a negative timeout", { timeout: -1 }],
    ["responses_via_chat as a string", { responses_via_chat: "true" }],
    ["a typo of responses_via_chat", { response_via_chat: true }],
  ])("rejects %s", (_, input) => {
    expect(azureSettingsSchema.safeParse(input).success).toBe(false);
  });

  it("derives azureSettingKeys from the schema shape", () => {
    expect([...azureSettingKeys].sort()).toEqual(Object.keys(azureSettingsSchema.shape).sort());
    expect(azureSettingKeys).toContain("azure_ad_token_provider");
    expect(Object.isFrozen(azureSettingKeys)).toBe(true);
  });
});

interface Row {
  name: string;
  settings: AzureSettings;
  env: AzureEnv;
  expected: Partial<ResolvedAzureSettings>;
}

const rows: Row[] = [
  { name: "uses explicit settings as given", settings: { api_base: BASE, api_key: KEY, api_version: "2024-10-21" }, env: { AZURE_API_BASE: "https://other", AZURE_API_KEY: "envkey", AZURE_API_VERSION: "preview" }, expected: { apiBase: BASE, apiKey: KEY, apiVersion: "2024-10-21" } },
  { name: "falls back to AZURE_API_BASE", settings: { api_key: KEY }, env: { AZURE_API_BASE: BASE, AZURE_OPENAI_ENDPOINT: "https://other" }, expected: { apiBase: BASE } },
  { name: "falls back to AZURE_OPENAI_ENDPOINT after AZURE_API_BASE", settings: { api_key: KEY }, env: { AZURE_OPENAI_ENDPOINT: BASE }, expected: { apiBase: BASE } },
  { name: "falls back to AZURE_API_KEY", settings: { api_base: BASE }, env: { AZURE_API_KEY: "k1", AZURE_OPENAI_API_KEY: "k2" }, expected: { apiKey: "k1" } },
  { name: "falls back to AZURE_OPENAI_API_KEY after AZURE_API_KEY", settings: { api_base: BASE }, env: { AZURE_OPENAI_API_KEY: "k2" }, expected: { apiKey: "k2" } },
  { name: "falls back to AZURE_AD_TOKEN", settings: { api_base: BASE }, env: { AZURE_AD_TOKEN: "tok" }, expected: { adToken: "tok", apiKey: undefined } },
  { name: "does not let an env key override an explicit azure_ad_token", settings: { api_base: BASE, azure_ad_token: "tok" }, env: { AZURE_API_KEY: "k1" }, expected: { adToken: "tok", apiKey: undefined } },
  { name: "treats blank values as unset", settings: { api_base: "  ", api_key: "" }, env: { AZURE_API_BASE: BASE, AZURE_API_KEY: "", AZURE_OPENAI_API_KEY: "k2" }, expected: { apiBase: BASE, apiKey: "k2" } },
  { name: "takes api-version from the api_base query before the env", settings: { api_base: `${BASE}/openai?api-version=2025-04-01-preview`, api_key: KEY }, env: { AZURE_API_VERSION: "2024-10-21" }, expected: { apiVersion: "2025-04-01-preview" } },
  { name: "prefers an explicit api_version over the api_base query", settings: { api_base: `${BASE}?api-version=2025-04-01-preview`, api_key: KEY, api_version: "preview" }, env: {}, expected: { apiVersion: "preview" } },
  { name: "applies AZURE_API_VERSION (to both routes)", settings: { api_base: BASE, api_key: KEY }, env: { AZURE_API_VERSION: "2024-10-21", OPENAI_API_VERSION: "preview" }, expected: { apiVersion: "2024-10-21" } },
  { name: "falls back to OPENAI_API_VERSION after AZURE_API_VERSION", settings: { api_base: BASE, api_key: KEY }, env: { OPENAI_API_VERSION: "2025-03-01-preview" }, expected: { apiVersion: "2025-03-01-preview" } },
  { name: 'defaults api_version to "v1"', settings: { api_base: BASE, api_key: KEY }, env: {}, expected: { apiVersion: "v1" } },
  { name: "canonicalises the api_version spelling", settings: { api_base: BASE, api_key: KEY, api_version: "Preview" }, env: {}, expected: { apiVersion: "preview" } },
  { name: "converts timeout seconds to milliseconds", settings: { api_base: BASE, api_key: KEY, timeout: 2.5 }, env: {}, expected: { timeoutMs: 2500 } },
  { name: "defaults extra headers to an empty object", settings: { api_base: BASE, api_key: KEY }, env: {}, expected: { extraHeaders: {}, timeoutMs: undefined } },
];

describe("resolveAzureSettings", () => {
  it.each(rows)("$name", ({ settings, env, expected }) => {
    const resolved = resolveAzureSettings(settings, env);
    for (const [key, value] of Object.entries(expected)) {
      expect(resolved[key as keyof ResolvedAzureSettings], key).toEqual(value);
    }
  });

  it("accepts a token provider as the only credential", () => {
    const provider = async () => "tok";
    expect(resolveAzureSettings({ api_base: BASE, azure_ad_token_provider: provider }, {}).adTokenProvider).toBe(provider);
  });

  it("caches an @azure/identity credential's token: one getToken for many requests", async () => {
    let calls = 0;
    const credential = { getToken: async () => ({ token: `tok-${++calls}`, expiresOnTimestamp: Date.now() + 3600_000 }) };
    const provider = resolveAzureSettings({ api_base: BASE, azure_ad_token_provider: credential }, {}).adTokenProvider!;
    expect([await provider(), await provider(), await provider()]).toEqual(["tok-1", "tok-1", "tok-1"]);
    expect(calls).toBe(1);
  });

  it.each([
    [{ type: "client_secret" as const }, {}, "azure_ad_token_provider (client_secret) needs tenant_id: set it, or AZURE_TENANT_ID."],
    [{ type: "client_secret" as const, tenant_id: "t" }, { AZURE_CLIENT_ID: "c" }, "azure_ad_token_provider (client_secret) needs client_secret: set it, or AZURE_CLIENT_SECRET."],
    [{ type: "workload_identity" as const }, { AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c" }, "azure_ad_token_provider (workload_identity) needs federated_token_file: set it, or AZURE_FEDERATED_TOKEN_FILE."],
  ])("refuses a configured credential without what it needs, naming the key and the variable (%o)", (provider, env, message) => {
    expect(() => resolveAzureSettings({ api_base: BASE, azure_ad_token_provider: provider }, env)).toThrow(message);
  });

  it("takes a managed identity with nothing else", () => {
    expect(typeof resolveAzureSettings({ api_base: BASE, azure_ad_token_provider: { type: "managed_identity" } }, {}).adTokenProvider).toBe("function");
  });

  it("copies extra_headers so later mutation of the settings does not leak in", () => {
    const settings = { api_base: BASE, api_key: KEY, extra_headers: { a: "1" } };
    const resolved = resolveAzureSettings(settings, {});
    settings.extra_headers.a = "2";
    expect(resolved.extraHeaders).toEqual({ a: "1" });
  });

  it("reports a missing api_base naming the setting and the env var", () => {
    const run = () => resolveAzureSettings({ api_key: KEY }, {});
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow(
      "Azure api_base is not set. Pass api_base (config: dheera_ai_params.api_base) or set AZURE_API_BASE.",
    );
  });

  it("reports missing credentials naming every way to pass them", () => {
    expect(() => resolveAzureSettings({ api_base: BASE }, {})).toThrow(
      "Azure credentials are not set. Pass api_key or set AZURE_API_KEY (or AZURE_OPENAI_API_KEY), or pass azure_ad_token / set AZURE_AD_TOKEN.",
    );
  });

  it.each([
    ["an invalid api_base", { api_base: `not a url ${KEY}`, api_key: KEY }, {}],
    ["an invalid api_version", { api_base: BASE, api_key: KEY, api_version: "bogus" }, {}],
    ["an invalid env api_version", { api_base: BASE }, { AZURE_API_KEY: KEY, AZURE_API_VERSION: "2024" }],
  ])("never puts the key in the error for %s", (_, settings, env) => {
    let error: unknown;
    try {
      resolveAzureSettings(settings as AzureSettings, env as AzureEnv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain(KEY);
  });
});

describe("AZURE_ENV_KEYS", () => {
  it("lists exactly the variables resolution reads", () => {
    const read = new Set<string>();
    const env = new Proxy({ AZURE_API_BASE: BASE } as Record<string, string>, {
      get: (target, key) => (read.add(String(key)), target[String(key)]),
    });
    expect(() => resolveAzureSettings({}, env)).toThrow(/credentials/);
    // The Entra ID variables are read by a configured credential that leaves its ids out.
    resolveAzureSettings({ azure_ad_token_provider: { type: "client_secret" } }, new Proxy({ AZURE_API_BASE: BASE, AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_CLIENT_SECRET: "s" } as Record<string, string>, {
      get: (target, key) => (read.add(String(key)), target[String(key)]),
    }));
    resolveAzureSettings({ azure_ad_token_provider: { type: "workload_identity" } }, new Proxy({ AZURE_API_BASE: BASE, AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_FEDERATED_TOKEN_FILE: "/f" } as Record<string, string>, {
      get: (target, key) => (read.add(String(key)), target[String(key)]),
    }));
    expect([...read].sort()).toEqual([...AZURE_ENV_KEYS].sort());
  });
});
