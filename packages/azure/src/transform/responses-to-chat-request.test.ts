import type { ResponsesCreateRequest } from "@dheera/core";
import { describe, expect, test } from "vitest";
import { responsesToChatRequest } from "./responses-to-chat-request.js";

function convert(request: Partial<ResponsesCreateRequest> & Record<string, unknown>) {
  const warnings: string[] = [];
  const out = responsesToChatRequest({ model: "dep1", input: "hi", ...request } as ResponsesCreateRequest, {
    model: "dep1",
    warn: (m) => warnings.push(m),
  }) as Record<string, unknown>;
  return { out, warnings };
}

describe("responsesToChatRequest: input", () => {
  test("instructions become a leading system message; string input one user message", () => {
    expect(convert({ instructions: "Be brief.", input: "hi" }).out.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "hi" },
    ]);
  });

  test("message items keep their roles; input parts become Chat parts", () => {
    const { out } = convert({
      input: [
        { role: "developer", content: "Rules." },
        {
          type: "message",
          role: "user",
          content: [
            { type: "input_text", text: "Look" },
            { type: "input_image", image_url: "https://x.test/a.png", detail: "low" },
            { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "auto" },
            { type: "input_file", file_data: "data:application/pdf;base64,JVBE", filename: "a.pdf" },
          ],
        },
      ],
    });
    expect(out.messages).toEqual([
      { role: "developer", content: "Rules." },
      {
        role: "user",
        content: [
          { type: "text", text: "Look" },
          { type: "image_url", image_url: { url: "https://x.test/a.png", detail: "low" } },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "auto" } },
          { type: "file", file: { file_data: "data:application/pdf;base64,JVBE", filename: "a.pdf" } },
        ],
      },
    ]);
  });

  test("an image known only by file_id is dropped with a warning", () => {
    const { out, warnings } = convert({ input: [{ role: "user", content: [{ type: "input_image", file_id: "file-1", detail: "auto" }] }] });
    expect(out.messages).toEqual([{ role: "user", content: [] }]);
    expect(warnings).toEqual([expect.stringContaining("file_id")]);
  });

  test("assistant history: output_text parts join into content, refusal into refusal", () => {
    const { out } = convert({
      input: [
        { type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Hel", annotations: [] }, { type: "output_text", text: "lo" }] },
        { role: "assistant", content: [{ type: "refusal", refusal: "No." }] },
      ],
    });
    expect(out.messages).toEqual([
      { role: "assistant", content: "Hello" },
      { role: "assistant", content: null, refusal: "No." },
    ]);
  });

  test("consecutive function_call items become ONE assistant message with tool_calls", () => {
    const { out } = convert({
      input: [
        { role: "user", content: "weather in Paris and Rome?" },
        { type: "function_call", id: "fc_1", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}', status: "completed" },
        { type: "function_call", call_id: "call_2", name: "get_weather", arguments: '{"city":"Rome"}' },
        { type: "function_call_output", call_id: "call_1", output: "18C" },
        { type: "function_call_output", call_id: "call_2", output: [{ type: "input_text", text: "21C" }] },
      ],
    });
    expect(out.messages).toEqual([
      { role: "user", content: "weather in Paris and Rome?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
          { id: "call_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "18C" },
      { role: "tool", tool_call_id: "call_2", content: "21C" },
    ]);
  });

  test("function calls right after an assistant message join that message (one turn, text + tool_calls)", () => {
    const { out } = convert({
      input: [
        { role: "assistant", content: [{ type: "output_text", text: "Checking." }] },
        { type: "reasoning", id: "rs_1", summary: [] },
        { type: "function_call", call_id: "call_1", name: "f", arguments: "{}" },
      ],
    });
    expect(out.messages).toEqual([{ role: "assistant", content: "Checking.", tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }] }]);
  });

  test("reasoning items are dropped with a warning", () => {
    const { out, warnings } = convert({ input: [{ type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "x" }] }, { role: "user", content: "hi" }] });
    expect(out.messages).toEqual([{ role: "user", content: "hi" }]);
    expect(warnings).toEqual([expect.stringContaining("reasoning")]);
  });

  test("item_reference items (explicit or id-only) are dropped with a warning", () => {
    const { out, warnings } = convert({ input: [{ type: "item_reference", id: "msg_old" }, { id: "fc_old" }, { role: "user", content: "hi" }] });
    expect(out.messages).toEqual([{ role: "user", content: "hi" }]);
    expect(warnings).toEqual([expect.stringContaining("msg_old"), expect.stringContaining("fc_old")]);
  });

  test("built-in tool items have no Chat form and are dropped with a warning", () => {
    const { warnings } = convert({ input: [{ type: "web_search_call", id: "ws_1", status: "completed" }] });
    expect(warnings).toEqual([expect.stringContaining("web_search_call")]);
  });
});

describe("responsesToChatRequest: tools and parameters", () => {
  test("flat function tools become nested ones", () => {
    const parameters = { type: "object", properties: {} };
    const { out } = convert({
      tools: [
        { type: "function", name: "get_weather", description: "Weather", parameters, strict: true },
        { type: "function", name: "ping", parameters: null, strict: null },
      ],
    });
    expect(out.tools).toEqual([
      { type: "function", function: { name: "get_weather", description: "Weather", parameters, strict: true } },
      { type: "function", function: { name: "ping" } },
    ]);
  });

  test("custom tools are nested; built-in tools are dropped with a warning", () => {
    const { out, warnings } = convert({ tools: [{ type: "custom", name: "g", description: "d" }, { type: "web_search" }] });
    expect(out.tools).toEqual([{ type: "custom", custom: { name: "g", description: "d" } }]);
    expect(warnings).toEqual([expect.stringContaining("web_search")]);
  });

  test.each([
    ["auto", "auto"],
    ["none", "none"],
    ["required", "required"],
    [{ type: "function", name: "f" }, { type: "function", function: { name: "f" } }],
    [{ type: "custom", name: "g" }, { type: "custom", custom: { name: "g" } }],
    [
      { type: "allowed_tools", mode: "auto", tools: [{ type: "function", name: "a" }] },
      { type: "allowed_tools", allowed_tools: { mode: "auto", tools: [{ type: "function", function: { name: "a" } }] } },
    ],
  ])("tool_choice %j becomes %j", (choice, expected) => {
    expect(convert({ tool_choice: choice as ResponsesCreateRequest["tool_choice"] }).out.tool_choice).toEqual(expected);
  });

  test("hosted-tool tool_choice is dropped with a warning", () => {
    const { out, warnings } = convert({ tool_choice: { type: "file_search" } });
    expect(out).not.toHaveProperty("tool_choice");
    expect(warnings).toHaveLength(1);
  });

  test("text.format json_schema becomes a nested response_format; verbosity moves to the top", () => {
    const schema = { type: "object" };
    const { out } = convert({ text: { format: { type: "json_schema", name: "a", schema, strict: true, description: "d" }, verbosity: "high" } });
    expect(out.response_format).toEqual({ type: "json_schema", json_schema: { name: "a", schema, strict: true, description: "d" } });
    expect(out.verbosity).toBe("high");
    expect(out).not.toHaveProperty("text");
  });

  test.each(["json_object", "text"] as const)("text.format %s becomes response_format of the same type", (type) => {
    expect(convert({ text: { format: { type } } }).out.response_format).toEqual({ type });
  });

  test("max_output_tokens becomes max_completion_tokens; reasoning.effort becomes reasoning_effort", () => {
    const { out } = convert({ max_output_tokens: 256, reasoning: { effort: "low" } });
    expect(out).toMatchObject({ max_completion_tokens: 256, reasoning_effort: "low" });
    expect(out).not.toHaveProperty("max_output_tokens");
    expect(out).not.toHaveProperty("reasoning");
  });

  test("reasoning.summary has no Chat equivalent: dropped with a warning", () => {
    expect(convert({ reasoning: { effort: "low", summary: "auto" } }).warnings).toEqual([expect.stringContaining("reasoning.summary")]);
  });

  test("stream true also asks for usage in the last chunk", () => {
    expect(convert({ stream: true }).out).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(convert({ stream: false }).out).not.toHaveProperty("stream_options");
  });

  test("include message.output_text.logprobs becomes logprobs: true; other includes warn", () => {
    const { out, warnings } = convert({ include: ["message.output_text.logprobs", "reasoning.encrypted_content"], top_logprobs: 2 });
    expect(out).toMatchObject({ logprobs: true, top_logprobs: 2 });
    expect(warnings).toEqual([expect.stringContaining("reasoning.encrypted_content")]);
  });

  test.each([
    ["previous_response_id", "resp_1"],
    ["conversation", "conv_1"],
    ["prompt", { id: "pmpt_1" }],
    ["background", true],
    ["truncation", "auto"],
    ["max_tool_calls", 3],
  ])("%s cannot be served by a chat upstream: dropped with a warning naming it", (key, value) => {
    const { out, warnings } = convert({ [key]: value });
    expect(out).not.toHaveProperty(key);
    expect(warnings).toEqual([expect.stringContaining(`"${key}"`)]);
  });

  test("truncation disabled and background false are dropped silently", () => {
    expect(convert({ truncation: "disabled", background: false }).warnings).toEqual([]);
  });

  test("shared parameters and unknown fields pass through", () => {
    const shared = {
      temperature: 0.3,
      top_p: 0.8,
      parallel_tool_calls: false,
      metadata: { k: "v" },
      store: true,
      user: "u",
      safety_identifier: "s",
      prompt_cache_key: "p",
      service_tier: "priority",
      future_param: 1,
    };
    expect(convert(shared).out).toMatchObject(shared);
  });
});
