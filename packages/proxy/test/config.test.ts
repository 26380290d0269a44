import { ProviderRegistry, defaultTransport } from "@dheera/core";
import azure from "@dheera/azure";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/config-error.js";
import { parseConfigText } from "../src/config/load-config.js";
import { resolveDeployments } from "../src/config/resolve-deployments.js";

const registry = () => {
  const r = new ProviderRegistry([]);
  r.register(azure);
  return r;
};

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

async function resolveText(text: string, env: Record<string, string> = {}) {
  const loaded = parseConfigText(text, "config.yaml", env);
  return resolveDeployments(loaded, { registry: registry(), transport: defaultTransport(), env });
}

const SEED_O1 = `model_list:
  - model_name: o1-pro
    dheera_ai_params:
      model: azure/o1-pro
      api_key: os.environ/AZURE_RESPONSES_OPENAI_API_KEY
      api_base: https://dheera_ai8397336933.openai.azure.com/
      api_version: 2023-03-15-preview
`;

describe("config parsing", () => {
  it("accepts the seed's config and resolves os.environ/ references", () => {
    const { config } = parseConfigText(SEED_O1, "config.yaml", { AZURE_RESPONSES_OPENAI_API_KEY: "k-123" });
    expect(config.model_list[0]!.dheera_ai_params).toEqual({
      model: "azure/o1-pro",
      api_key: "k-123",
      api_base: "https://dheera_ai8397336933.openai.azure.com/",
      // YAML 1.2: a date-looking scalar stays a string
      api_version: "2023-03-15-preview",
    });
  });

  it("names a missing environment variable with file, line and key", () => {
    const err = errorOf(() => parseConfigText(SEED_O1, "config.yaml", {}));
    expect(err.message).toBe(
      "config.yaml:5: model_list[0].dheera_ai_params.api_key: environment variable AZURE_RESPONSES_OPENAI_API_KEY is not set (referenced as os.environ/AZURE_RESPONSES_OPENAI_API_KEY)",
    );
  });

  it("resolves os.environ/ anywhere a string may be, including the master key", () => {
    const { config } = parseConfigText(
      `model_list:\n  - model_name: os.environ/NAME\n    dheera_ai_params: {model: azure/x, api_key: k}\ngeneral_settings:\n  master_key: os.environ/MK\n`,
      "c.yaml",
      { NAME: "public-name", MK: "sk-master" },
    );
    expect(config.model_list[0]!.model_name).toBe("public-name");
    expect(config.general_settings?.master_key).toBe("sk-master");
  });

  it("reports an unknown top-level or entry key at its own line", () => {
    const err = errorOf(() =>
      parseConfigText(`model_list:\n  - model_name: a\n    dheera_ai_params: {model: azure/a}\n    modle_info: {}\ngeneral_setings: {}\n`, "config.yaml"),
    );
    expect(err.message.split("\n")).toEqual([
      'config.yaml:4: model_list[0].modle_info: unknown key (did you mean "model_info"?)',
      'config.yaml:5: general_setings: unknown key (did you mean "general_settings"?)',
    ]);
  });

  it("folds a misspelt required key into one line that names the key meant", () => {
    const err = errorOf(() => parseConfigText(`model_list:\n  - model_name: a\n    dheera_ai_param:\n      model: azure/a\n`, "config.yaml"));
    expect(err.message.split("\n")).toEqual(['config.yaml:3: model_list[0].dheera_ai_param: unknown key (did you mean "dheera_ai_params"?)']);
  });

  it("says nothing it cannot back up: a key far from every known one is only unknown", () => {
    const err = errorOf(() => parseConfigText(`model_list:\n  - model_name: a\n    dheera_ai_params: {model: azure/a}\nsomething_else: 1\n`, "config.yaml"));
    expect(err.message.split("\n")).toEqual(["config.yaml:4: something_else: unknown key"]);
  });

  it("reports a missing model_name and a malformed model reference", () => {
    const err = errorOf(() => parseConfigText(`model_list:\n  - dheera_ai_params:\n      model: o1-pro\n`, "config.yaml"));
    expect(err.message).toContain("config.yaml:2: model_list[0].model_name: required");
    expect(err.message).toContain("config.yaml:3: model_list[0].dheera_ai_params.model: must be <provider>/<model>");
  });

  it("reports wrong types and an empty model_list", () => {
    expect(errorOf(() => parseConfigText(`model_list: []\n`, "config.yaml")).message).toMatch(/^config\.yaml:1: model_list: needs at least one model/);
    expect(
      errorOf(() => parseConfigText(`model_list:\n  - model_name: 7\n    dheera_ai_params: {model: azure/a}\n`, "config.yaml")).message,
    ).toMatch(/^config\.yaml:2: model_list\[0\]\.model_name: invalid input: expected string, received number/);
  });

  it("reports invalid YAML with its line", () => {
    const err = errorOf(() => parseConfigText(`model_list:\n  - model_name: a\n   bad: [\n`, "config.yaml"));
    expect(err.message).toMatch(/^config\.yaml:3: invalid YAML: /);
  });

  it("rejects duplicate model_info.id", () => {
    const text = `model_list:\n  - model_name: a\n    dheera_ai_params: {model: azure/a}\n    model_info: {id: one}\n  - model_name: b\n    dheera_ai_params: {model: azure/b}\n    model_info:\n      id: one\n`;
    expect(errorOf(() => parseConfigText(text, "config.yaml")).message).toBe(
      'config.yaml:8: model_list[1].model_info.id: duplicate id "one" (also used by model_list[0])',
    );
  });
});

describe("provider settings (validated by the provider's own schema)", () => {
  it("names a misspelt provider setting with file, line and key", async () => {
    const text = `# gateway config
model_list:
  - model_name: o1-pro
    dheera_ai_params:
      model: azure/o1-pro
      api_key: k
      api_bse: https://x.openai.azure.com
`;
    await expect(resolveText(text)).rejects.toThrow(/^config\.yaml:7: model_list\[0\]\.dheera_ai_params\.api_bse: unknown key/);
  });

  it("reports a bad setting value and a provider-level problem at the right key", async () => {
    const text = `model_list:
  - model_name: a
    dheera_ai_params:
      model: azure/a
      api_key: k
      api_base: https://x.openai.azure.com
      timeout: soon
  - model_name: b
    dheera_ai_params:
      model: azure/b
      api_key: k
      api_base: https://x.openai.azure.com
      api_version: 2025-13-01
`;
    const err = (await resolveText(text).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    const lines = err.message.split("\n");
    expect(lines[0]).toMatch(/^config\.yaml:7: model_list\[0\]\.dheera_ai_params\.timeout: invalid input: expected number/);
    expect(lines[1]).toMatch(/^config\.yaml:13: model_list\[1\]\.dheera_ai_params\.api_version: .*api_version "2025-13-01" is not valid/);
  });

  it("reports a provider package that is not installed at the model line", async () => {
    const text = `model_list:\n  - model_name: a\n    dheera_ai_params:\n      model: nosuchprovider/a\n`;
    await expect(resolveText(text)).rejects.toThrow(
      'config.yaml:4: model_list[0].dheera_ai_params.model: Provider "nosuchprovider" is not installed: none of @dheera/nosuchprovider, dheera-provider-nosuchprovider was found. Run: npm install @dheera/nosuchprovider (or npm install dheera-provider-nosuchprovider for a community provider), or name the package that provides "nosuchprovider" under providers in config.yaml (providerPackages in the SDK).',
    );
  });

  it("resolves every deployment once, with a stable key per deployment", async () => {
    const text = `model_list:
  - model_name: gpt
    dheera_ai_params: {model: azure/gpt-4o, api_key: k, api_base: "https://a.openai.azure.com"}
  - model_name: gpt
    dheera_ai_params: {model: azure/gpt-4o, api_key: k, api_base: "https://b.openai.azure.com"}
  - model_name: pinned
    dheera_ai_params: {model: azure/gpt-4o, api_key: k, api_base: "https://a.openai.azure.com"}
    model_info: {id: my-stable-id}
`;
    const first = await resolveText(text);
    const second = await resolveText(text);
    expect(first.map((d) => d.id)).toEqual(second.map((d) => d.id));
    expect(new Set(first.map((d) => d.id)).size).toBe(3);
    expect(first[2]!.id).toBe("my-stable-id");
    expect(first.map((d) => d.deployment.name)).toEqual(["gpt-4o", "gpt-4o", "gpt-4o"]);
  });
});

describe("model_info pricing (passed to the provider as ProviderContext.modelInfo)", () => {
  it("prices a custom deployment name through base_model, and with prices set in the config", async () => {
    const text = `model_list:
  - model_name: mapped
    dheera_ai_params: {model: azure/prod-chat, api_key: k, api_base: "https://a.openai.azure.com"}
    model_info: {base_model: gpt-4o, id: mapped-1}
  - model_name: own
    dheera_ai_params: {model: azure/prod-chat, api_key: k, api_base: "https://b.openai.azure.com"}
    model_info:
      input_cost_per_token: 0.000001
      output_cost_per_token: 0.000002
      cache_read_input_token_cost: 0.0000005
      cache_creation_input_token_cost: 0.0000012
  - model_name: unpriced
    dheera_ai_params: {model: azure/prod-chat, api_key: k, api_base: "https://c.openai.azure.com"}
`;
    const warnings: string[] = [];
    const loaded = parseConfigText(text, "config.yaml", {});
    const [mapped, own, unpriced] = await resolveDeployments(loaded, { registry: registry(), transport: defaultTransport(), env: {}, warn: (m) => warnings.push(m) });
    expect(mapped!.deployment.price).toEqual({ input_cost_per_token: 2.5e-6, cache_read_input_token_cost: 1.25e-6, output_cost_per_token: 1e-5 });
    expect(own!.deployment.price).toEqual({ input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, cache_read_input_token_cost: 5e-7, cache_creation_input_token_cost: 1.2e-6 });
    expect(unpriced!.deployment.price).toBeNull();
    // Once for the unpriced one, once for the list price standing in for an Azure price.
    const about = warnings.filter((w) => w.includes('"prod-chat"'));
    expect(about.filter((w) => w.startsWith("No price for"))).toHaveLength(1);
    expect(about.filter((w) => w.includes("list price"))).toHaveLength(1);
  });

  it("rejects a misspelt or negative price, naming the key and line", () => {
    const err = errorOf(() =>
      parseConfigText(
        `model_list:\n  - model_name: a\n    dheera_ai_params: {model: azure/a}\n    model_info:\n      input_cost_per_tokens: 1\n      output_cost_per_token: -1\n`,
        "config.yaml",
      ),
    );
    expect(err.message).toContain("config.yaml:5: model_list[0].model_info.input_cost_per_tokens: unknown key");
    expect(err.message).toMatch(/config\.yaml:6: model_list\[0\]\.model_info\.output_cost_per_token: too small/);
  });
});

describe("spend store and callbacks settings", () => {
  const base = `model_list:\n  - model_name: a\n    dheera_ai_params: {model: azure/a}\n`;

  it("accepts a SQLite path, a PostgreSQL URL from the environment, and both callback types", () => {
    const { config } = parseConfigText(
      `${base}general_settings:\n  database_url: os.environ/DATABASE_URL\n  spend_flush_interval_ms: 500\ndheera_ai_settings:\n  callbacks:\n    - type: stdout\n    - type: webhook\n      url: https://hooks.example.com/dheera\n      headers: {Authorization: os.environ/HOOK_TOKEN}\n      batch_size: 50\n      flush_interval_ms: 2000\n      max_queue: 500\n      max_retries: 5\n`,
      "config.yaml",
      { DATABASE_URL: "postgresql://u:p@db:5432/spend", HOOK_TOKEN: "Bearer t-123" },
    );
    expect(config.general_settings).toMatchObject({ database_url: "postgresql://u:p@db:5432/spend", spend_flush_interval_ms: 500 });
    expect(config.dheera_ai_settings?.callbacks).toEqual([
      { type: "stdout" },
      { type: "webhook", url: "https://hooks.example.com/dheera", headers: { Authorization: "Bearer t-123" }, batch_size: 50, flush_interval_ms: 2000, max_queue: 500, max_retries: 5 },
    ]);
  });

  it.each([
    ["both stores", "general_settings:\n  spend_db_path: ./s.sqlite\n  database_url: postgresql://db/x\n", "config.yaml:5: general_settings.spend_db_path: set either spend_db_path (SQLite) or database_url (PostgreSQL), not both"],
    ["a database_url that is not PostgreSQL", "general_settings:\n  database_url: mysql://db/x\n", "config.yaml:5: general_settings.database_url: must be a postgresql:// URL"],
    ["a webhook without url", "dheera_ai_settings:\n  callbacks:\n    - type: webhook\n", "config.yaml:6: dheera_ai_settings.callbacks[0].url: required"],
    ["a webhook url that is not http", "dheera_ai_settings:\n  callbacks:\n    - {type: webhook, url: 'ftp://x/y'}\n", "config.yaml:6: dheera_ai_settings.callbacks[0].url: must be an http(s) URL"],
  ])("rejects %s", (_label, extra, message) => {
    expect(errorOf(() => parseConfigText(`${base}${extra}`, "config.yaml")).message).toContain(message);
  });
});
