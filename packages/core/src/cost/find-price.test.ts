import { describe, expect, it } from "vitest";
import { findPrice, resolveDeploymentPrice } from "./find-price.js";
import { modelInfoSchema, type PriceTable } from "./price-entry.js";

const table: PriceTable = {
  "gpt-4o": { input_cost_per_token: 2.5e-6, cache_read_input_token_cost: 1.25e-6, output_cost_per_token: 1e-5 },
  "gpt-4o-2024-11-20": { input_cost_per_token: 2.75e-6, cache_read_input_token_cost: 1.25e-6, output_cost_per_token: 1.1e-5 },
  "o1-pro": { input_cost_per_token: 1.5e-4, output_cost_per_token: 6e-4 },
};

describe("findPrice", () => {
  it.each([
    ["the exact name", "gpt-4o", "gpt-4o"],
    ["an exact dated entry before the undated one", "gpt-4o-2024-11-20", "gpt-4o-2024-11-20"],
    ["a dated snapshot without an entry of its own: the undated one", "gpt-4o-2024-08-06", "gpt-4o"],
    ["names in any case", "GPT-4o", "gpt-4o"],
  ])("matches %s (%s -> %s)", (_label, name, key) => {
    expect(findPrice(table, name)?.key).toBe(key);
  });

  it.each(["my-custom-gpt", "gpt-4o-mini", "gpt-4o-2024", "constructor", "__proto__", ""])("finds nothing for %j", (name) => {
    expect(findPrice(table, name)).toBeUndefined();
  });
});

describe("resolveDeploymentPrice", () => {
  it("prices a deployment named after a table entry", () => {
    expect(resolveDeploymentPrice({ deployment: "gpt-4o", table })).toStrictEqual({ price: table["gpt-4o"], source: "table", key: "gpt-4o" });
  });

  it("maps a custom deployment name to an entry with model_info.base_model", () => {
    const resolved = resolveDeploymentPrice({ deployment: "prod-chat", table, modelInfo: { base_model: "gpt-4o-2024-08-06" } });
    expect(resolved).toStrictEqual({ price: table["gpt-4o"], source: "table", key: "gpt-4o" });
  });

  it("lets model_info prices override the entry field by field", () => {
    const resolved = resolveDeploymentPrice({ deployment: "gpt-4o", table, modelInfo: { input_cost_per_token: 2e-6 } });
    expect(resolved).toStrictEqual({ price: { ...table["gpt-4o"], input_cost_per_token: 2e-6 }, source: "table+model_info", key: "gpt-4o" });
  });

  it("prices an unknown deployment from model_info alone when it gives input and output", () => {
    const modelInfo = { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, cache_read_input_token_cost: 5e-7 };
    expect(resolveDeploymentPrice({ deployment: "mystery", table, modelInfo })).toStrictEqual({ price: modelInfo, source: "model_info", key: undefined });
  });

  it.each([
    ["an unknown deployment", { deployment: "mystery" }, { price: null, reason: "unknown_model", lookedUp: "mystery" }],
    ["a base_model not in the table", { deployment: "prod", modelInfo: { base_model: "gpt-9" } }, { price: null, reason: "unknown_base_model", lookedUp: "gpt-9" }],
    [
      "model_info prices without output",
      { deployment: "mystery", modelInfo: { input_cost_per_token: 1e-6 } },
      { price: null, reason: "incomplete_model_info", lookedUp: "mystery", missing: ["output_cost_per_token"] },
    ],
  ])("gives price null, with the reason, for %s", (_label, input, expected) => {
    expect(resolveDeploymentPrice({ table, ...input })).toStrictEqual(expected);
  });
});

describe("modelInfoSchema", () => {
  it("rejects a misspelt key, naming it", () => {
    const result = modelInfoSchema.safeParse({ input_cost_per_tokens: 1e-6 });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain("input_cost_per_tokens");
  });

  it("rejects a negative price", () => {
    expect(modelInfoSchema.safeParse({ output_cost_per_token: -1 }).success).toBe(false);
  });
});
