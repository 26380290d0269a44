import { describe, expect, it } from "vitest";
import { normalizeUsage, tokenUsageSchema } from "./token-usage.js";

describe("normalizeUsage", () => {
  it.each([
    [
      "Responses usage with cached and reasoning tokens",
      { input_tokens: 1000, input_tokens_details: { cached_tokens: 200 }, output_tokens: 500, output_tokens_details: { reasoning_tokens: 300 }, total_tokens: 1500 },
      { input_tokens: 1000, cached_input_tokens: 200, cache_write_tokens: 0, output_tokens: 500, reasoning_tokens: 300, total_tokens: 1500 },
    ],
    [
      "Responses usage with cache_write_tokens (newer upstreams)",
      { input_tokens: 45, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 40 }, output_tokens: 25, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 70 },
      { input_tokens: 45, cached_input_tokens: 0, cache_write_tokens: 40, output_tokens: 25, reasoning_tokens: 0, total_tokens: 70 },
    ],
    [
      "Chat usage with details",
      { prompt_tokens: 1000, prompt_tokens_details: { cached_tokens: 200, audio_tokens: 0 }, completion_tokens: 500, completion_tokens_details: { reasoning_tokens: 64 }, total_tokens: 1500 },
      { input_tokens: 1000, cached_input_tokens: 200, cache_write_tokens: 0, output_tokens: 500, reasoning_tokens: 64, total_tokens: 1500 },
    ],
    [
      "Chat usage without details or total",
      { prompt_tokens: 5, completion_tokens: 2 },
      { input_tokens: 5, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 2, reasoning_tokens: 0, total_tokens: 7 },
    ],
    [
      "Responses usage with null details",
      { input_tokens: 3, input_tokens_details: null, output_tokens: 4, output_tokens_details: null, total_tokens: 7 },
      { input_tokens: 3, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 4, reasoning_tokens: 0, total_tokens: 7 },
    ],
  ])("reads %s", (_label, raw, expected) => {
    const normalized = normalizeUsage(raw);
    expect(normalized).toStrictEqual(expected);
    expect(tokenUsageSchema.parse(normalized)).toStrictEqual(expected);
  });

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["a string", "12"],
    ["an object without counts", { total_tokens: 5 }],
    ["negative counts", { input_tokens: -1, output_tokens: 2 }],
    ["fractional counts", { prompt_tokens: 1.5, completion_tokens: 2 }],
    ["counts as strings", { input_tokens: "10", output_tokens: "2" }],
  ])("gives null (unknown, not zero) for %s", (_label, raw) => {
    expect(normalizeUsage(raw)).toBeNull();
  });
});
