import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAIEmulator, REASONING_TEXT, type OpenAIEmulator } from "../src/testing/index.js";

/* chat-only mode as vLLM's `vllm serve` answers: Chat Completions and the model list only, its 404s and 401s, its reasoning parser. */

const servers: { close(): Promise<void> }[] = [];
async function serve(emulator: OpenAIEmulator): Promise<string> {
  const s = await emulator.listen();
  servers.push(s);
  return s.url;
}
afterAll(() => Promise.all(servers.map((s) => s.close())));

const weatherTool = { type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };
const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);

describe("chat-only mode without a key (vLLM without --api-key)", () => {
  let vllm: OpenAIEmulator;
  let url: string;
  let client: OpenAI;
  beforeAll(async () => {
    vllm = createOpenAIEmulator({ chatOnly: true, apiKeys: [], models: ["deepseek-r1", "meta-llama/Llama-3.1-8B-Instruct"] });
    url = await serve(vllm);
    client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "anything", maxRetries: 0 });
  });

  it("has no Responses API: every /v1/responses route is FastAPI's 404", async () => {
    for (const [method, path] of [["POST", "/v1/responses"], ["GET", "/v1/responses/resp_1"], ["DELETE", "/v1/responses/resp_1"], ["GET", "/v1/models/deepseek-r1"]] as const) {
      const res = await fetch(`${url}${path}`, { method, ...(method === "POST" ? { body: "{}", headers: { "content-type": "application/json" } } : {}) });
      expect([method, path, res.status, await res.json()]).toEqual([method, path, 404, { detail: "Not Found" }]);
    }
    const err = await errorOf(client.responses.create({ model: "deepseek-r1", input: "hi" }));
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("lists its models as vLLM's model cards", async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(["deepseek-r1", "meta-llama/Llama-3.1-8B-Instruct"]);
    expect(page.data[1]).toMatchObject({ object: "model", owned_by: "vllm", root: "meta-llama/Llama-3.1-8B-Instruct", parent: null, max_model_len: expect.any(Number) });
  });

  it("streams a reasoning model's reasoning_content before its answer, and puts it beside the answer unstreamed", async () => {
    const stream = await client.chat.completions.create({ model: "deepseek-r1", messages: [{ role: "user", content: "hi" }], stream: true });
    const deltas: Record<string, unknown>[] = [];
    for await (const chunk of stream) if (chunk.choices[0]) deltas.push(chunk.choices[0].delta as Record<string, unknown>);
    const firstReasoning = deltas.findIndex((d) => typeof d.reasoning_content === "string");
    const firstContent = deltas.findIndex((d) => typeof d.content === "string" && d.content !== "");
    expect(firstReasoning).toBeGreaterThanOrEqual(0);
    expect(firstReasoning).toBeLessThan(firstContent);
    const whole = await client.chat.completions.create({ model: "deepseek-r1", messages: [{ role: "user", content: "hi" }] });
    expect(whole.choices[0]!.message).toMatchObject({ reasoning_content: REASONING_TEXT, content: "Hello from the vLLM emulator (model deepseek-r1): hi" });
    const plain = await client.chat.completions.create({ model: "meta-llama/Llama-3.1-8B-Instruct", messages: [{ role: "user", content: "hi" }] });
    expect(plain.choices[0]!.message).not.toHaveProperty("reasoning_content");
  });

  it("calls tools, streamed and not", async () => {
    const model = "meta-llama/Llama-3.1-8B-Instruct";
    const chat = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Weather in Paris?" }], tools: [weatherTool], tool_choice: "required" });
    expect(chat.choices[0]).toMatchObject({ finish_reason: "tool_calls", message: { tool_calls: [{ type: "function", function: { name: "get_weather" } }] } });
    const stream = await client.chat.completions.create({ model, messages: [{ role: "user", content: "Weather in Paris?" }], tools: [weatherTool], tool_choice: "required", stream: true });
    const calls: string[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const name = chunk.choices[0]?.delta.tool_calls?.[0]?.function?.name;
      if (name) calls.push(name);
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect([calls, finish]).toEqual([["get_weather"], "tool_calls"]);
  });

  it("answers an unknown model with vLLM's error, and serves its first model to a request naming none", async () => {
    const err = await errorOf(client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }));
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).error).toEqual({ message: "The model `gpt-4o` does not exist.", type: "NotFoundError", param: null, code: 404 });
    const res = await fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }) });
    expect(((await res.json()) as { model: string }).model).toBe("deepseek-r1");
  });

  it("sends none of OpenAI's headers", async () => {
    const { response } = await client.chat.completions.create({ model: "deepseek-r1", messages: [{ role: "user", content: "hi" }] }).withResponse();
    expect([...response.headers.keys()].filter((name) => name.startsWith("openai-") || name.startsWith("x-ratelimit-") || name === "x-request-id")).toEqual([]);
  });
});

describe("chat-only mode with --api-key", () => {
  it("answers a missing or wrong key with vLLM's 401 before looking for the route, and serves the right one", async () => {
    const url = await serve(createOpenAIEmulator({ chatOnly: true, apiKeys: ["vllm-key-123456"], models: ["Qwen/Qwen3-8B"] }));
    for (const headers of [{}, { authorization: "Bearer not-the-key" }] as Record<string, string>[]) {
      for (const path of ["/v1/models", "/v1/responses"]) {
        const res = await fetch(`${url}${path}`, { headers });
        expect([path, res.status, await res.json()]).toEqual([path, 401, { error: "Unauthorized" }]);
      }
    }
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "vllm-key-123456", maxRetries: 0 });
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(["Qwen/Qwen3-8B"]);
    expect(await errorOf(client.responses.create({ model: "Qwen/Qwen3-8B", input: "hi" }))).toMatchObject({ status: 404 });
  });
});
