import OpenAI from "openai";
import { DheeraError, knownResponseStreamEventSchema, parseModelReference, responseObjectSchema, undiciTransport, type Deployment, type ResponseStreamEvent } from "@dheera/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { azureProvider } from "../azure-provider.js";
import { startEmulatorServer, type EmulatorServer } from "../testing/fault-server.js";

/*
 * `responses_via_chat: true`: the Responses API served through the deployment's chat route,
 * against the emulator on loopback (which records what reached its chat route).
 */

let server: EmulatorServer;
const transport = undiciTransport();
const weather = { type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };

function deployment(name: string, more: Record<string, unknown> = {}): Deployment {
  const settings = azureProvider.settingsSchema.parse({ api_key: "test-azure-key", api_base: server.url, api_version: "2025-04-01-preview", responses_via_chat: true, ...more });
  return azureProvider.resolve(parseModelReference(`azure/${name}`)!, settings, { transport, env: {} });
}

async function collect(stream: AsyncIterable<ResponseStreamEvent>): Promise<ResponseStreamEvent[]> {
  const out: ResponseStreamEvent[] = [];
  for await (const event of stream) out.push(event);
  return out;
}

beforeAll(async () => {
  server = await startEmulatorServer();
});

afterAll(async () => {
  await server.close();
  await transport.close();
});

describe("responsesViaChat through Azure's chat route", () => {
  it("answers a Response object that echoes the request, from the chat route", async () => {
    const d = deployment("gpt-4o");
    expect(d.native).toEqual({ responses: false, chat: true });
    const { body } = await d.responses!.create({ model: "gpt-4o", input: "hi there", instructions: "Be brief", max_output_tokens: 50, metadata: { a: "1" } });
    expect(responseObjectSchema.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({ object: "response", status: "completed", instructions: "Be brief", max_output_tokens: 50, metadata: { a: "1" } });
    expect(body.id).toMatch(/^resp_/);
    expect(JSON.stringify(body.output)).toContain("hi there");
    expect(body.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    const reached = server.emulator.requests.at(-1)!;
    expect(reached.path).toBe("/openai/deployments/gpt-4o/chat/completions");
    expect(reached.body).toMatchObject({ messages: [{ role: "system", content: "Be brief" }, { role: "user", content: "hi there" }], max_completion_tokens: 50 });
  });

  it("streams OpenAI's event order, every event well formed, usage on the terminal event and in the accounting", async () => {
    const d = deployment("gpt-4o");
    const result = await d.responses!.stream({ model: "gpt-4o", input: "Tell me about a unicorn" });
    const events = await collect(result.stream);
    for (const event of events) expect(knownResponseStreamEventSchema.safeParse(event).success, event.type).toBe(true);
    const types = events.map((e) => e.type);
    expect(types.slice(0, 4)).toEqual(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"]);
    expect(types.at(-1)).toBe("response.completed");
    expect(types.filter((t) => t === "response.completed")).toHaveLength(1);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const deltas = events.filter((e) => e.type === "response.output_text.delta").map((e) => (e as { delta: string }).delta).join("");
    const done = events.find((e) => e.type === "response.output_text.done") as { text: string };
    expect(done.text).toBe(deltas);
    const terminal = events.at(-1) as { response: { usage: { output_tokens: number } } };
    expect(terminal.response.usage.output_tokens).toBeGreaterThan(0);
    expect(result.accounting?.usage?.output_tokens).toBe(terminal.response.usage.output_tokens);
    expect(result.usage?.()?.output_tokens).toBe(terminal.response.usage.output_tokens);
    // Usage was asked for upstream though the client did not.
    expect(server.emulator.requests.at(-1)!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("carries tools both ways: a function call streamed and in the final output, with its arguments", async () => {
    const d = deployment("gpt-4o");
    const result = await d.responses!.stream({ model: "gpt-4o", input: "What is the weather in Paris?", tools: [weather], tool_choice: "required" });
    const events = await collect(result.stream);
    const added = events.find((e) => e.type === "response.output_item.added" && (e as { item: { type: string } }).item.type === "function_call");
    expect(added).toBeDefined();
    const final = (events.at(-1) as { response: { output: { type: string; name?: string; arguments?: string; call_id?: string }[] } }).response;
    const call = final.output.find((o) => o.type === "function_call")!;
    expect(call.name).toBe("get_weather");
    expect(() => JSON.parse(call.arguments!)).not.toThrow();
    expect(call.call_id).toBeTruthy();
    expect(server.emulator.requests.at(-1)!.body).toMatchObject({ tools: [{ type: "function", function: { name: "get_weather" } }], tool_choice: "required" });
  });

  it("a generation that fails mid-stream ends with the upstream's error, never response.completed", async () => {
    const d = deployment("gpt-4o");
    const result = await d.responses!.stream({ model: "gpt-4o", input: "[[fail_midstream]]" });
    const events: ResponseStreamEvent[] = [];
    const error = await (async () => {
      for await (const event of result.stream) events.push(event);
    })().catch((e: unknown) => e);
    expect(DheeraError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: "server_error" });
    expect(events[0]?.type).toBe("response.created");
    expect(events.map((e) => e.type)).not.toContain("response.completed");
    expect(result.accounting?.failure?.code).toBe("server_error");
  });

  it("the official client's stream accumulator reads the bridged SSE bytes into a complete Response", async () => {
    const d = deployment("gpt-4o");
    const result = await d.responses!.stream({ model: "gpt-4o", input: "What is the weather in Paris?", tools: [weather], instructions: "Use tools" });
    const parts: Uint8Array[] = [];
    for await (const part of result.stream.toSse()) parts.push(part);
    const body = Buffer.concat(parts);
    const client = new OpenAI({
      apiKey: "test",
      baseURL: "http://gateway.test/v1",
      maxRetries: 0,
      fetch: async () => new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } }),
    });
    const final = await client.responses.stream({ model: "gpt-4o", input: "What is the weather in Paris?" }).finalResponse();
    expect(final.status).toBe("completed");
    expect(final.instructions).toBe("Use tools");
    const call = final.output.find((item) => item.type === "function_call");
    expect(call).toMatchObject({ name: "get_weather" });
    expect(final.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("refuses what needs a stored response, unless drop_params, and says retrieve has nothing to find", async () => {
    const d = deployment("gpt-4o");
    await expect(d.responses!.create({ model: "gpt-4o", input: "hi", previous_response_id: "resp_123" })).rejects.toMatchObject({
      status: 400,
      code: "unsupported_parameter",
      param: "previous_response_id",
    });
    const dropped = await d.responses!.create({ model: "gpt-4o", input: "hi", previous_response_id: "resp_123" }, { dropParams: true });
    expect(dropped.droppedParams).toEqual(["previous_response_id"]);
    await expect(d.responses!.retrieve("resp_123")).rejects.toMatchObject({ status: 404, message: expect.stringContaining("stores no responses") });
  });

  it("refuses to be both bridges at once", () => {
    expect(() => deployment("responses/gpt-4o")).toThrow(/responses_via_chat asks the opposite/);
  });
});
