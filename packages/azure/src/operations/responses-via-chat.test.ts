import {
  DheeraError,
  WireStream,
  chatSseFraming,
  knownResponseStreamEventSchema,
  responseObjectSchema,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ChatOperations,
  type ResponseStreamEvent,
  type ResponsesCreateRequest,
} from "@dheera/core";
import OpenAI from "openai";
import { describe, expect, test } from "vitest";
import { responsesViaChat } from "./responses-via-chat.js";

/*
 * responsesViaChat over a fake ChatOperations: what a Responses client sees when its request is
 * served by a chat-only deployment, and what the chat deployment is asked.
 */

type Scripted = ChatCompletionChunk | Error;

/** Chat operations that answer from a script and remember every request they got. */
function fakeChat(script: { completion?: ChatCompletion; chunks?: Scripted[] }) {
  const requests: ChatCompletionRequest[] = [];
  const ops: ChatOperations = {
    async create(request) {
      requests.push(request);
      return { status: 200, headers: { "x-request-id": "req_up" }, body: script.completion! };
    },
    async stream(request) {
      requests.push(request);
      async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
        for (const item of script.chunks ?? []) {
          if (item instanceof Error) throw item;
          yield item;
        }
      }
      return { status: 200, headers: {}, stream: WireStream.fromEvents(chunks(), chatSseFraming, () => {}) };
    },
  };
  return { ops, requests };
}

const ID = "chatcmpl-up1";
const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatCompletionChunk =>
  ({ id: ID, object: "chat.completion.chunk", created: 1787659600, model: "qwen3", choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] }) as ChatCompletionChunk;
const usageChunk = (prompt: number, completion: number): ChatCompletionChunk =>
  ({ id: ID, object: "chat.completion.chunk", created: 1787659600, model: "qwen3", choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } }) as ChatCompletionChunk;
const call = (index: number, fields: Record<string, unknown>) => ({ tool_calls: [{ index, ...fields }] });

const weather = { type: "function" as const, name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } };
const time = { type: "function" as const, name: "get_time", parameters: { type: "object", properties: { tz: { type: "string" } } } };

async function collect(stream: AsyncIterable<ResponseStreamEvent>): Promise<{ events: ResponseStreamEvent[]; error?: unknown }> {
  const events: ResponseStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

const types = (events: ResponseStreamEvent[]) => events.map((e) => e.type);
const terminal = (events: ResponseStreamEvent[]) => (events.at(-1) as { response: Record<string, any> }).response;

function expectWellFormed(events: ResponseStreamEvent[]): void {
  for (const event of events) expect(knownResponseStreamEventSchema.safeParse(event).success, event.type).toBe(true);
  expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
}

/** The official client, reading the bridged stream's SSE bytes as if from a server. */
async function openaiClientOver(stream: WireStream<ResponseStreamEvent>): Promise<OpenAI> {
  const parts: Uint8Array[] = [];
  for await (const part of stream.toSse()) parts.push(part);
  const body = Buffer.concat(parts).toString("utf8");
  return new OpenAI({
    apiKey: "test",
    baseURL: "http://gateway.test/v1",
    maxRetries: 0,
    fetch: async () => new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } }),
  });
}

describe("responsesViaChat: create", () => {
  const completion = {
    id: ID,
    object: "chat.completion",
    created: 1787659600,
    model: "qwen3",
    choices: [
      {
        index: 0,
        finish_reason: "tool_calls",
        logprobs: null,
        message: {
          role: "assistant",
          content: null,
          reasoning_content: "Two lookups.",
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_2", type: "function", function: { name: "get_time", arguments: '{"tz":"Europe/Paris"}' } },
          ],
        },
      },
    ],
    usage: { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29, completion_tokens_details: { reasoning_tokens: 4 } },
  } as unknown as ChatCompletion;

  const request: ResponsesCreateRequest = {
    model: "my-model",
    instructions: "Be brief",
    input: [{ role: "user", content: "Weather and time in Paris?" }],
    tools: [weather, time],
    tool_choice: "auto",
    text: { format: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true } },
    max_output_tokens: 100,
    metadata: { team: "a" },
  } as ResponsesCreateRequest;

  test("asks the chat deployment a non-streamed chat completion carrying the same request", async () => {
    const chat = fakeChat({ completion });
    await responsesViaChat(chat.ops).create(request);
    expect(chat.requests).toEqual([
      {
        model: "my-model",
        stream: false,
        messages: [
          { role: "system", content: "Be brief" },
          { role: "user", content: "Weather and time in Paris?" },
        ],
        max_completion_tokens: 100,
        metadata: { team: "a" },
        response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" }, strict: true } },
        tools: [
          { type: "function", function: { name: "get_weather", parameters: weather.parameters } },
          { type: "function", function: { name: "get_time", parameters: time.parameters } },
        ],
        tool_choice: "auto",
      },
    ]);
  });

  test("answers a Response: reasoning item, one function_call per parallel call, usage, the request echoed", async () => {
    const result = await responsesViaChat(fakeChat({ completion }).ops).create(request);
    const body = result.body;
    expect(responseObjectSchema.safeParse(body).success).toBe(true);
    expect(result.headers).toEqual({ "x-request-id": "req_up" });
    expect(body).toMatchObject({
      object: "response",
      status: "completed",
      model: "my-model",
      instructions: "Be brief",
      tools: [weather, time],
      tool_choice: "auto",
      text: { format: { type: "json_schema", name: "answer" } },
      max_output_tokens: 100,
      metadata: { team: "a" },
      store: false,
      previous_response_id: null,
      usage: { input_tokens: 20, output_tokens: 9, total_tokens: 29, output_tokens_details: { reasoning_tokens: 4 } },
    });
    expect(body.id).toMatch(/^resp_/);
    expect(body.output.map((item) => item.type)).toEqual(["reasoning", "function_call", "function_call"]);
    expect(body.output[0]).toMatchObject({ summary: [{ type: "summary_text", text: "Two lookups." }] });
    expect(body.output.slice(1)).toMatchObject([
      { call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}', status: "completed" },
      { call_id: "call_2", name: "get_time", arguments: '{"tz":"Europe/Paris"}', status: "completed" },
    ]);
  });

  test("a chat answer cut by the token limit is an incomplete Response", async () => {
    const cut = { ...completion, choices: [{ index: 0, finish_reason: "length", logprobs: null, message: { role: "assistant", content: "Once upon" } }] } as unknown as ChatCompletion;
    const { body } = await responsesViaChat(fakeChat({ completion: cut }).ops).create({ model: "m", input: "story" });
    expect(body).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, output: [{ type: "message", status: "incomplete" }] });
  });
});

describe("responsesViaChat: stream", () => {
  test("text: OpenAI's exact event order, usage forced upstream, on the terminal event and in the accounting", async () => {
    const chat = fakeChat({
      chunks: [chunk({ role: "assistant", content: "" }), chunk({ content: "Hello" }), chunk({ content: ", world" }), chunk({}, "stop"), usageChunk(5, 3)],
    });
    const result = await responsesViaChat(chat.ops).stream({ model: "my-model", input: "hi", stream: true });
    const { events, error } = await collect(result.stream);
    expect(error).toBeUndefined();
    expectWellFormed(events);
    expect(types(events)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(chat.requests[0]).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(terminal(events)).toMatchObject({ status: "completed", output: [{ type: "message", content: [{ type: "output_text", text: "Hello, world" }] }] });
    expect(terminal(events).usage).toMatchObject({ input_tokens: 5, output_tokens: 3, total_tokens: 8 });
    expect(result.accounting?.usage).toMatchObject({ input_tokens: 5, output_tokens: 3, total_tokens: 8 });
    expect(result.accounting?.terminal).toBe("response.completed");
    expect(result.accounting?.responseId).toBe(terminal(events).id);
    expect(result.accounting?.firstTokenAt).not.toBeNull();
    expect(result.accounting?.failure).toBeNull();
    expect(result.usage?.()).toMatchObject({ total_tokens: 8 });
  });

  test("the client's own stream_options are kept and include_usage added", async () => {
    const chat = fakeChat({ chunks: [chunk({ content: "x" }, "stop")] });
    const result = await responsesViaChat(chat.ops).stream({ model: "m", input: "hi", stream: true, stream_options: { include_obfuscation: false } } as ResponsesCreateRequest);
    await collect(result.stream);
    expect(chat.requests[0]!.stream_options).toEqual({ include_obfuscation: false, include_usage: true });
  });

  test("reasoning_content then parallel tool calls: a reasoning item, then one function_call item per call, in order", async () => {
    const chat = fakeChat({
      chunks: [
        chunk({ role: "assistant", reasoning_content: "Need " }),
        chunk({ reasoning_content: "two tools." }),
        chunk(call(0, { id: "call_1", type: "function", function: { name: "get_weather", arguments: "" } })),
        chunk(call(0, { function: { arguments: '{"city":' } })),
        chunk(call(0, { function: { arguments: '"Paris"}' } })),
        chunk(call(1, { id: "call_2", type: "function", function: { name: "get_time", arguments: '{"tz":"Europe/Paris"}' } })),
        chunk({}, "tool_calls"),
        usageChunk(30, 12),
      ],
    });
    const result = await responsesViaChat(chat.ops).stream({ model: "m", input: "Weather and time?", tools: [weather, time], stream: true });
    const { events } = await collect(result.stream);
    expectWellFormed(events);
    expect(types(events)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const final = terminal(events);
    expect(final.tools).toEqual([weather, time]);
    expect(final.output).toMatchObject([
      { type: "reasoning", summary: [{ type: "summary_text", text: "Need two tools." }] },
      { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}', status: "completed" },
      { type: "function_call", call_id: "call_2", name: "get_time", arguments: '{"tz":"Europe/Paris"}', status: "completed" },
    ]);
    expect(result.accounting?.usage).toMatchObject({ input_tokens: 30, output_tokens: 12 });
  });

  test("openai-node's stream accumulator takes every bridged event and finalResponse() has the calls, reasoning and usage", async () => {
    const chat = fakeChat({
      chunks: [
        chunk({ role: "assistant", reasoning_content: "Thinking." }),
        chunk({ content: "Let me check." }),
        chunk(call(0, { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } })),
        chunk(call(1, { id: "call_2", type: "function", function: { name: "get_time", arguments: '{"tz":"Europe/Rome"}' } })),
        chunk({}, "tool_calls"),
        usageChunk(11, 7),
      ],
    });
    const result = await responsesViaChat(chat.ops).stream({ model: "m", input: "Rome?", tools: [weather, time], stream: true });
    const client = await openaiClientOver(result.stream);
    const stream = client.responses.stream({ model: "m", input: "Rome?" });
    const seen: string[] = [];
    stream.on("event", (event) => seen.push(event.type));
    const final = await stream.finalResponse();
    expect(seen.at(-1)).toBe("response.completed");
    expect(final.output_text).toBe("Let me check.");
    expect(final.output.map((item) => (item.type === "function_call" ? `${item.name}:${item.arguments}` : item.type))).toEqual([
      "reasoning",
      "message",
      'get_weather:{"city":"Rome"}',
      'get_time:{"tz":"Europe/Rome"}',
    ]);
    expect(final.usage).toMatchObject({ input_tokens: 11, output_tokens: 7, total_tokens: 18 });
  });

  test("a chat stream cut by the token limit ends in response.incomplete", async () => {
    const chat = fakeChat({ chunks: [chunk({ content: "Once upon" }, "length"), usageChunk(3, 2)] });
    const { events } = await collect((await responsesViaChat(chat.ops).stream({ model: "m", input: "story", stream: true })).stream);
    expect(types(events).at(-1)).toBe("response.incomplete");
    expect(terminal(events)).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } });
  });
});

describe("responsesViaChat: a failed generation never ends in response.completed", () => {
  test("an error chunk mid-stream ends the events with the upstream's error, also in the accounting", async () => {
    const chat = fakeChat({ chunks: [chunk({ content: "Hel" }), { error: { message: "The server had an error.", type: "server_error", param: null, code: "server_error" } } as unknown as ChatCompletionChunk] });
    const result = await responsesViaChat(chat.ops).stream({ model: "m", input: "hi", stream: true });
    const { events, error } = await collect(result.stream);
    expect(types(events)).toEqual(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added", "response.output_text.delta"]);
    expect(DheeraError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "server_error", message: "The server had an error." });
    expect(result.accounting?.failure).toEqual({ code: "server_error", message: "The server had an error." });
    expect(result.accounting?.terminal).toBeNull();
  });

  test("a connection lost mid-stream ends the events with that error", async () => {
    const lost = new Error("socket hang up");
    const chat = fakeChat({ chunks: [chunk({ content: "Hel" }), lost] });
    const result = await responsesViaChat(chat.ops).stream({ model: "m", input: "hi", stream: true });
    const { events, error } = await collect(result.stream);
    expect(error).toBe(lost);
    expect(types(events)).not.toContain("response.completed");
    expect(result.accounting?.finished).toBe(false);
  });

  test("a chat stream that stops before its finish_reason is a 502 upstream_stream_truncated", async () => {
    const chat = fakeChat({ chunks: [chunk({ content: "Hel" }), chunk({ content: "lo" })] });
    const { events, error } = await collect((await responsesViaChat(chat.ops).stream({ model: "m", input: "hi", stream: true })).stream);
    expect(error).toMatchObject({ status: 502, code: "upstream_stream_truncated" });
    expect(types(events).filter((t) => t.startsWith("response.") && (t.endsWith("completed") || t.endsWith("incomplete")))).toEqual([]);
  });
});

describe("responsesViaChat: a chat upstream keeps no state", () => {
  test.each([
    ["previous_response_id", "resp_123"],
    ["conversation", "conv_123"],
    ["prompt", { id: "pmpt_123" }],
    ["background", true],
  ])("%s is refused with 400 unsupported_parameter, before anything is sent", async (param, value) => {
    const chat = fakeChat({ chunks: [] });
    const ops = responsesViaChat(chat.ops);
    const request = { model: "m", input: "hi", [param]: value } as ResponsesCreateRequest;
    await expect(ops.create(request)).rejects.toMatchObject({ status: 400, code: "unsupported_parameter", param, type: "invalid_request_error" });
    await expect(ops.stream({ ...request, stream: true })).rejects.toMatchObject({ status: 400, param });
    expect(chat.requests).toEqual([]);
  });

  test("under drop_params the parameter is dropped, not sent, and named in droppedParams", async () => {
    const completion = { id: ID, object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, finish_reason: "stop", logprobs: null, message: { role: "assistant", content: "ok" } }] } as unknown as ChatCompletion;
    const chat = fakeChat({ completion, chunks: [chunk({ content: "ok" }, "stop")] });
    const ops = responsesViaChat(chat.ops);
    const created = await ops.create({ model: "m", input: "hi", previous_response_id: "resp_1", background: true } as ResponsesCreateRequest, { dropParams: true });
    expect(created.droppedParams).toEqual(["previous_response_id", "background"]);
    const streamed = await ops.stream({ model: "m", input: "hi", stream: true, conversation: "conv_1" } as ResponsesCreateRequest, { dropParams: true });
    expect(streamed.droppedParams).toEqual(["conversation"]);
    for (const sent of chat.requests) {
      expect(sent).not.toHaveProperty("previous_response_id");
      expect(sent).not.toHaveProperty("background");
      expect(sent).not.toHaveProperty("conversation");
    }
  });

  test("background: false asks for nothing and is not refused", async () => {
    const completion = { id: ID, object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, finish_reason: "stop", logprobs: null, message: { role: "assistant", content: "ok" } }] } as unknown as ChatCompletion;
    const { body } = await responsesViaChat(fakeChat({ completion }).ops).create({ model: "m", input: "hi", background: false } as ResponsesCreateRequest);
    expect(body.status).toBe("completed");
  });

  test("store: true is not forwarded, the Response says store: false, and the host is told once", async () => {
    const completion = { id: ID, object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, finish_reason: "stop", logprobs: null, message: { role: "assistant", content: "ok" } }] } as unknown as ChatCompletion;
    const chat = fakeChat({ completion });
    const warnings: string[] = [];
    const ops = responsesViaChat(chat.ops, (message) => warnings.push(message));
    const first = await ops.create({ model: "m", input: "hi", store: true } as ResponsesCreateRequest);
    await ops.create({ model: "m", input: "again", store: true } as ResponsesCreateRequest);
    expect(first.body.store).toBe(false);
    expect(chat.requests.map((r) => "store" in r)).toEqual([false, false]);
    expect(warnings.filter((w) => w.includes("store"))).toHaveLength(1);
    expect(warnings[0]).toMatch(/stores no responses/);
  });

  test.each([
    ["retrieve", (ops: ReturnType<typeof responsesViaChat>) => ops.retrieve("resp_1")],
    ["delete", (ops: ReturnType<typeof responsesViaChat>) => ops.delete("resp_1")],
    ["cancel", (ops: ReturnType<typeof responsesViaChat>) => ops.cancel("resp_1")],
    ["listInputItems", (ops: ReturnType<typeof responsesViaChat>) => ops.listInputItems("resp_1")],
  ])("%s answers 404 response_not_found saying nothing is stored", async (_name, run) => {
    const error = await run(responsesViaChat(fakeChat({}).ops)).catch((e: unknown) => e);
    expect(DheeraError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 404, code: "response_not_found", message: expect.stringContaining("stores no responses") });
  });
});

describe("responsesViaChat: what a chat upstream cannot carry stays visible", () => {
  test("a hosted tool is dropped with a warning and the function tool still goes upstream", async () => {
    const completion = { id: ID, object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, finish_reason: "stop", logprobs: null, message: { role: "assistant", content: "ok" } }] } as unknown as ChatCompletion;
    const chat = fakeChat({ completion });
    const warnings: string[] = [];
    await responsesViaChat(chat.ops, (message) => warnings.push(message)).create({ model: "m", input: "hi", tools: [{ type: "web_search" }, weather] } as ResponsesCreateRequest);
    expect(warnings).toEqual([expect.stringContaining('"web_search"')]);
    expect(chat.requests[0]!.tools).toEqual([{ type: "function", function: { name: "get_weather", parameters: weather.parameters } }]);
  });
});
