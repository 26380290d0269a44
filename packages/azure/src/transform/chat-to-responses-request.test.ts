import type { ChatCompletionRequest } from "@dheera/core";
import { describe, expect, test } from "vitest";
import { chatToResponsesRequest } from "./chat-to-responses-request.js";

function convert(request: Partial<ChatCompletionRequest> & Record<string, unknown>, options: { dropParams?: boolean } = {}) {
  const warnings: string[] = [];
  const dropped: string[] = [];
  const out = chatToResponsesRequest(
    { model: "dep1", messages: [{ role: "user", content: "hi" }], ...request } as ChatCompletionRequest,
    { model: "dep1", warn: (m) => warnings.push(m), ...(options.dropParams ? { dropParams: true, dropped: (p: string) => dropped.push(p) } : {}) },
  ) as Record<string, unknown>;
  return { out, warnings, dropped };
}

describe("chatToResponsesRequest: messages", () => {
  test("a system message with string content becomes instructions", () => {
    const { out } = convert({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "hi" }] });
    expect(out.instructions).toBe("Be brief.");
    expect(out.input).toEqual([{ type: "message", role: "user", content: "hi" }]);
  });

  test("several system messages are joined with a blank line", () => {
    const { out } = convert({
      messages: [
        { role: "system", content: "One." },
        { role: "user", content: "hi" },
        { role: "system", content: "Two." },
      ],
    });
    expect(out.instructions).toBe("One.\n\nTwo.");
  });

  test("a system message with content parts stays an input message with role system", () => {
    const { out } = convert({ messages: [{ role: "system", content: [{ type: "text", text: "Rules" }] }, { role: "user", content: "hi" }] });
    expect(out.instructions).toBeUndefined();
    expect((out.input as unknown[])[0]).toEqual({ type: "message", role: "system", content: [{ type: "input_text", text: "Rules" }] });
  });

  test("no instructions key when there is no system message", () => {
    expect(convert({}).out).not.toHaveProperty("instructions");
  });

  test("developer messages keep their role", () => {
    const { out } = convert({ messages: [{ role: "developer", content: "Use tools." }, { role: "user", content: "hi" }] });
    expect((out.input as unknown[])[0]).toEqual({ type: "message", role: "developer", content: "Use tools." });
  });

  test("user text, image and file parts become input_text, input_image and input_file", () => {
    const { out } = convert({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: "https://x.test/a.png", detail: "high" } },
            { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
            { type: "file", file: { file_id: "file-1", filename: "a.pdf" } },
            { type: "input_audio", input_audio: { data: "UklG", format: "wav" } },
          ],
        },
      ],
    });
    expect(out.input).toEqual([
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "What is this?" },
          { type: "input_image", image_url: "https://x.test/a.png", detail: "high" },
          { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "auto" },
          { type: "input_file", file_id: "file-1", filename: "a.pdf" },
          { type: "input_audio", input_audio: { data: "UklG", format: "wav" } },
        ],
      },
    ]);
  });

  test("assistant string content becomes an output_text history message", () => {
    const { out } = convert({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content: "Hello!" }] });
    expect((out.input as unknown[])[1]).toEqual({ type: "message", role: "assistant", content: [{ type: "output_text", text: "Hello!" }] });
  });

  test("assistant text parts and refusal become output_text and refusal parts", () => {
    const { out } = convert({
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: [{ type: "text", text: "A" }, { type: "refusal", refusal: "No." }] },
        { role: "assistant", content: null, refusal: "Cannot." },
      ],
    });
    expect((out.input as unknown[]).slice(1)).toEqual([
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "A" }, { type: "refusal", refusal: "No." }] },
      { type: "message", role: "assistant", content: [{ type: "refusal", refusal: "Cannot." }] },
    ]);
  });

  test("an assistant message with text AND tool calls keeps the text and emits one function_call per call", () => {
    const { out } = convert({
      messages: [
        { role: "user", content: "weather?" },
        {
          role: "assistant",
          content: "Checking both.",
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "18C" },
        { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "21" }, { type: "text", text: "C" }] },
      ],
    });
    expect((out.input as unknown[]).slice(1)).toEqual([
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking both." }] },
      { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
      { type: "function_call", call_id: "call_2", name: "get_weather", arguments: '{"city":"Rome"}' },
      { type: "function_call_output", call_id: "call_1", output: "18C" },
      { type: "function_call_output", call_id: "call_2", output: "21C" },
    ]);
  });

  test("an assistant message with null (or empty) content and tool calls emits only function_call items", () => {
    const { out } = convert({
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: "", tool_calls: [{ id: "call_9", type: "function", function: { name: "f", arguments: "{}" } }] },
      ],
    });
    expect((out.input as unknown[]).slice(1)).toEqual([{ type: "function_call", call_id: "call_9", name: "f", arguments: "{}" }]);
  });

  test("a tool message with an image part keeps the parts as output", () => {
    const { out } = convert({
      messages: [
        { role: "user", content: "x" },
        { role: "tool", tool_call_id: "call_1", content: [{ type: "text", text: "see" }, { type: "image_url", image_url: { url: "https://x.test/i.png" } }] },
      ],
    });
    expect((out.input as unknown[])[1]).toEqual({
      type: "function_call_output",
      call_id: "call_1",
      output: [
        { type: "input_text", text: "see" },
        { type: "input_image", image_url: "https://x.test/i.png", detail: "auto" },
      ],
    });
  });

  test("legacy function role becomes function_call_output paired with the legacy call, with a warning", () => {
    const { out, warnings } = convert({
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: null, function_call: { name: "lookup", arguments: '{"q":1}' } },
        { role: "function", name: "lookup", content: "found" },
      ],
    });
    const input = out.input as Array<Record<string, unknown>>;
    expect(input[1]).toMatchObject({ type: "function_call", name: "lookup", arguments: '{"q":1}' });
    expect(input[2]).toEqual({ type: "function_call_output", call_id: input[1]!.call_id, output: "found" });
    expect(warnings.some((w) => w.includes('"function" role'))).toBe(true);
  });

  test("message names are dropped with one warning", () => {
    const { out, warnings } = convert({ messages: [{ role: "user", content: "a", name: "bob" }, { role: "user", content: "b", name: "amy" }] });
    expect(out.input).toEqual([
      { type: "message", role: "user", content: "a" },
      { type: "message", role: "user", content: "b" },
    ]);
    expect(warnings.filter((w) => w.includes('"name"'))).toHaveLength(1);
  });
});

describe("chatToResponsesRequest: tools", () => {
  test("nested function tools become flat ones; missing strict means false (Chat's default)", () => {
    const parameters = { type: "object", properties: { city: { type: "string" } } };
    const { out } = convert({
      tools: [
        { type: "function", function: { name: "get_weather", description: "Weather", parameters, strict: true } },
        { type: "function", function: { name: "ping" } },
      ],
    });
    expect(out.tools).toEqual([
      { type: "function", name: "get_weather", description: "Weather", parameters, strict: true },
      { type: "function", name: "ping", parameters: null, strict: false },
    ]);
  });

  test("non-function tools pass through, custom tools are flattened", () => {
    const { out } = convert({
      tools: [
        { type: "web_search_preview", search_context_size: "low" },
        { type: "custom", custom: { name: "grammar", description: "d", format: { type: "text" } } },
      ],
    });
    expect(out.tools).toEqual([
      { type: "web_search_preview", search_context_size: "low" },
      { type: "custom", name: "grammar", description: "d", format: { type: "text" } },
    ]);
  });

  test.each([
    ["none", "none"],
    ["auto", "auto"],
    ["required", "required"],
    [{ type: "function", function: { name: "get_weather" } }, { type: "function", name: "get_weather" }],
    [{ type: "custom", custom: { name: "grammar" } }, { type: "custom", name: "grammar" }],
    [
      { type: "allowed_tools", allowed_tools: { mode: "required", tools: [{ type: "function", function: { name: "a" } }, { type: "function", function: { name: "b" } }] } },
      { type: "allowed_tools", mode: "required", tools: [{ type: "function", name: "a" }, { type: "function", name: "b" }] },
    ],
    [{ type: "file_search" }, { type: "file_search" }],
  ])("tool_choice %j becomes %j", (choice, expected) => {
    expect(convert({ tool_choice: choice as ChatCompletionRequest["tool_choice"] }).out.tool_choice).toEqual(expected);
  });

  test("parallel_tool_calls passes through", () => {
    expect(convert({ parallel_tool_calls: false }).out.parallel_tool_calls).toBe(false);
  });

  test("legacy functions and function_call become tools and tool_choice with warnings", () => {
    const { out, warnings } = convert({ functions: [{ name: "f", parameters: { type: "object" } }], function_call: { name: "f" } });
    expect(out.tools).toEqual([{ type: "function", name: "f", parameters: { type: "object" }, strict: false }]);
    expect(out.tool_choice).toEqual({ type: "function", name: "f" });
    expect(out).not.toHaveProperty("functions");
    expect(out).not.toHaveProperty("function_call");
    expect(warnings).toHaveLength(2);
  });
});

describe("chatToResponsesRequest: parameters", () => {
  test("response_format json_schema becomes a flat text.format", () => {
    const schema = { type: "object", properties: { a: { type: "number" } }, required: ["a"], additionalProperties: false };
    const { out } = convert({ response_format: { type: "json_schema", json_schema: { name: "answer", schema, strict: true, description: "The answer" } } });
    expect(out.text).toEqual({ format: { type: "json_schema", name: "answer", schema, strict: true, description: "The answer" } });
  });

  test.each(["json_object", "text"] as const)("response_format %s becomes text.format of the same type", (type) => {
    expect(convert({ response_format: { type } }).out.text).toEqual({ format: { type } });
  });

  test("verbosity goes to text.verbosity next to the format", () => {
    expect(convert({ verbosity: "low", response_format: { type: "text" } }).out.text).toEqual({ format: { type: "text" }, verbosity: "low" });
  });

  test("max_completion_tokens becomes max_output_tokens", () => {
    const { out } = convert({ max_completion_tokens: 500 });
    expect(out.max_output_tokens).toBe(500);
    expect(out).not.toHaveProperty("max_completion_tokens");
  });

  test("legacy max_tokens becomes max_output_tokens", () => {
    const { out } = convert({ max_tokens: 300 });
    expect(out.max_output_tokens).toBe(300);
    expect(out).not.toHaveProperty("max_tokens");
  });

  test("a token limit below the Responses minimum of 16 is raised to 16 with a warning", () => {
    const { out, warnings } = convert({ max_tokens: 5 });
    expect(out.max_output_tokens).toBe(16);
    expect(warnings).toEqual([expect.stringContaining("raised to 16")]);
  });

  test("max_completion_tokens wins over a different max_tokens, with a warning", () => {
    const { out, warnings } = convert({ max_tokens: 300, max_completion_tokens: 500 });
    expect(out.max_output_tokens).toBe(500);
    expect(warnings).toEqual([expect.stringContaining("max_tokens")]);
  });

  test("reasoning_effort becomes reasoning.effort", () => {
    const { out } = convert({ reasoning_effort: "high" });
    expect(out.reasoning).toEqual({ effort: "high" });
    expect(out).not.toHaveProperty("reasoning_effort");
  });

  test("shared parameters pass through unchanged", () => {
    const shared = {
      temperature: 0.2,
      top_p: 0.9,
      metadata: { a: "b" },
      store: false,
      user: "u1",
      safety_identifier: "s1",
      prompt_cache_key: "k1",
      service_tier: "flex",
      top_logprobs: 3,
      previous_response_id: "resp_prev",
      stream: true,
    };
    expect(convert(shared).out).toMatchObject(shared);
  });

  test("stream_options is not sent upstream, silently", () => {
    const { out, warnings } = convert({ stream: true, stream_options: { include_usage: true } });
    expect(out).not.toHaveProperty("stream_options");
    expect(warnings).toEqual([]);
  });

  test("logprobs: true asks Responses for output_text logprobs through include", () => {
    const { out } = convert({ logprobs: true, top_logprobs: 2 });
    expect(out.include).toEqual(["message.output_text.logprobs"]);
    expect(out.top_logprobs).toBe(2);
    expect(out).not.toHaveProperty("logprobs");
  });

  test.each([
    ["n", 2],
    ["stop", ["\n"]],
    ["stop", "END"],
    ["logit_bias", { "50256": -100 }],
    ["frequency_penalty", 0.5],
    ["presence_penalty", 0.5],
    ["seed", 42],
    ["modalities", ["text", "audio"]],
    ["audio", { voice: "alloy", format: "wav" }],
    ["prediction", { type: "content", content: "x" }],
    ["web_search_options", {}],
    ["background", true],
  ])("unsupported %s is refused with a 400 naming it, or dropped and reported under drop_params", (key, value) => {
    expect(() => convert({ [key]: value })).toThrow(expect.objectContaining({ status: 400, param: key, code: "unsupported_parameter" }));
    const { out, warnings, dropped } = convert({ [key]: value }, { dropParams: true });
    expect(out).not.toHaveProperty(key);
    expect(dropped).toEqual([key]);
    expect(warnings).toEqual([expect.stringContaining(`"${key}"`)]);
  });

  test.each([
    ["n", 1],
    ["frequency_penalty", 0],
    ["presence_penalty", 0],
    ["seed", null],
    ["stop", null],
    ["modalities", ["text"]],
  ])("unsupported %s with its no-op value %j is dropped without a warning", (key, value) => {
    const { out, warnings } = convert({ [key]: value });
    expect(out).not.toHaveProperty(key);
    expect(warnings).toEqual([]);
  });

  test("unknown top-level fields pass through untouched", () => {
    const { out } = convert({ truncation: "auto", include: ["reasoning.encrypted_content"], some_future_param: { x: [1] } });
    expect(out).toMatchObject({ truncation: "auto", include: ["reasoning.encrypted_content"], some_future_param: { x: [1] } });
  });

  test("model passes through (the operation sets the deployment)", () => {
    expect(convert({}).out.model).toBe("dep1");
  });
});
