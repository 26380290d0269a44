import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startOpenAIEmulatorServer, type EmulatorFault, type OpenAIEmulatorServer } from "../src/testing/index.js";

/* The OpenAI emulator behind the fault-injecting loopback server: faults as the official client meets them. */

const KEY = "sk-test-openai-key";
let next: EmulatorFault[] = [];
let server: OpenAIEmulatorServer;

beforeAll(async () => {
  server = await startOpenAIEmulatorServer({}, { fault: ({ method }) => (method === "POST" ? next.shift() : undefined) });
});
beforeEach(() => {
  next = [];
  server.exchanges.length = 0;
  server.emulator.reset();
});
afterAll(() => server.close());

const client = (maxRetries: number) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: KEY, maxRetries });
const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" }, body: JSON.stringify(body) });

describe("startOpenAIEmulatorServer", () => {
  it("answers as the emulator when no fault is chosen, recording the exchange", async () => {
    const response = await client(0).responses.create({ model: "gpt-4o", input: "hi" });
    expect(response.status).toBe("completed");
    expect(server.exchanges).toMatchObject([{ method: "POST", path: "/v1/responses", body: { model: "gpt-4o", input: "hi" }, fault: undefined }]);
    expect(server.emulator.requests.map((r) => r.route)).toEqual(["responses.create"]);
  });

  it("injects OpenAI's 429 and 500 bodies; the client retries past a 429 at once", async () => {
    next = ["http_429"];
    const limited = await post("/v1/chat/completions", { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "0"]);
    expect(await limited.json()).toMatchObject({ error: { type: "requests", param: null, code: "rate_limit_exceeded" } });
    next = ["http_500"];
    const failed = await post("/v1/chat/completions", { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    expect(await failed.json()).toEqual({ error: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", param: null, code: null } });

    server.exchanges.length = 0;
    server.emulator.reset();
    next = ["http_429", "http_429"];
    const chat = await client(2).chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    expect(chat.choices[0]!.message.content).toContain("hi");
    expect(server.exchanges.map((e) => e.fault)).toEqual(["http_429", "http_429", undefined]);
    // Only the last attempt reached the emulator.
    expect(server.emulator.requests).toHaveLength(1);
  });

  it("cuts the connection before any answer, or a stream after its first event", async () => {
    next = ["reset_before_headers"];
    const reset = await client(0).chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(reset).toBeInstanceOf(OpenAI.APIConnectionError);

    next = ["reset_mid_body"];
    const stream = await client(0).responses.create({ model: "gpt-4o", input: "Tell me about a unicorn.", stream: true });
    const types: string[] = [];
    const broke = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().then(() => false, () => true);
    expect([broke, types]).toEqual([true, ["response.created"]]);
  });

  it("injects vLLM's error envelope in chat-only mode", async () => {
    const vllm = await startOpenAIEmulatorServer({ chatOnly: true, apiKeys: [], models: ["Qwen/Qwen3-8B"] }, { fault: () => "http_500" });
    try {
      const res = await fetch(`${vllm.url}/v1/chat/completions`, { method: "POST", body: "{}" });
      expect([res.status, await res.json()]).toEqual([500, { error: { message: "Internal server error.", type: "InternalServerError", param: null, code: 500 } }]);
    } finally {
      await vllm.close();
    }
  });

  it("serves the Conversations API, which a Responses create with `conversation` extends", async () => {
    const openai = client(0);
    const conversation = await openai.conversations.create({ metadata: { a: "b" } });
    expect(conversation).toMatchObject({ object: "conversation", metadata: { a: "b" } });
    const response = await openai.responses.create({ model: "gpt-4o", input: "hi", conversation: conversation.id });
    expect(response.conversation).toEqual({ id: conversation.id });
    const items = await openai.conversations.items.list(conversation.id, { order: "asc" });
    expect(items.data.map((i) => ("role" in i ? i.role : i.type))).toEqual(["user", "assistant"]);
    expect(await openai.conversations.retrieve("conv_missing").catch((e: unknown) => e)).toMatchObject({ status: 404 });
  });
});
