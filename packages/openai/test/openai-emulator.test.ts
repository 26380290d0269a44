import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAIEmulator, type OpenAIEmulator } from "../src/testing/index.js";

/* The emulator as the official client meets it: OpenAI's routes, auth, errors and shapes. */

const KEY = "sk-test-openai-key";
let emulator: OpenAIEmulator;
let server: { url: string; close(): Promise<void> };
let client: OpenAI;

beforeAll(async () => {
  emulator = createOpenAIEmulator({ organization: "org-dheera" });
  server = await emulator.listen();
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: KEY, organization: "org-dheera", project: "proj_1", maxRetries: 0 });
});

afterAll(async () => {
  await server.close();
});

describe("OpenAI emulator", () => {
  it("serves the Responses API: create, stream, retrieve, delete", async () => {
    const response = await client.responses.create({ model: "gpt-4o", input: "Tell me about a unicorn." });
    expect(response).toMatchObject({ object: "response", status: "completed", model: "gpt-4o" });
    expect(response.output_text.length).toBeGreaterThan(0);
    expect(JSON.stringify(response)).not.toContain("content_filter");
    const stream = await client.responses.create({ model: "gpt-4o", input: "Tell me about a unicorn.", stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    const stored = await client.responses.retrieve(response.id);
    expect(stored.id).toBe(response.id);
    await client.responses.delete(response.id);
    expect(await client.responses.retrieve(response.id).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("serves Chat Completions with tools, streamed and not, without Azure's filter results", async () => {
    const tools = [{ type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } }];
    const chat = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Weather in Paris?" }], tools, tool_choice: "required" });
    expect(chat.choices[0]!.message.tool_calls?.[0]).toMatchObject({ type: "function", function: { name: "get_weather" } });
    expect(JSON.stringify(chat)).not.toMatch(/filter_results/);
    const stream = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => c.id !== "" && !JSON.stringify(c).includes("filter_results"))).toBe(true);
    expect(chunks.at(-1)!.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("lists its models in OpenAI's shape", async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toContain("gpt-4o");
    expect(page.data[0]).toMatchObject({ object: "model", created: expect.any(Number), owned_by: expect.any(String) });
  });

  it("answers a wrong key with OpenAI's 401, the key masked, and a missing key with its own message", async () => {
    const wrong = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-wrong-0123456789abcdef", maxRetries: 0 });
    const err = await wrong.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: "invalid_api_key" });
    expect((err as Error).message).toContain("Incorrect API key provided: sk-******************cdef.");
    expect((err as Error).message).not.toContain("sk-wrong-0123456789abcdef");
    const bare = await fetch(`${server.url}/v1/models`);
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as { error: { message: string } }).error.message).toMatch(/^You didn't provide an API key/);
  });

  it("answers an unknown model 404 model_not_found, an unknown route with OpenAI's Invalid URL", async () => {
    const err = await client.responses.create({ model: "gpt-9", input: "hi" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err).toMatchObject({ code: "model_not_found", message: expect.stringContaining("The model `gpt-9` does not exist or you do not have access to it.") });
    const res = await fetch(`${server.url}/v1/nothing`, { method: "POST", headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { message: "Invalid URL (POST /v1/nothing)", type: "invalid_request_error", param: null, code: null } });
  });

  it("records the organization and project headers, and refuses another organization", async () => {
    emulator.reset();
    await client.models.list();
    expect(emulator.requests.at(-1)!.headers).toMatchObject({ "openai-organization": "org-dheera", "openai-project": "proj_1", authorization: "[REDACTED]" });
    const other = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: KEY, organization: "org-other", maxRetries: 0 });
    expect(await other.models.list().catch((e: unknown) => e)).toMatchObject({ status: 401 });
  });
});

describe("chat-only mode (vLLM)", () => {
  it("has no Responses route, answers FastAPI's 404, and streams a reasoning model's reasoning_content first", async () => {
    const vllm = createOpenAIEmulator({ chatOnly: true, apiKeys: [], models: ["deepseek-r1", "llama-3.1-8b"] });
    const s = await vllm.listen();
    try {
      const res = await fetch(`${s.url}/v1/responses`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ detail: "Not Found" });
      const local = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: "anything", maxRetries: 0 });
      const stream = await local.chat.completions.create({ model: "deepseek-r1", messages: [{ role: "user", content: "hi" }], stream: true });
      const deltas: Record<string, unknown>[] = [];
      for await (const chunk of stream) if (chunk.choices[0]) deltas.push(chunk.choices[0].delta as Record<string, unknown>);
      const firstReasoning = deltas.findIndex((d) => typeof d.reasoning_content === "string");
      const firstContent = deltas.findIndex((d) => typeof d.content === "string" && d.content !== "");
      expect(firstReasoning).toBeGreaterThanOrEqual(0);
      expect(firstReasoning).toBeLessThan(firstContent);
      const plain = await local.chat.completions.create({ model: "llama-3.1-8b", messages: [{ role: "user", content: "hi" }] });
      expect((plain.choices[0]!.message as unknown as Record<string, unknown>).reasoning_content).toBeUndefined();
    } finally {
      await s.close();
    }
  });
});
