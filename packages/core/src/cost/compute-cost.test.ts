import { describe, expect, it } from "vitest";
import { computeCost, costOf } from "./compute-cost.js";
import type { PriceEntry } from "./price-entry.js";
import type { TokenUsage } from "./token-usage.js";

// azure/gpt-4o in reference 7.4: 2.5e-6 in, 1.25e-6 cached, 1e-5 out.
const gpt4o: PriceEntry = { input_cost_per_token: 2.5e-6, cache_read_input_token_cost: 1.25e-6, output_cost_per_token: 1e-5 };

function usage(input: number, cached: number, output: number, reasoning = 0, writes = 0): TokenUsage {
  return { input_tokens: input, cached_input_tokens: cached, cache_write_tokens: writes, output_tokens: output, reasoning_tokens: reasoning, total_tokens: input + output };
}

describe("computeCost", () => {
  it("prices the reference's worked example (gpt-4o, 1000 input of which 200 cached, 500 output) at $0.00725", () => {
    expect(computeCost(usage(1000, 200, 500), gpt4o)).toBe(0.00725);
  });

  it.each([
    // label, usage, price, expected USD
    ["no cache, no reasoning", usage(1000, 0, 500), gpt4o, 1000 * 2.5e-6 + 500 * 1e-5],
    ["every input token cached", usage(1000, 1000, 0), gpt4o, 1000 * 1.25e-6],
    ["reasoning tokens are inside output and billed once, at the output price", usage(100, 0, 540, 516), gpt4o, 100 * 2.5e-6 + 540 * 1e-5],
    ["cached and reasoning together", usage(2000, 500, 800, 600), gpt4o, 1500 * 2.5e-6 + 500 * 1.25e-6 + 800 * 1e-5],
    ["no cache-read price: cached tokens cost the input price, not 0", usage(1000, 400, 10), { input_cost_per_token: 1.5e-4, output_cost_per_token: 6e-4 }, 1000 * 1.5e-4 + 10 * 6e-4],
    ["cache writes at their own price when the entry has one", usage(1000, 200, 100, 0, 300), { ...gpt4o, cache_creation_input_token_cost: 3e-6 }, 500 * 2.5e-6 + 200 * 1.25e-6 + 300 * 3e-6 + 100 * 1e-5],
    ["cache writes as plain input when the entry does not price them", usage(1000, 200, 100, 0, 300), gpt4o, 800 * 2.5e-6 + 200 * 1.25e-6 + 100 * 1e-5],
    ["cached above input (malformed) is clamped, never negative", usage(100, 500, 0), gpt4o, 100 * 1.25e-6],
    ["zero tokens cost zero", usage(0, 0, 0), gpt4o, 0],
  ])("%s", (_label, u, price, expected) => {
    expect(computeCost(u, price)).toBeCloseTo(expected, 15);
  });
});

describe("costOf", () => {
  it("is null when the usage or the price is unknown, never 0", () => {
    expect(costOf(null, gpt4o)).toBeNull();
    expect(costOf(usage(1, 0, 1), null)).toBeNull();
    expect(costOf(usage(1, 0, 1), undefined)).toBeNull();
  });

  it("is the computed cost when both are known", () => {
    expect(costOf(usage(1000, 200, 500), gpt4o)).toBe(0.00725);
  });
});
