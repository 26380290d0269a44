import { computeCost, findPrice, priceEntrySchema } from "@dheera/core";
import { describe, expect, it } from "vitest";
import { AZURE_PRICE_ROWS, AZURE_PRICES } from "./azure-prices.js";

describe("the Azure price table", () => {
  it.each([
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "o1",
    "o1-pro",
    "o3",
    "o3-mini",
    "o4-mini",
    "codex-mini",
    "gpt-5",
    "gpt-5-mini",
    "gpt-5-nano",
    "gpt-5-codex",
  ])("prices %s with a valid entry and a recorded source", (name) => {
    const row = AZURE_PRICE_ROWS[name];
    expect(row).toBeDefined();
    expect(priceEntrySchema.parse(row!.price)).toStrictEqual(row!.price);
    expect(["reference", "litellm-azure", "openai-list-unverified"]).toContain(row!.source);
    expect(row!.price.output_cost_per_token).toBeGreaterThanOrEqual(row!.price.input_cost_per_token);
  });

  // Every value the reference's table 7.4 lists, USD per token, row for row.
  it.each([
    ["gpt-4o", 2.5e-6, 1.25e-6, 1e-5],
    ["gpt-4o-2024-11-20", 2.75e-6, 1.25e-6, 1.1e-5],
    ["gpt-4o-mini", 1.65e-7, 7.5e-8, 6.6e-7],
    ["gpt-4.1", 2e-6, 5e-7, 8e-6],
    ["o1", 1.5e-5, 7.5e-6, 6e-5],
    ["o3", 2e-6, 5e-7, 8e-6],
    ["o4-mini", 1.1e-6, 2.75e-7, 4.4e-6],
    ["codex-mini", 1.5e-6, 3.75e-7, 6e-6],
    ["gpt-5", 1.25e-6, 1.25e-7, 1e-5],
    ["gpt-5-codex", 1.25e-6, 1.25e-7, 1e-5],
  ])("has the reference's price for %s", (name, input, cached, output) => {
    const row = AZURE_PRICE_ROWS[name]!;
    expect(row.source).toBe("reference");
    expect(row.price.input_cost_per_token).toBeCloseTo(input, 15);
    expect(row.price.cache_read_input_token_cost).toBeCloseTo(cached, 15);
    expect(row.price.output_cost_per_token).toBeCloseTo(output, 15);
  });

  it("marks o1-pro's borrowed OpenAI price as unverified, and only that one", () => {
    const unverified = Object.entries(AZURE_PRICE_ROWS).filter(([, row]) => !row.verified).map(([name]) => name);
    expect(unverified).toEqual(["o1-pro"]);
    expect(AZURE_PRICE_ROWS["o1-pro"]!.source).toBe("openai-list-unverified");
  });

  it("has lower-case keys, so findPrice can match them", () => {
    for (const key of Object.keys(AZURE_PRICES)) expect(key).toBe(key.toLowerCase());
  });

  it("prices the reference's worked example on gpt-4o at $0.00725", () => {
    const usage = { input_tokens: 1000, cached_input_tokens: 200, cache_write_tokens: 0, output_tokens: 500, reasoning_tokens: 0, total_tokens: 1500 };
    expect(computeCost(usage, findPrice(AZURE_PRICES, "gpt-4o")!.price)).toBe(0.00725);
  });
});
