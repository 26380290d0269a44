import { describe, expect, it } from "vitest";
import { AZURE_PRICES } from "./azure-prices.js";
import { resolveAzurePrice } from "./azure-deployment-price.js";

const BASE = "https://res.openai.azure.com";

function collect() {
  const messages: string[] = [];
  const warn = (message: string) => messages.push(message);
  return { messages, warn };
}

describe("resolveAzurePrice", () => {
  it.each([
    ["gpt-4o", "gpt-4o"],
    ["gpt-4o-2024-11-20", "gpt-4o-2024-11-20"],
    ["gpt-4o-2024-08-06", "gpt-4o"],
    ["o3-mini-2025-01-31", "o3-mini"],
    ["gpt-5-2025-08-07", "gpt-5"],
    ["GPT-4.1-mini", "gpt-4.1-mini"],
  ])("prices deployment %s with the %s entry, silently", (deployment, entry) => {
    const { messages, warn } = collect();
    expect(resolveAzurePrice({ deployment, apiBase: BASE, warn })).toStrictEqual(AZURE_PRICES[entry]);
    expect(messages).toEqual([]);
  });

  it("maps a custom deployment name with model_info.base_model", () => {
    const { messages, warn } = collect();
    expect(resolveAzurePrice({ deployment: "prod-chat", apiBase: BASE, modelInfo: { base_model: "gpt-4o-mini" }, warn })).toStrictEqual(AZURE_PRICES["gpt-4o-mini"]);
    expect(messages).toEqual([]);
  });

  it("lets model_info prices override the table", () => {
    const price = resolveAzurePrice({ deployment: "gpt-4o", apiBase: BASE, modelInfo: { input_cost_per_token: 2.75e-6, output_cost_per_token: 1.1e-5 } });
    expect(price).toStrictEqual({ input_cost_per_token: 2.75e-6, output_cost_per_token: 1.1e-5, cache_read_input_token_cost: 1.25e-6 });
  });

  it("prices an unknown deployment from model_info alone", () => {
    const price = resolveAzurePrice({ deployment: "mystery", apiBase: BASE, modelInfo: { input_cost_per_token: 1e-6, output_cost_per_token: 4e-6, cache_read_input_token_cost: 2.5e-7 } });
    expect(price).toStrictEqual({ input_cost_per_token: 1e-6, output_cost_per_token: 4e-6, cache_read_input_token_cost: 2.5e-7 });
  });

  it("gives an unknown deployment price null and warns exactly once, naming it", () => {
    const { messages, warn } = collect();
    for (let i = 0; i < 3; i++) expect(resolveAzurePrice({ deployment: "my-custom-o1-pro", apiBase: BASE, warn })).toBeNull();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('"my-custom-o1-pro"');
    expect(messages[0]).toContain("model_info.base_model");
  });

  it("warns again for the same name on another resource, and for another host", () => {
    const a = collect();
    const b = collect();
    resolveAzurePrice({ deployment: "unknown-dep", apiBase: BASE, warn: a.warn });
    resolveAzurePrice({ deployment: "unknown-dep", apiBase: "https://other.openai.azure.com", warn: a.warn });
    resolveAzurePrice({ deployment: "unknown-dep", apiBase: BASE, warn: b.warn });
    expect(a.messages).toHaveLength(2);
    expect(b.messages).toHaveLength(1);
  });

  it.each([
    ["a base_model that is not in the table", { base_model: "gpt-9" }, 'base_model "gpt-9" is not in the Azure price table'],
    ["model_info prices without output", { input_cost_per_token: 1e-6 }, "lack output_cost_per_token"],
  ])("warns about %s", (_label, modelInfo, text) => {
    const { messages, warn } = collect();
    expect(resolveAzurePrice({ deployment: "prod", apiBase: BASE, modelInfo, warn })).toBeNull();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(text);
  });

  it("says once that o1-pro's price is OpenAI's list price, not verified for Azure", () => {
    const { messages, warn } = collect();
    resolveAzurePrice({ deployment: "o1-pro", apiBase: BASE, warn });
    resolveAzurePrice({ deployment: "o1-pro", apiBase: BASE, warn });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/o1-pro.*not verified for Azure/);
    // Fully overridden: nothing borrowed is used, nothing to say.
    const quiet = collect();
    resolveAzurePrice({ deployment: "o1-pro", apiBase: BASE, modelInfo: { input_cost_per_token: 1e-4, output_cost_per_token: 5e-4 }, warn: quiet.warn });
    expect(quiet.messages).toHaveLength(0);
  });
});
