import { describe, expect, it } from "vitest";
import { z } from "zod";
import { chatCompletionRequestSchema } from "./chat-request.js";

/* Chat Completions requests (reference 5.1), with parameters this schema does not model. */

const everyMessageKind = {
  model: "gpt-4o",
  messages: [
    { role: "developer", content: [{ type: "text", text: "Be terse." }] },
    { role: "system", content: "You are helpful.", name: "policy" },
    { role: "user", content: [
      { type: "text", text: "Describe these." },
      { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "high" } },
      { type: "input_audio", input_audio: { data: "UklGR", format: "wav" } },
      { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } },
    ] },
    { role: "assistant", content: null, refusal: null, tool_calls: [
      { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
      { id: "call_2", type: "function", function: { name: "get_time", arguments: "{}" } },
    ] },
    { role: "tool", tool_call_id: "call_1", content: "18°C" },
    { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "12:00" }] },
    { role: "assistant", content: [{ type: "text", text: "It is 18°C." }, { type: "refusal", refusal: "No more." }], audio: { id: "audio_1" } },
    { role: "function", name: "legacy", content: null },
  ],
  tools: [
    { type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, strict: true } },
    { type: "custom", custom: { name: "grammar_tool", format: { type: "grammar", grammar: { syntax: "lark", definition: "start: WORD" } } } },
  ],
  tool_choice: { type: "function", function: { name: "get_weather" } },
  parallel_tool_calls: false,
  response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" }, strict: true, description: "An answer" } },
  stream: true,
  stream_options: { include_usage: true, include_obfuscation: false },
  max_completion_tokens: 512,
  reasoning_effort: "low",
  temperature: 0.7,
  top_p: 0.9,
  n: 1,
  metadata: { tenant: "acme" },
  user: "u_1",
  // Not modelled here: must pass through untouched.
  stop: ["\n\n"],
  seed: 42,
  logprobs: true,
  top_logprobs: 2,
  logit_bias: { "50256": -100 },
  frequency_penalty: 0.5,
  presence_penalty: 0,
  prediction: { type: "content", content: "draft" },
  web_search_options: { search_context_size: "low" },
  safety_identifier: "u_9f2c",
  store: true,
  service_tier: "auto",
  modalities: ["text"],
};

describe("chatCompletionRequestSchema", () => {
  it.each([
    ["every message kind, tool and option", everyMessageKind],
    ["the smallest request", { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }],
    ["legacy max_tokens and functions", { model: "gpt-35-turbo", messages: [{ role: "user", content: "hi" }], max_tokens: 10, functions: [{ name: "f", parameters: {} }], function_call: "auto" }],
    ["a tool_choice of allowed_tools", { model: "m", messages: [{ role: "user", content: "hi" }], tool_choice: { type: "allowed_tools", allowed_tools: { mode: "auto", tools: [] } } }],
  ])("accepts %s and keeps every field", (_label, body) => {
    expect(chatCompletionRequestSchema.parse(body)).toStrictEqual(body);
  });

  it("rejects a missing messages with a zod error naming messages", () => {
    const result = chatCompletionRequestSchema.safeParse({ model: "gpt-4o" });
    expect(result.error).toBeInstanceOf(z.ZodError);
    expect(result.error?.issues.map((i) => i.path)).toEqual([["messages"]]);
  });

  it("rejects a model that is not a string with a zod error naming model", () => {
    const result = chatCompletionRequestSchema.safeParse({ model: 4, messages: [{ role: "user", content: "hi" }] });
    expect(result.error).toBeInstanceOf(z.ZodError);
    expect(result.error?.issues.map((i) => i.path)).toEqual([["model"]]);
  });

  it("rejects an empty messages array and an unknown role, naming where", () => {
    expect(chatCompletionRequestSchema.safeParse({ model: "m", messages: [] }).error?.issues[0]?.path).toEqual(["messages"]);
    expect(chatCompletionRequestSchema.safeParse({ model: "m", messages: [{ role: "robot", content: "x" }] }).error?.issues[0]?.path).toEqual(["messages", 0, "role"]);
  });

  it("rejects a tool message without tool_call_id", () => {
    const result = chatCompletionRequestSchema.safeParse({ model: "m", messages: [{ role: "tool", content: "x" }] });
    expect(result.error?.issues[0]?.path).toEqual(["messages", 0, "tool_call_id"]);
  });
});
