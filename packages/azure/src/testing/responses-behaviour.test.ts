import { responseObjectSchema, responseStreamEventSchema } from "@dheera/core";
import { describe, expect, it } from "vitest";
import { createAzureEmulator } from "./azure-emulator.js";
import { UNICORN_STORY } from "./emulated-turn.js";
import { post, RESPONSES_URL, sseJson } from "./emulator-test-support.js";

const weatherTool = {
  type: "function",
  name: "get_weather",
  description: "Weather for a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] }, days: { type: "integer" } },
    required: ["city", "unit"],
    additionalProperties: false,
  },
};
const timeTool = { type: "function", name: "get_time", parameters: { type: "object", properties: { timezone: { type: "string" } }, required: ["timezone"] } };

describe("Responses API answers", () => {
  const emulator = createAzureEmulator();

  it("returns the full Response object with word-count usage", async () => {
    const res = await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "Say hello please", instructions: "Be brief", metadata: { a: "b" } });
    expect(res.status).toBe(200);
    const r = res.json;
    expect(() => responseObjectSchema.parse(r)).not.toThrow();
    expect(r).toMatchObject({
      object: "response",
      status: "completed",
      error: null,
      incomplete_details: null,
      instructions: "Be brief",
      model: "gpt-4o",
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: true,
      temperature: 1,
      top_p: 1,
      text: { format: { type: "text" }, verbosity: "medium" },
      tool_choice: "auto",
      tools: [],
      truncation: "disabled",
      user: null,
      metadata: { a: "b" },
    });
    expect(r.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(typeof r.created_at).toBe("number");
    expect(typeof r.completed_at).toBe("number");
    const text = "Hello from the Azure emulator (deployment gpt-4o): Say hello please";
    expect(r.output).toEqual([
      { id: expect.stringMatching(/^msg_/), type: "message", status: "completed", content: [{ type: "output_text", annotations: [], logprobs: [], text }], role: "assistant" },
    ]);
    expect(r.usage).toEqual({
      input_tokens: 5, // "Be brief" + "Say hello please"
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 10,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 15,
    });
    expect(r.content_filters).toHaveLength(2);
    expect(r.content_filters[0]).toMatchObject({ blocked: false, source_type: "prompt" });
    expect(r.content_filters[1]).toMatchObject({ blocked: false, source_type: "completion" });
  });

  it("tells the unicorn story when the input mentions a unicorn", async () => {
    const r = (await post(emulator, RESPONSES_URL, { model: "gpt-4.1", input: [{ role: "user", content: [{ type: "input_text", text: "A Unicorn story?" }] }] })).json;
    expect(r.output[0].content[0].text).toBe(UNICORN_STORY);
    expect(r.usage.output_tokens).toBe(30);
  });

  it("truncates at max_output_tokens and reports incomplete", async () => {
    const r = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "unicorn", max_output_tokens: 16 })).json;
    expect(r.status).toBe("incomplete");
    expect(r.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(r.output[0].status).toBe("incomplete");
    expect(r.output[0].content[0].text).toBe("Once upon a time, a gentle unicorn named Luna found a glowing star. She carried it");
    expect(r.usage.output_tokens).toBe(16);
    expect(r.completed_at).toBeNull();
  });

  it("rejects max_output_tokens below 16, as the API does", async () => {
    const res = await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "hi", max_output_tokens: 10 });
    expect(res.status).toBe(400);
    expect(res.json.error).toEqual({
      message: "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 10 instead.",
      type: "invalid_request_error",
      param: "max_output_tokens",
      code: "integer_below_min_value",
    });
  });

  it("puts a reasoning item first for reasoning deployments and counts 8 reasoning tokens", async () => {
    for (const model of ["o1-pro", "codex-mini", "my-custom-o1-pro"]) {
      const r = (await post(emulator, RESPONSES_URL, { model, input: "hi there" })).json;
      expect(r.output.map((i: { type: string }) => i.type)).toEqual(["reasoning", "message"]);
      expect(r.output[0]).toEqual({ id: expect.stringMatching(/^rs_/), type: "reasoning", summary: [] });
      expect(r.usage.output_tokens_details.reasoning_tokens).toBe(8);
      expect(r.usage.output_tokens).toBe(8 + 9);
      expect(r.reasoning).toEqual({ effort: "medium", summary: null });
    }
  });

  it("adds a reasoning summary when asked, and encrypted content when included", async () => {
    const r = (await post(emulator, RESPONSES_URL, { model: "o1-pro", input: "hi", reasoning: { effort: "high", summary: "auto" }, include: ["reasoning.encrypted_content"] })).json;
    expect(r.reasoning).toEqual({ effort: "high", summary: "auto" });
    expect(r.output[0].summary).toEqual([{ type: "summary_text", text: expect.stringContaining("**") }]);
    expect(r.output[0].encrypted_content).toMatch(/^gAAAAA/);
  });

  it("takes back only the encrypted reasoning this resource issued, as Azure does (store: false turns)", async () => {
    const include = ["reasoning.encrypted_content"];
    const first = (await post(emulator, RESPONSES_URL, { model: "o1-pro", input: "hi", store: false, include })).json;
    const reasoning = first.output[0];
    const replay = (item: unknown) => post(emulator, RESPONSES_URL, { model: "o1-pro", store: false, include, input: [{ role: "user", content: "hi" }, item, { role: "user", content: "more" }] });
    expect((await replay(reasoning)).status).toBe(200);
    const other = createAzureEmulator();
    const foreign = (await post(other, RESPONSES_URL, { model: "o1-pro", input: "hi", store: false, include })).json.output[0];
    const refused = await replay(foreign);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toEqual({
      message: `The encrypted content ${foreign.encrypted_content.slice(0, 4)}...${foreign.encrypted_content.slice(-4)} could not be verified.`,
      type: "invalid_request_error",
      param: null,
      code: "invalid_encrypted_content",
    });
  });

  it("rejects reasoning parameters on non-reasoning deployments and sampling on reasoning ones", async () => {
    const effort = await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "hi", reasoning: { effort: "low" } });
    expect(effort.json.error).toMatchObject({ param: "reasoning.effort", code: "unsupported_parameter" });
    const temperature = await post(emulator, RESPONSES_URL, { model: "o1-pro", input: "hi", temperature: 0.2 });
    expect(temperature.json.error).toEqual({
      message: "Unsupported parameter: 'temperature' is not supported with this model.",
      type: "invalid_request_error",
      param: "temperature",
      code: "unsupported_parameter",
    });
    expect((await post(emulator, RESPONSES_URL, { model: "o1-pro", input: "hi", temperature: 1 })).status).toBe(200);
  });

  it("calls the first function tool with arguments built from its schema", async () => {
    const r = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "Weather in Paris?", tools: [weatherTool], parallel_tool_calls: false })).json;
    expect(r.status).toBe("completed");
    expect(r.output).toEqual([
      { id: expect.stringMatching(/^fc_/), type: "function_call", status: "completed", arguments: '{"city":"Paris","unit":"celsius"}', call_id: expect.stringMatching(/^call_/), name: "get_weather" },
    ]);
    expect(r.tools).toEqual([{ ...weatherTool, strict: true }]);
  });

  it("makes one call per tool (at most two) when parallel tool calls are allowed", async () => {
    const r = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "both", tools: [weatherTool, timeTool, { ...timeTool, name: "third" }] })).json;
    expect(r.output.map((i: { name: string }) => i.name)).toEqual(["get_weather", "get_time"]);
    expect(r.output[1].arguments).toBe('{"timezone":"Europe/Paris"}');
  });

  it("honours a forced tool and tool_choice none", async () => {
    const forced = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "x", tools: [weatherTool, timeTool], tool_choice: { type: "function", name: "get_time" } })).json;
    expect(forced.output.map((i: { name: string }) => i.name)).toEqual(["get_time"]);
    const none = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "x", tools: [weatherTool], tool_choice: "none" })).json;
    expect(none.output[0].type).toBe("message");
  });

  it("answers with text once the input carries the tool output", async () => {
    const first = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "Weather?", tools: [weatherTool] })).json;
    const call = first.output[0];
    const second = await post(emulator, RESPONSES_URL, {
      model: "gpt-4o",
      previous_response_id: first.id,
      input: [{ type: "function_call_output", call_id: call.call_id, output: '{"temp":21}' }],
      tools: [weatherTool],
    });
    expect(second.status).toBe(200);
    expect(second.json.output[0].content[0].text).toBe("Hello from the Azure emulator (deployment gpt-4o):");
    expect(second.json.previous_response_id).toBe(first.id);
  });

  it.each([
    ["a tool output without a call", [{ type: "function_call_output", call_id: "call_nope", output: "x" }], "No tool call found for function call output with call_id call_nope."],
    ["a call without its output", [{ type: "function_call", call_id: "call_1", name: "f", arguments: "{}" }], "No tool output found for function call call_1."],
    ["a function_call id that is not fc_", [{ type: "function_call", id: "call_1", call_id: "call_1", name: "f", arguments: "{}" }], "Invalid 'input[0].id': 'call_1'. Expected an ID that begins with 'fc'."],
    ["a tool role", [{ role: "tool", content: "x" }], "Invalid value: 'tool'. Supported values are: 'assistant', 'system', 'developer', and 'user'."],
    ["a chat text part", [{ role: "user", content: [{ type: "text", text: "x" }] }], "Invalid value: 'text'. Supported values are: 'input_text', 'input_image', 'output_text', 'refusal', 'input_file', 'computer_screenshot', and 'summary_text'."],
    ["input_text in an assistant message", [{ role: "assistant", content: [{ type: "input_text", text: "x" }] }], "Invalid value: 'input_text'. Supported values are: 'output_text' and 'refusal'."],
    ["a chat image_url object", [{ role: "user", content: [{ type: "input_image", image_url: { url: "https://x" } }] }], "Invalid type for 'input[0].content[0].image_url': expected a string, but got an object instead."],
  ])("rejects %s in the input", async (_name, input, message) => {
    const res = await post(emulator, RESPONSES_URL, { model: "gpt-4o", input });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe(message);
  });

  it.each([
    ["chat-style nested tools", { tools: [{ type: "function", function: { name: "f", parameters: {} } }] }, "Missing required parameter: 'tools[0].name'."],
    ["chat-style tool_choice", { tools: [weatherTool], tool_choice: { type: "function", function: { name: "get_weather" } } }, "Missing required parameter: 'tool_choice.name'."],
    ["chat-style json_schema format", { text: { format: { type: "json_schema", json_schema: { name: "x", schema: {} } } } }, "Missing required parameter: 'text.format.name'."],
    ["stream_options without stream", { stream_options: { include_obfuscation: false } }, "The 'stream_options' parameter is only allowed when 'stream' is enabled."],
    ["a string temperature", { temperature: "hot" }, "Invalid type for 'temperature': expected a decimal, but got a string instead."],
  ])("rejects %s", async (_name, extra, message) => {
    const res = await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "hi", ...extra });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toBe(message);
  });
});

describe("Responses magic phrases and scripted replies", () => {
  it("answers [[rate_limit]] with Azure's 429 and retry-after", async () => {
    const res = await post(createAzureEmulator(), RESPONSES_URL, { model: "gpt-4o", input: "go [[rate_limit]]" });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(res.headers.get("retry-after-ms")).toBe("2000");
    expect(res.json.error.code).toBe("429");
    expect(res.json.error.message).toMatch(/^Requests to the Responses_Create Operation under Azure OpenAI API version 2025-03-01-preview have exceeded/);
  });

  it("answers [[server_error]] with 500", async () => {
    const res = await post(createAzureEmulator(), RESPONSES_URL, { model: "gpt-4o", input: "[[server_error]]" });
    expect(res.status).toBe(500);
    expect(res.json.error.type).toBe("server_error");
  });

  it("answers [[content_filter]] with the Responses content_filters shape", async () => {
    const res = await post(createAzureEmulator(), RESPONSES_URL, { model: "gpt-4o", input: "[[content_filter]]" });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "content_filter", param: "prompt", type: "invalid_request_error" });
    expect(res.json.error.innererror).toBeUndefined();
    expect(res.json.error.content_filters[0]).toMatchObject({ blocked: true, source_type: "prompt", content_filter_results: { jailbreak: { filtered: true, detected: true } } });
  });

  it("filters the output on [[filter_output]]", async () => {
    const r = (await post(createAzureEmulator(), RESPONSES_URL, { model: "gpt-4o", input: "tell a unicorn tale [[filter_output]]" })).json;
    expect(r.status).toBe("incomplete");
    expect(r.incomplete_details).toEqual({ reason: "content_filter" });
    expect(r.output[0].content[0].text).toBe("Once upon a time, a gentle unicorn named Luna found a glowing star. She carried");
    expect(r.content_filters[1]).toMatchObject({ blocked: true, source_type: "completion", content_filter_results: { violence: { filtered: true } } });
  });

  it("lets the reply option script text, tools, status and usage", async () => {
    const emulator = createAzureEmulator({
      reply: (ctx) =>
        ctx.lastUserText === "script me"
          ? { text: "Scripted.", toolCalls: [{ name: "lookup", arguments: { q: 1 }, callId: "call_fixed" }], usage: { inputTokens: 100 } }
          : undefined,
    });
    const r = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "script me" })).json;
    expect(r.output.map((i: { type: string }) => i.type)).toEqual(["message", "function_call"]);
    expect(r.output[1]).toMatchObject({ call_id: "call_fixed", arguments: '{"q":1}', name: "lookup" });
    expect(r.usage.input_tokens).toBe(100);
    const other = (await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "other" })).json;
    expect(other.output[0].content[0].text).toMatch(/^Hello from the Azure emulator/);
  });

  it("lets the reply option answer with any HTTP error", async () => {
    const emulator = createAzureEmulator({ reply: () => ({ error: { status: 503, body: { error: { code: "ServiceUnavailable", message: "busy" } }, headers: { "retry-after": "1" } } }) });
    const res = await post(emulator, RESPONSES_URL, { model: "gpt-4o", input: "x" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.json).toEqual({ error: { code: "ServiceUnavailable", message: "busy" } });
  });
});

describe("Responses streaming", () => {
  const types = (events: Array<{ type: string }>) => events.map((e) => e.type);

  it("streams text in the exact event order with sequence numbers from 0 and no [DONE]", async () => {
    const res = await post(createAzureEmulator(), RESPONSES_URL, { model: "gpt-4o", input: "hi you", stream: true });
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.text).not.toContain("[DONE]");
    const events = sseJson(res.text);
    for (const event of events) expect(() => responseStreamEventSchema.parse(event)).not.toThrow();
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const text = "Hello from the Azure emulator (deployment gpt-4o): hi you";
    const deltas = text.match(/\s*\S+/g) ?? [];
    expect(types(events)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...deltas.map(() => "response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta)).toEqual(deltas);
    expect(events[0].response).toMatchObject({ status: "in_progress", output: [], usage: null, content_filters: null });
    expect(events.at(-1).response.output[0].content[0].text).toBe(text);
    expect(events.find((e) => e.type === "response.output_text.delta").obfuscation).toEqual(expect.any(String));
    // Every SSE block is `event: <type>` + `data: <json>` with matching names.
    for (const block of res.text.split("\n\n").filter(Boolean)) {
      const [eventLine, dataLine] = block.split("\n");
      expect(eventLine).toBe(`event: ${JSON.parse(dataLine!.slice(6)).type}`);
    }
  });

  it("leaves obfuscation out when include_obfuscation is false", async () => {
    const res = await post(createAzureEmulator(), RESPONSES_URL, { model: "gpt-4o", input: "hi", stream: true, stream_options: { include_obfuscation: false } });
    expect(res.text).not.toContain("obfuscation");
  });

  it("streams function calls one block per call", async () => {
    const events = sseJson((await post(createAzureEmulator(), RESPONSES_URL, { model: "gpt-4o", input: "x", tools: [weatherTool, timeTool], stream: true })).text);
    const t = types(events);
    expect(t.slice(0, 3)).toEqual(["response.created", "response.in_progress", "response.output_item.added"]);
    expect(t.filter((x) => x === "response.output_item.added")).toHaveLength(2);
    const secondAdded = t.lastIndexOf("response.output_item.added");
    expect(t[secondAdded - 1]).toBe("response.output_item.done");
    expect(t[secondAdded - 2]).toBe("response.function_call_arguments.done");
    const firstArgs = events.filter((e) => e.type === "response.function_call_arguments.delta" && e.output_index === 0).map((e) => e.delta).join("");
    expect(firstArgs).toBe('{"city":"Paris","unit":"celsius"}');
    expect(events.find((e) => e.type === "response.function_call_arguments.done")).toMatchObject({ name: "get_weather", arguments: firstArgs });
    expect(events[2].item).toMatchObject({ type: "function_call", status: "in_progress", arguments: "" });
    expect(t.at(-1)).toBe("response.completed");
  });

  it("streams reasoning summary parts before the message", async () => {
    const events = sseJson((await post(createAzureEmulator(), RESPONSES_URL, { model: "o1-pro", input: "x", reasoning: { summary: "detailed" }, stream: true })).text);
    const t = types(events);
    const start = t.indexOf("response.reasoning_summary_part.added");
    expect(t.slice(2, start + 1)).toEqual(["response.output_item.added", "response.reasoning_summary_part.added"]);
    const end = t.indexOf("response.reasoning_summary_part.done");
    expect(t.slice(end - 1, end + 3)).toEqual(["response.reasoning_summary_text.done", "response.reasoning_summary_part.done", "response.output_item.done", "response.output_item.added"]);
    expect(events[2].item).toMatchObject({ type: "reasoning", summary: [] });
    expect(events.at(-1).response.usage.output_tokens_details.reasoning_tokens).toBe(8);
  });

  it("streams a reasoning item without summary as just added and done", async () => {
    const t = types(sseJson((await post(createAzureEmulator(), RESPONSES_URL, { model: "o1-pro", input: "x", stream: true })).text));
    expect(t.slice(2, 5)).toEqual(["response.output_item.added", "response.output_item.done", "response.output_item.added"]);
  });

  it("ends a truncated stream with response.incomplete", async () => {
    const events = sseJson((await post(createAzureEmulator(), RESPONSES_URL, { model: "gpt-4o", input: "unicorn", max_output_tokens: 16, stream: true })).text);
    expect(types(events).slice(-2)).toEqual(["response.output_item.done", "response.incomplete"]);
    expect(events.at(-2).item.status).toBe("incomplete");
    expect(events.at(-1).response.incomplete_details).toEqual({ reason: "max_output_tokens" });
  });

  it("fails mid-stream with a nested error event and response.failed", async () => {
    const events = sseJson((await post(createAzureEmulator(), RESPONSES_URL, { model: "gpt-4o", input: "[[fail_midstream]]", stream: true })).text);
    expect(types(events)).toEqual(["response.created", "response.in_progress", "error", "response.failed"]);
    expect(events[2]).toEqual({ type: "error", sequence_number: 2, error: { type: "server_error", code: "server_error", message: expect.any(String), param: null } });
    expect(events[3].response).toMatchObject({ status: "failed", error: { code: "server_error" }, output: [], usage: null });
  });

  it("answers pre-stream errors as plain JSON", async () => {
    const res = await post(createAzureEmulator(), RESPONSES_URL, { model: "gpt-4o", input: "[[content_filter]]", stream: true });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/json");
  });
});
