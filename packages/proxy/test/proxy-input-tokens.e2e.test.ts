import OpenAI from "openai";
import { createOpenAIEmulator } from "@dheera/openai/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/* `POST /v1/responses/input_tokens` and `/v1/responses/compact`, through the real process and the official client. */

let emu: EmulatorServer;
let proxy: ProxyProcess;
let client: OpenAI;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  const openai = await createOpenAIEmulator().listen();
  closers.push(openai.close);
  const models = [
    azureModel("gpt-4o", "azure/gpt-4o", emu.url),
    "  - model_name: old-gpt-4",
    "    dheera_ai_params:",
    "      model: openai/gpt-4",
    "      api_key: sk-test-openai-key",
    `      api_base: ${openai.url}/v1`,
  ].join("\n");
  proxy = await spawnProxy(writeConfig(configYaml(models)));
  client = new OpenAI({ baseURL: proxy.url, apiKey: MASTER_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await killAll();
  await emu?.close();
  await Promise.all(closers.map((c) => c()));
});

describe("POST /v1/responses/input_tokens", () => {
  it("counts locally when the deployment cannot (Azure answers 404), says so, and grows with the input", async () => {
    const short = await client.responses.inputTokens.count({ model: "gpt-4o", input: "Hello" });
    expect(short).toMatchObject({ object: "response.input_tokens", input_tokens: expect.any(Number) });
    const long = await client.responses.inputTokens.count({
      model: "gpt-4o",
      instructions: "You are a helpful assistant who answers in French.",
      input: [{ role: "user", content: "Tell me a three sentence bedtime story about a unicorn." }],
      tools: [{ type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: false }],
    });
    expect(long.input_tokens).toBeGreaterThan(short.input_tokens + 20);
    const raw = await fetch(`${proxy.url}/v1/responses/input_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", input: "Hello" }),
    });
    expect(raw.headers.get("x-dheera-token-count")).toBe("local; encoding=o200k_base");
    // Azure was asked first, under the deployment's own route.
    expect(emu.emulator.requests.some((r) => r.path === "/openai/responses/input_tokens")).toBe(true);
  });

  it("uses the older encoding for an older model family", async () => {
    const raw = await fetch(`${proxy.url}/v1/responses/input_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "old-gpt-4", input: "Hello" }),
    });
    expect(raw.status).toBe(200);
    expect(raw.headers.get("x-dheera-token-count")).toBe("local; encoding=cl100k_base");
  });

  it("refuses a request without a model like a create does, and never reads the segment as an id", async () => {
    const err = await fetch(`${proxy.url}/v1/responses/input_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ input: "Hello" }),
    });
    expect(err.status).toBe(400);
    const get = await fetch(`${proxy.url}/v1/responses/input_tokens`, { headers: { authorization: `Bearer ${MASTER_KEY}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });
});

describe("POST /v1/responses/compact", () => {
  it("goes to the deployment, and says plainly what the upstream answered (not a 405)", async () => {
    const err = await client.responses.compact({ model: "gpt-4o", input: "hi" } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(emu.emulator.requests.at(-1)!.path).toBe("/openai/responses/compact");
  });
});
