import { chatCompletionChunkSchema, chatCompletionSchema } from "@dheera/core";
import { describe, expect, it } from "vitest";
import { createAzureEmulator } from "./azure-emulator.js";
import { chatUrl, parseSse, post, sseJson } from "./emulator-test-support.js";

const user = (content: string) => ({ role: "user", content });
const weather = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };
const time = { type: "function", function: { name: "get_time", parameters: { type: "object", properties: { tz: { type: "string" } }, required: ["tz"] } } };

describe("Chat Completions answers", () => {
  const emulator = createAzureEmulator();

  it("returns Azure's chat.completion with filter results and word-count usage", async () => {
    const res = await post(emulator, chatUrl("gpt-4o"), { messages: [{ role: "system", content: "Be brief" }, user("hi there")] });
    expect(res.status).toBe(200);
    const c = res.json;
    expect(() => chatCompletionSchema.parse(c)).not.toThrow();
    expect(c.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(c).toMatchObject({ object: "chat.completion", model: "gpt-4o", system_fingerprint: expect.stringMatching(/^fp_/) });
    expect(c.prompt_filter_results).toEqual([{ prompt_index: 0, content_filter_results: expect.objectContaining({ jailbreak: { filtered: false, detected: false } }) }]);
    expect(c.choices).toEqual([
      {
        content_filter_results: expect.objectContaining({ hate: { filtered: false, severity: "safe" } }),
        finish_reason: "stop",
        index: 0,
        logprobs: null,
        message: { annotations: [], content: "Hello from the Azure emulator (deployment gpt-4o): hi there", refusal: null, role: "assistant" },
      },
    ]);
    expect(c.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 9, total_tokens: 13, completion_tokens_details: { reasoning_tokens: 0 }, prompt_tokens_details: { cached_tokens: 0 } });
    expect(Object.keys(c)).toEqual([...Object.keys(c)].sort());
  });

  it("returns n choices", async () => {
    const c = (await post(emulator, chatUrl("gpt-4o"), { messages: [user("hi")], n: 3 })).json;
    expect(c.choices.map((x: { index: number }) => x.index)).toEqual([0, 1, 2]);
    expect(c.usage.completion_tokens).toBe(3 * 8);
  });

  it.each(["max_tokens", "max_completion_tokens"])("stops at %s with finish_reason length", async (key) => {
    const c = (await post(emulator, chatUrl("gpt-4o"), { messages: [user("unicorn")], [key]: 5 })).json;
    expect(c.choices[0].finish_reason).toBe("length");
    expect(c.choices[0].message.content).toBe("Once upon a time, a");
    expect(c.usage.completion_tokens).toBe(5);
  });

  it("answers with tool calls, one per tool up to two", async () => {
    const c = (await post(emulator, chatUrl("gpt-4o"), { messages: [user("weather and time")], tools: [weather, time] })).json;
    expect(c.choices[0].finish_reason).toBe("tool_calls");
    expect(c.choices[0].message.content).toBeNull();
    expect(c.choices[0].message.tool_calls).toEqual([
      { function: { arguments: '{"city":"Paris"}', name: "get_weather" }, id: expect.stringMatching(/^call_/), type: "function" },
      { function: { arguments: '{"tz":"Europe/Paris"}', name: "get_time" }, id: expect.stringMatching(/^call_/), type: "function" },
    ]);
  });

  it("answers with text after the tool messages", async () => {
    const messages = [
      user("weather?"),
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: "21C" },
    ];
    const c = (await post(emulator, chatUrl("gpt-4o"), { messages, tools: [weather] })).json;
    expect(c.choices[0].finish_reason).toBe("stop");
    expect(c.choices[0].message.content).toBe("Hello from the Azure emulator (deployment gpt-4o): weather?");
  });

  it.each([
    ["a tool message without a preceding call", [user("x"), { role: "tool", tool_call_id: "call_1", content: "r" }], "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'."],
    [
      "a tool call without its tool message",
      [user("x"), { role: "assistant", tool_calls: [{ id: "call_9", type: "function", function: { name: "f", arguments: "{}" } }] }, user("y")],
      "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_9",
    ],
    ["a Responses input_text part", [{ role: "user", content: [{ type: "input_text", text: "x" }] }], "Invalid value: 'input_text'. Supported values are: 'text', 'image_url', 'input_audio', 'refusal', 'audio', and 'file'."],
    ["an unknown role", [{ role: "model", content: "x" }], "Invalid value: 'model'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'."],
    ["no messages", [], "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead."],
  ])("rejects %s", async (_name, messages, message) => {
    const res = await post(emulator, chatUrl("gpt-4o"), { messages });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe(message);
  });

  it.each([
    ["flat Responses tools", { tools: [{ type: "function", name: "f", parameters: {} }] }, "Missing required parameter: 'tools[0].function'."],
    ["a flat tool_choice", { tools: [weather], tool_choice: { type: "function", name: "get_weather" } }, "Missing required parameter: 'tool_choice.function'."],
    ["tool_choice without tools", { tool_choice: "auto" }, "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified."],
    ["parallel_tool_calls without tools", { parallel_tool_calls: true }, "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified."],
    ["a flat response_format", { response_format: { type: "json_schema", name: "x", schema: {} } }, "Missing required parameter: 'response_format.json_schema'."],
    ["stream_options without stream", { stream_options: { include_usage: true } }, "The 'stream_options' parameter is only allowed when 'stream' is enabled."],
  ])("rejects %s", async (_name, extra, message) => {
    const res = await post(emulator, chatUrl("gpt-4o"), { messages: [user("x")], ...extra });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe(message);
  });

  it("applies the reasoning-model rules (o3-mini)", async () => {
    const maxTokens = await post(emulator, chatUrl("o3-mini", "2025-01-01-preview"), { messages: [user("x")], max_tokens: 50 });
    expect(maxTokens.json.error).toMatchObject({ param: "max_tokens", code: "unsupported_parameter" });
    const temperature = await post(emulator, chatUrl("o3-mini", "2025-01-01-preview"), { messages: [user("x")], temperature: 0.5 });
    expect(temperature.json.error.code).toBe("unsupported_value");
    const ok = (await post(emulator, chatUrl("o3-mini", "2025-01-01-preview"), { messages: [user("x")], max_completion_tokens: 50, reasoning_effort: "low" })).json;
    expect(ok.usage.completion_tokens_details.reasoning_tokens).toBe(8);
    const old = await post(emulator, chatUrl("o3-mini", "2024-10-21"), { messages: [user("x")] });
    expect(old.json).toEqual({ error: { code: "BadRequest", message: "Model {modelName} is enabled only for api versions 2024-12-01-preview and later" } });
    const effort = await post(emulator, chatUrl("gpt-4o"), { messages: [user("x")], reasoning_effort: "low" });
    expect(effort.json.error).toMatchObject({ param: "reasoning_effort", code: "unsupported_parameter" });
  });

  it("rejects parameters newer than the dated api-version, as Azure does", async () => {
    const res = await post(emulator, chatUrl("gpt-4o", "2024-06-01"), { messages: [user("x")], max_completion_tokens: 10 });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe("Unrecognized request argument supplied: max_completion_tokens");
  });

  it("answers [[content_filter]] with the chat innererror shape", async () => {
    const res = await post(emulator, chatUrl("gpt-4o"), { messages: [user("[[content_filter]]")] });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "content_filter", param: "prompt", status: 400, innererror: { code: "ResponsibleAIPolicyViolation" } });
    expect(res.json.error.innererror.content_filter_result.violence).toEqual({ filtered: true, severity: "medium" });
  });

  it("ends a filtered output with finish_reason content_filter", async () => {
    const c = (await post(emulator, chatUrl("gpt-4o"), { messages: [user("[[filter_output]] hello")] })).json;
    expect(c.choices[0].finish_reason).toBe("content_filter");
    expect(c.choices[0].content_filter_results.violence).toEqual({ filtered: true, severity: "medium" });
  });

  it("answers [[rate_limit]] with the ChatCompletions_Create 429", async () => {
    const res = await post(emulator, chatUrl("gpt-4o"), { messages: [user("[[rate_limit]]")] });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(res.json.error.message).toMatch(/^Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21/);
  });
});

describe("Chat Completions streaming", () => {
  it("streams Azure's filter chunk, role, content, finish, usage and [DONE]", async () => {
    const res = await post(createAzureEmulator(), chatUrl("gpt-4o"), { messages: [user("hi")], stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const events = parseSse(res.text);
    expect(events.every((e) => e.event === undefined)).toBe(true);
    expect(events.at(-1)?.data).toBe("[DONE]");
    const chunks = sseJson(res.text);
    expect(chunks[0]).toEqual({ choices: [], created: 0, id: "", model: "", object: "", prompt_filter_results: expect.any(Array) });
    const body = chunks.slice(1);
    for (const chunk of body) expect(() => chatCompletionChunkSchema.parse(chunk)).not.toThrow();
    expect(body[0].choices[0]).toMatchObject({ delta: { role: "assistant", content: "" }, content_filter_results: {} });
    expect(body.slice(1, -2).map((c) => c.choices[0].delta.content).join("")).toBe("Hello from the Azure emulator (deployment gpt-4o): hi");
    expect(body.at(-2).choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    expect(body.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 8, total_tokens: 9 } });
    expect(body.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(new Set(body.map((c) => c.id)).size).toBe(1);
  });

  it("leaves the usage chunk out without include_usage", async () => {
    const chunks = sseJson((await post(createAzureEmulator(), chatUrl("gpt-4o"), { messages: [user("hi")], stream: true })).text);
    expect(chunks.at(-1).choices[0].finish_reason).toBe("stop");
    expect(chunks.every((c) => !("usage" in c))).toBe(true);
  });

  it("streams tool calls with per-call index", async () => {
    const chunks = sseJson((await post(createAzureEmulator(), chatUrl("gpt-4o"), { messages: [user("x")], tools: [weather, time], stream: true })).text).slice(1);
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(calls.filter((c: { id?: string }) => c.id).map((c: { index: number; function: { name: string } }) => [c.index, c.function.name])).toEqual([
      [0, "get_weather"],
      [1, "get_time"],
    ]);
    const args0 = calls.filter((c: { index: number }) => c.index === 0).map((c: { function: { arguments: string } }) => c.function.arguments).join("");
    expect(args0).toBe('{"city":"Paris"}');
    expect(chunks.at(-1).choices[0].finish_reason).toBe("tool_calls");
  });

  it("sends an error payload and no [DONE] when the answer fails mid-stream", async () => {
    const res = await post(createAzureEmulator(), chatUrl("gpt-4o"), { messages: [user("[[fail_midstream]]")], stream: true });
    const events = parseSse(res.text);
    expect(events.at(-1)?.data).not.toBe("[DONE]");
    expect(JSON.parse(events.at(-1)!.data)).toEqual({ error: { message: expect.any(String), type: "server_error", param: null, code: "server_error" } });
  });
});
