import { describe, expect, test } from "vitest";
import { finishReasonFromResponse, responseStatusFromFinishReason } from "./map-finish-reason.js";

describe("finish reason mapping", () => {
  test.each([
    ["completed", null, false, "stop"],
    ["completed", null, true, "tool_calls"],
    ["incomplete", "max_output_tokens", false, "length"],
    ["incomplete", "content_filter", false, "content_filter"],
    ["incomplete", "max_output_tokens", true, "length"],
    ["incomplete", "some_future_reason", false, "length"],
    ["incomplete", undefined, false, "length"],
    [undefined, undefined, false, "stop"],
  ] as const)("status %s + reason %s + tool calls %s -> %s", (status, incompleteReason, hasToolCalls, expected) => {
    expect(finishReasonFromResponse({ status, incompleteReason, hasToolCalls })).toBe(expected);
  });

  test.each([
    ["stop", "completed", null],
    ["tool_calls", "completed", null],
    ["function_call", "completed", null],
    ["length", "incomplete", "max_output_tokens"],
    ["content_filter", "incomplete", "content_filter"],
    [null, "completed", null],
  ] as const)("finish_reason %s -> status %s, incomplete reason %s", (finish, status, incompleteReason) => {
    expect(responseStatusFromFinishReason(finish)).toEqual({ status, incompleteReason });
  });
});
