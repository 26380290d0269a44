import { APIError, AuthenticationError, AzureOpenAI, BadRequestError, NotFoundError, OpenAI, RateLimitError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAzureEmulator } from "./azure-emulator.js";
import { UNICORN_STORY } from "./emulated-turn.js";
import type { AzureEmulatorServer } from "./emulator-types.js";

/** The official `openai` npm client against the emulator on a loopback port. */

const emulator = createAzureEmulator({ adTokens: ["entra-token"] });
let server: AzureEmulatorServer;

beforeAll(async () => {
  server = await emulator.listen();
});
afterAll(async () => {
  await server.close();
});

const azure = (options: { apiKey?: string; apiVersion?: string } = {}) =>
  new AzureOpenAI({ endpoint: server.url, apiVersion: options.apiVersion ?? "2025-03-01-preview", apiKey: options.apiKey ?? "test-azure-key", maxRetries: 0 });
const v1 = (apiKey = "test-azure-key") => new OpenAI({ baseURL: `${server.url}/openai/v1/`, apiKey, maxRetries: 0 });

const weatherTool = {
  type: "function" as const,
  name: "get_weather",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
  strict: true,
};

describe("Responses API through the openai client", () => {
  it("creates a response on the classic route (AzureOpenAI)", async () => {
    const response = await azure().responses.create({ model: "gpt-4o", input: "Tell me about a unicorn" });
    expect(response.output_text).toBe(UNICORN_STORY);
    expect(response.status).toBe("completed");
    expect(response.usage?.output_tokens).toBe(30);
    expect(response._request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(emulator.requests.at(-1)).toMatchObject({ path: "/openai/responses", query: { "api-version": "2025-03-01-preview" }, authOk: true });
  });

  it("creates a response on the v1 route (plain OpenAI, bearer key)", async () => {
    const response = await v1().responses.create({ model: "gpt-4.1", input: "hi" });
    expect(response.output_text).toBe("Hello from the Azure emulator (deployment gpt-4.1): hi");
    expect(emulator.requests.at(-1)).toMatchObject({ path: "/openai/v1/responses", headers: { authorization: "[REDACTED]" } });
  });

  it("accepts an Entra token from azureADTokenProvider", async () => {
    const client = new AzureOpenAI({ endpoint: server.url, apiVersion: "2025-04-01-preview", azureADTokenProvider: async () => "entra-token", maxRetries: 0 });
    const response = await client.responses.create({ model: "o1-pro", input: "hi" });
    expect(response.output.map((i) => i.type)).toEqual(["reasoning", "message"]);
  });

  it("streams events in order with sequence numbers (raw iteration)", async () => {
    const stream = await azure().responses.create({ model: "gpt-4o", input: "hi", stream: true });
    const events = [];
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events[0]?.type).toBe("response.created");
    expect(events.at(-1)?.type).toBe("response.completed");
    const text = events.flatMap((e) => (e.type === "response.output_text.delta" ? [e.delta] : [])).join("");
    expect(text).toBe("Hello from the Azure emulator (deployment gpt-4o): hi");
  });

  it("works with responses.stream().finalResponse(), reasoning summary included", async () => {
    const stream = v1().responses.stream({ model: "o1-pro", input: "unicorn please", reasoning: { summary: "auto" } });
    const deltas: string[] = [];
    stream.on("response.output_text.delta", (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(UNICORN_STORY);
    expect(deltas.join("")).toBe(UNICORN_STORY);
    const reasoning = final.output[0];
    expect(reasoning?.type).toBe("reasoning");
    if (reasoning?.type === "reasoning") expect(reasoning.summary[0]?.text).toContain("**");
  });

  it("streams function calls that the stream helper accumulates", async () => {
    const final = await azure().responses.stream({ model: "gpt-4o", input: "weather?", tools: [weatherTool] }).finalResponse();
    const call = final.output[0];
    expect(call).toMatchObject({ type: "function_call", name: "get_weather", arguments: '{"city":"Paris"}' });
    if (call?.type !== "function_call") throw new Error("expected a function call");
    const next = await azure().responses.create({
      model: "gpt-4o",
      previous_response_id: final.id,
      input: [{ type: "function_call_output", call_id: call.call_id, output: "21C" }],
      tools: [weatherTool],
    });
    expect(next.output_text).toMatch(/^Hello from the Azure emulator/);
  });

  it("throws on the nested error event of a mid-stream failure", async () => {
    const stream = await azure().responses.create({ model: "gpt-4o", input: "[[fail_midstream]]", stream: true });
    const seen: string[] = [];
    const run = async () => {
      for await (const event of stream) seen.push(event.type);
    };
    await expect(run()).rejects.toBeInstanceOf(APIError);
    expect(seen).toEqual(["response.created", "response.in_progress"]);
  });

  it("serves retrieve, input items, delete and cancel", async () => {
    const client = azure();
    const created = await client.responses.create({ model: "gpt-4o", input: [{ role: "user", content: "a" }, { role: "assistant", content: "b" }, { role: "user", content: "c" }] });
    expect((await client.responses.retrieve(created.id)).output_text).toBe(created.output_text);
    const items = [];
    for await (const item of client.responses.inputItems.list(created.id, { limit: 1, order: "asc" })) items.push(item);
    expect(items.map((i) => (i.type === "message" ? i.role : i.type))).toEqual(["user", "assistant", "user"]);
    await client.responses.delete(created.id);
    await expect(client.responses.retrieve(created.id)).rejects.toBeInstanceOf(NotFoundError);

    const background = await v1().responses.create({ model: "gpt-4o", input: "later", background: true });
    expect(background.status).toBe("queued");
    expect((await v1().responses.cancel(background.id)).status).toBe("cancelled");
    await expect(client.responses.cancel(created.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("Chat Completions through the openai client", () => {
  it("creates a completion on the deployment route (AzureOpenAI)", async () => {
    const completion = await azure({ apiVersion: "2024-10-21" }).chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    expect(completion.choices[0]?.message.content).toBe("Hello from the Azure emulator (deployment gpt-4o): hi");
    expect(emulator.requests.at(-1)?.path).toBe("/openai/deployments/gpt-4o/chat/completions");
  });

  it("works with chat.completions.stream().finalChatCompletion() over Azure's filter chunk", async () => {
    const stream = azure({ apiVersion: "2024-10-21" }).chat.completions.stream({
      model: "gpt-4o",
      messages: [{ role: "user", content: "unicorn" }],
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe(UNICORN_STORY);
    expect(final.choices[0]?.finish_reason).toBe("stop");
    expect(final.usage?.completion_tokens).toBe(30);
  });

  it("streams parallel tool calls that the helper reassembles (plain OpenAI on v1)", async () => {
    const tools = [
      { type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
      { type: "function" as const, function: { name: "get_time", parameters: { type: "object", properties: { tz: { type: "string" } }, required: ["tz"] } } },
    ];
    const final = await v1().chat.completions.stream({ model: "gpt-4o", messages: [{ role: "user", content: "both" }], tools }).finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expect(final.choices[0]?.message.tool_calls?.map((c) => (c.type === "function" ? [c.function.name, c.function.arguments] : []))).toEqual([
      ["get_weather", '{"city":"Paris"}'],
      ["get_time", '{"tz":"Europe/Paris"}'],
    ]);
  });
});

describe("errors through the openai client", () => {
  it("raises AuthenticationError with Azure's 401 body for a bad key", async () => {
    const error = await azure({ apiKey: "wrong" }).responses.create({ model: "gpt-4o", input: "hi" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).status).toBe(401);
    expect((error as AuthenticationError).code).toBe("401");
    expect((error as AuthenticationError).message).toMatch(/^401 Access denied due to invalid subscription key/);
  });

  it("raises NotFoundError with DeploymentNotFound for an unknown deployment", async () => {
    const error = await azure({ apiVersion: "2024-10-21" }).chat.completions.create({ model: "nope", messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe("DeploymentNotFound");
  });

  it("raises NotFoundError for an unknown route and for a missing api-version", async () => {
    const unknown = await azure().get("/nope").catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect((unknown as NotFoundError).message).toBe("404 Resource not found");
    const noVersion = new OpenAI({ baseURL: `${server.url}/openai`, apiKey: "unused", defaultHeaders: { "api-key": "test-azure-key" }, maxRetries: 0 });
    const missing = await noVersion.responses.create({ model: "gpt-4o", input: "hi" }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
  });

  it("raises BadRequestError for a dated api-version on /openai/v1", async () => {
    const dated = new OpenAI({ baseURL: `${server.url}/openai/v1/`, apiKey: "test-azure-key", defaultQuery: { "api-version": "2025-04-01-preview" }, maxRetries: 0 });
    const error = await dated.responses.create({ model: "gpt-4o", input: "hi" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toBe("400 API version not supported");
  });

  it("raises RateLimitError with retry-after on [[rate_limit]]", async () => {
    const error = await azure().responses.create({ model: "gpt-4o", input: "[[rate_limit]]" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).headers?.get("retry-after")).toBe("2");
  });

  it("exposes the content-filter details of each API on err.error", async () => {
    const responses = (await azure().responses.create({ model: "gpt-4o", input: "[[content_filter]]" }).catch((e: unknown) => e)) as BadRequestError;
    expect(responses).toBeInstanceOf(BadRequestError);
    expect(responses.code).toBe("content_filter");
    expect((responses.error as { content_filters: unknown[] }).content_filters).toHaveLength(1);
    const chat = (await azure({ apiVersion: "2024-10-21" })
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "[[content_filter]]" }] })
      .catch((e: unknown) => e)) as BadRequestError;
    expect(chat.code).toBe("content_filter");
    expect((chat.error as { innererror: { code: string } }).innererror.code).toBe("ResponsibleAIPolicyViolation");
  });

  it("raises the status error before iteration for a failing stream request", async () => {
    const error = await v1().responses.create({ model: "nope", input: "x", stream: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
  });
});
