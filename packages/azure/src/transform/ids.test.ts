import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  chatCompletionIdFromResponseId,
  functionCallItemId,
  outputItemId,
  responseIdBody,
  responseIdFromChatCompletionId,
  syntheticCallId,
} from "./ids.js";

describe("ids", () => {
  test.each([
    ["resp_0775abc", "chatcmpl-0775abc"],
    ["custom-id", "chatcmpl-custom-id"],
  ])("response id %s -> chat completion id %s", (id, expected) => {
    expect(chatCompletionIdFromResponseId(id)).toBe(expected);
  });

  test.each([
    ["chatcmpl-B9xABC", "resp_B9xABC"],
    ["abc", "resp_abc"],
  ])("chat completion id %s -> response id %s", (id, expected) => {
    expect(responseIdFromChatCompletionId(id)).toBe(expected);
  });

  test("resp_ ids survive a round trip through chatcmpl- ids", () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), (body) => responseIdFromChatCompletionId(chatCompletionIdFromResponseId(`resp_${body}`)) === `resp_${body}`));
  });

  test("item ids share the response id body; the n-th item of a kind gets a suffix", () => {
    expect(responseIdBody("resp_X1")).toBe("X1");
    expect(outputItemId("msg", "resp_X1")).toBe("msg_X1");
    expect(outputItemId("msg", "resp_X1", 2)).toBe("msg_X1_2");
    expect(outputItemId("rs", "resp_X1")).toBe("rs_X1");
  });

  test("function_call item ids start with fc_ and derive from the call id", () => {
    expect(functionCallItemId("call_BJ7")).toBe("fc_BJ7");
    expect(functionCallItemId("toolu_01")).toBe("fc_toolu_01");
  });

  test("synthetic call ids are deterministic", () => {
    expect(syntheticCallId("chatcmpl-A", 0)).toBe("call_A_0");
    expect(syntheticCallId("resp_A", 3)).toBe("call_A_3");
  });
});
