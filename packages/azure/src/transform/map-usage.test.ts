import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { chatUsageToResponseUsage, responseUsageToChatUsage } from "./map-usage.js";

describe("usage mapping", () => {
  test("Responses usage -> Chat usage, details included, unknown fields kept", () => {
    expect(
      responseUsageToChatUsage({
        input_tokens: 100,
        input_tokens_details: { cached_tokens: 64, cache_write_tokens: 10 },
        output_tokens: 50,
        output_tokens_details: { reasoning_tokens: 30 },
        total_tokens: 150,
        cost: 0.01,
      }),
    ).toEqual({
      prompt_tokens: 100,
      completion_tokens: 50,
      total_tokens: 150,
      prompt_tokens_details: { cached_tokens: 64, cache_write_tokens: 10 },
      completion_tokens_details: { reasoning_tokens: 30 },
      cost: 0.01,
    });
  });

  test("missing details become zeros (Chat clients read them unconditionally)", () => {
    expect(responseUsageToChatUsage({ input_tokens: 1, output_tokens: 2, total_tokens: 3 })).toMatchObject({
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  test("Chat usage -> Responses usage", () => {
    expect(
      chatUsageToResponseUsage({
        prompt_tokens: 12,
        completion_tokens: 7,
        total_tokens: 19,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 2 },
      }),
    ).toEqual({
      input_tokens: 12,
      input_tokens_details: { cached_tokens: 4 },
      output_tokens: 7,
      output_tokens_details: { reasoning_tokens: 2 },
      total_tokens: 19,
    });
  });

  test("the numbers survive a Responses -> Chat -> Responses round trip", () => {
    const count = fc.nat({ max: 1_000_000 });
    fc.assert(
      fc.property(count, count, count, count, (input, output, cached, reasoning) => {
        const usage = {
          input_tokens: input,
          input_tokens_details: { cached_tokens: cached },
          output_tokens: output,
          output_tokens_details: { reasoning_tokens: reasoning },
          total_tokens: input + output,
        };
        expect(chatUsageToResponseUsage(responseUsageToChatUsage(usage))).toEqual(usage);
      }),
    );
  });
});
