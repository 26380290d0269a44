import OpenAI from "openai";
import { createOpenAIEmulator, type OpenAIEmulator } from "@dheera/openai/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MASTER_KEY, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/*
 * @dheera/openai through the real proxy, with the official client: OpenAI itself and a chat-only
 * vLLM-like server, whose /v1/responses the proxy serves through its chat route.
 */

let openai: OpenAIEmulator;
let vllm: OpenAIEmulator;
const closers: (() => Promise<void>)[] = [];
let proxy: ProxyProcess;
let client: OpenAI;

beforeAll(async () => {
  openai = createOpenAIEmulator();
  vllm = createOpenAIEmulator({ chatOnly: true, apiKeys: [], models: ["Qwen/Qwen3-8B"] });
  const o = await openai.listen();
  const v = await vllm.listen();
  closers.push(o.close, v.close);
  const models = [
    "  - model_name: gpt-4o",
    "    dheera_ai_params:",
    "      model: openai/gpt-4o",
    "      api_key: os.environ/OPENAI_API_KEY",
    `      api_base: ${o.url}/v1`,
    "  - model_name: qwen",
    "    dheera_ai_params:",
    "      model: openai/Qwen/Qwen3-8B",
    `      api_base: ${v.url}/v1`,
    "      responses_via_chat: true",
  ].join("\n");
  proxy = await spawnProxy(writeConfig(configYaml(models)), { env: { OPENAI_API_KEY: "sk-test-openai-key" } });
  client = new OpenAI({ baseURL: proxy.url, apiKey: MASTER_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await killAll();
  await Promise.all(closers.map((c) => c()));
});

describe("openai/ deployments through the proxy", () => {
  it("serves OpenAI's Responses and Chat natively, JSON and streamed", async () => {
    const response = await client.responses.create({ model: "gpt-4o", input: "Tell me about a unicorn." });
    expect(response.status).toBe("completed");
    expect(openai.requests.at(-1)).toMatchObject({ path: "/v1/responses", body: { model: "gpt-4o" } });
    const stream = client.responses.stream({ model: "gpt-4o", input: "Tell me about a unicorn." });
    const final = await stream.finalResponse();
    expect(final.output_text.length).toBeGreaterThan(0);
    const chat = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Hello world" }] });
    expect(chat.choices[0]!.message.content).toContain("Hello world");
    // A stored response routes back to its deployment.
    expect((await client.responses.retrieve(response.id)).status).toBe("completed");
  });

  it("serves /v1/responses from a chat-only server through its chat route: streamed with reasoning and tools, and not", async () => {
    const response = await client.responses.create({ model: "qwen", input: "Tell me about a unicorn." });
    expect(response.status).toBe("completed");
    expect(response.output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    expect(vllm.requests.every((r) => r.path === "/v1/chat/completions")).toBe(true);

    const tools = [{ type: "function" as const, name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, strict: false }];
    const stream = client.responses.stream({ model: "qwen", input: "Weather in Paris?", tools, tool_choice: "required" });
    const types: string[] = [];
    stream.on("event", (e) => types.push(e.type));
    const final = await stream.finalResponse();
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    const call = final.output.find((o) => o.type === "function_call");
    expect(call).toMatchObject({ name: "get_weather" });
    expect(final.usage?.output_tokens).toBeGreaterThan(0);
  });

  it("says plainly that a chat-only deployment stores no responses", async () => {
    const response = await client.responses.create({ model: "qwen", input: "hi" });
    const err = await client.responses.retrieve(response.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as Error).message).toContain("stores no responses");
  });
});
