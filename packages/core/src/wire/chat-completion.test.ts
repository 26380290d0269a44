import { describe, expect, it } from "vitest";
import { chatCompletionChunkSchema, chatCompletionSchema } from "./chat-completion.js";

/* chat.completion (reference 5.2) and its chunks (5.3), with Azure's extras (7.5). */

const completion = {
  id: "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
  object: "chat.completion",
  created: 1741570283,
  model: "gpt-4o-2024-08-06",
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: null,
        refusal: null,
        annotations: [],
        tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"P"}' } }],
      },
      logprobs: null,
      finish_reason: "tool_calls",
      content_filter_results: { hate: { filtered: false, severity: "safe" }, protected_material_code: { filtered: false, detected: false } },
    },
  ],
  usage: {
    prompt_tokens: 5,
    completion_tokens: 2,
    total_tokens: 7,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
  service_tier: "default",
  system_fingerprint: "fp_b705f0c291",
  prompt_filter_results: [{ prompt_index: 0, content_filter_results: { jailbreak: { filtered: false, detected: false } } }],
};

const chunk = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1741570283,
  model: "gpt-4o-2024-08-06",
  system_fingerprint: "fp_b705f0c291",
  choices: [{ index: 0, logprobs: null, finish_reason: null, ...choice }],
  ...extra,
});

describe("chatCompletionSchema", () => {
  it("accepts a completion with tool calls and Azure filter results, keeping every field", () => {
    expect(chatCompletionSchema.parse(completion)).toStrictEqual(completion);
  });

  it("accepts a plain text completion", () => {
    const text = { ...completion, choices: [{ index: 0, message: { role: "assistant", content: "Hello", refusal: null }, logprobs: null, finish_reason: "stop" }] };
    expect(chatCompletionSchema.parse(text)).toStrictEqual(text);
  });
});

describe("chatCompletionChunkSchema", () => {
  it.each([
    ["the role chunk", chunk({ delta: { role: "assistant", content: "", refusal: null } }, { usage: null, obfuscation: "k2" })],
    ["a content chunk", chunk({ delta: { content: "Hel" }, content_filter_results: {} })],
    ["a tool-call start chunk", chunk({ delta: { role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "get_weather", arguments: "" } }] } })],
    ["a tool-call arguments chunk", chunk({ delta: { tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] } })],
    ["the finish chunk", chunk({ delta: {}, finish_reason: "stop" })],
    ["the usage chunk", { ...chunk({}), choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }],
    ["Azure's prompt-filter chunk with an empty envelope", { choices: [], created: 0, id: "", model: "", object: "", prompt_filter_results: [{ prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: "safe" } } }] }],
  ])("accepts %s and keeps every field", (_label, body) => {
    expect(chatCompletionChunkSchema.parse(body)).toStrictEqual(body);
  });

  it("accepts Azure's asynchronous-filter annotation chunk, which has no delta", () => {
    const annotation = {
      choices: [{ content_filter_offsets: { check_offset: 44, start_offset: 44, end_offset: 198 }, content_filter_results: { violence: { filtered: false, severity: "safe" } }, finish_reason: null, index: 0 }],
      created: 0,
      id: "",
      model: "",
      object: "",
    };
    const parsed = chatCompletionChunkSchema.parse(annotation);
    expect(parsed.choices[0]!.delta).toStrictEqual({});
    expect(parsed).toStrictEqual({ ...annotation, choices: [{ ...annotation.choices[0], delta: {} }] });
  });

  it("rejects a chunk with an unknown finish_reason", () => {
    expect(chatCompletionChunkSchema.safeParse(chunk({ delta: {}, finish_reason: "eos" })).error?.issues[0]?.path).toEqual(["choices", 0, "finish_reason"]);
  });
});
