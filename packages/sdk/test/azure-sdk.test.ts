import azure from "@dheera/azure";
import { createAzureEmulator } from "@dheera/azure/testing";
import { fetchTransport } from "@dheera/core";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callMetadata, createDheera, DheeraError } from "../src/index.js";

// The seed's snippets, in TypeScript, against the strict Azure emulator (msw, in process).
const API_BASE = "https://dheera_ai8397336933.openai.azure.com/";
const KEY = "test-azure-key";
const emulator = createAzureEmulator();
const server = setupServer(...emulator.mswHandlers("https://dheera_ai8397336933.openai.azure.com"));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => emulator.reset());
afterAll(() => server.close());

const dheera = createDheera({ providers: [azure], transport: fetchTransport(), env: {} });
const story = "Tell me a three sentence bedtime story about a unicorn.";

describe("responses()", () => {
  it("returns the Response with output_text (seed: non-streaming)", async () => {
    const response = await dheera.responses({
      model: "azure/o1-pro",
      input: story,
      max_output_tokens: 100,
      api_key: KEY,
      api_base: API_BASE,
      api_version: "2025-03-01-preview",
    });
    expect(response.object).toBe("response");
    expect(response.status).toBe("completed");
    expect(response.output_text).toMatch(/unicorn/i);
    expect(response.usage!.output_tokens).toBeGreaterThan(0);
    expect(callMetadata(response)).toMatchObject({ provider: "azure", deployment: "o1-pro", status: 200 });
    expect(callMetadata(response)!.apiBase).not.toContain(KEY);
  });

  it("streams typed events that reassemble the same text (seed: streaming)", async () => {
    const stream = await dheera.responses({ model: "azure/o1-pro", input: story, stream: true, api_key: KEY, api_base: API_BASE, api_version: "2025-03-01-preview" });
    let text = "";
    const types: string[] = [];
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    const whole = await dheera.responses({ model: "azure/o1-pro", input: story, api_key: KEY, api_base: API_BASE, api_version: "2025-03-01-preview" });
    expect(text).toBe(whole.output_text);
  });

  it('sends codex models with api_version "preview" to the v1 API (seed: codex)', async () => {
    const response = await dheera.responses({ model: "azure/codex-mini", input: story, max_output_tokens: 100, api_key: KEY, api_base: "https://dheera_ai8397336933.openai.azure.com", api_version: "preview" });
    expect(response.status).toBe("completed");
    expect(emulator.requests.at(-1)!.path).toBe("/openai/v1/responses");
  });

  it("truncates at max_output_tokens as status incomplete, not an error", async () => {
    const response = await dheera.responses({ model: "azure/o1-pro", input: story, max_output_tokens: 16, api_key: KEY, api_base: API_BASE, api_version: "2025-03-01-preview" });
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
  });

  it("surfaces an upstream 429 with its status and message", async () => {
    const error = await dheera
      .responses({ model: "azure/o1-pro", input: "[[rate_limit]]", api_key: KEY, api_base: API_BASE, api_version: "2025-03-01-preview" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DheeraError);
    expect(error).toMatchObject({ status: 429, provider: "azure" });
    expect((error as Error).message.length).toBeGreaterThan(10);
  });

  it("surfaces an upstream 500 with its status", async () => {
    await expect(
      dheera.responses({ model: "azure/o1-pro", input: "[[server_error]]", api_key: KEY, api_base: API_BASE, api_version: "2025-03-01-preview" }),
    ).rejects.toMatchObject({ status: 500 });
  });

  it("says which setting and env var is missing", async () => {
    await expect(dheera.responses({ model: "azure/o1-pro", input: "hi", api_key: KEY })).rejects.toThrow(/api_base.*AZURE_API_BASE/);
    await expect(dheera.responses({ model: "azure/o1-pro", input: "hi", api_base: API_BASE })).rejects.toThrow(/api_key.*AZURE_API_KEY/);
  });

  it("retrieves, lists input items of, and deletes a stored response", async () => {
    const settings = { model: "azure/o1-pro", api_key: KEY, api_base: API_BASE, api_version: "2025-03-01-preview" };
    const created = await dheera.responses({ ...settings, input: "keep this" });
    const got = await dheera.retrieveResponse({ ...settings, response_id: created.id });
    expect(got.id).toBe(created.id);
    expect(got.output_text).toBe(created.output_text);
    const items = await dheera.listInputItems({ ...settings, response_id: created.id });
    expect(items.data.length).toBeGreaterThan(0);
    const deleted = await dheera.deleteResponse({ ...settings, response_id: created.id });
    expect(deleted.deleted).toBe(true);
    await expect(dheera.retrieveResponse({ ...settings, response_id: created.id })).rejects.toMatchObject({ status: 404 });
  });

  it("cancels a background response", async () => {
    const settings = { model: "azure/o1-pro", api_key: KEY, api_base: API_BASE, api_version: "2025-03-01-preview" };
    const created = await dheera.responses({ ...settings, input: "long job", background: true });
    const cancelled = await dheera.cancelResponse({ ...settings, response_id: created.id });
    expect(cancelled.status).toBe("cancelled");
  });

  it("stops the stream when aborted", async () => {
    const controller = new AbortController();
    const stream = await dheera.responses({ model: "azure/o1-pro", input: story, stream: true, api_key: KEY, api_base: API_BASE, api_version: "2025-03-01-preview", signal: controller.signal });
    let seen = 0;
    await expect(async () => {
      for await (const _e of stream) {
        if (++seen === 2) controller.abort();
      }
    }).rejects.toThrow();
    expect(seen).toBeLessThan(6);
  });
});

describe("completion()", () => {
  it("calls the Responses API for azure/responses/<deployment>, configured from the environment (seed)", async () => {
    const env = { AZURE_API_BASE: "https://dheera_ai8397336933.openai.azure.com/", AZURE_API_VERSION: "2025-03-01-preview", AZURE_API_KEY: KEY };
    const sdk = createDheera({ providers: [azure], transport: fetchTransport(), env });
    const response = await sdk.completion({ model: "azure/responses/my-custom-o1-pro", messages: [{ role: "user", content: "Hello world" }] });
    expect(response.object).toBe("chat.completion");
    expect(response.choices[0]!.message.content).toContain("Hello world");
    expect(emulator.requests.at(-1)!.path).toBe("/openai/responses");
    expect(emulator.requests.at(-1)!.body).toMatchObject({ model: "my-custom-o1-pro" });
  });

  it("returns tool calls through the bridge with finish_reason tool_calls", async () => {
    const response = await dheera.completion({
      model: "azure/responses/my-custom-o1-pro",
      messages: [{ role: "user", content: "What is the weather in Paris?" }],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } }],
      api_key: KEY,
      api_base: API_BASE,
      api_version: "2025-03-01-preview",
    });
    expect(response.choices[0]!.finish_reason).toBe("tool_calls");
    expect(response.choices[0]!.message.tool_calls![0]!.function.name).toBe("get_weather");
    expect(JSON.parse(response.choices[0]!.message.tool_calls![0]!.function.arguments)).toHaveProperty("city");
    const sent = emulator.requests.at(-1)!.body as { tools: unknown[] };
    expect(sent.tools[0]).toMatchObject({ type: "function", name: "get_weather" });
  });

  it("refuses a parameter the bridge cannot carry, and drops it with drop_params", async () => {
    const call = { model: "azure/responses/my-custom-o1-pro", messages: [{ role: "user", content: "Hello world" }], stop: ["\n"], api_key: KEY, api_base: API_BASE, api_version: "2025-03-01-preview" };
    await expect(dheera.completion(call)).rejects.toMatchObject({ status: 400, code: "unsupported_parameter", param: "stop" });
    const response = await dheera.completion({ ...call, drop_params: true });
    expect(response.object).toBe("chat.completion");
    const sent = emulator.requests.at(-1)!.body as Record<string, unknown>;
    expect(sent).not.toHaveProperty("stop");
    expect(sent).not.toHaveProperty("drop_params");
  });

  it("streams chat chunks natively from a chat deployment", async () => {
    const stream = await dheera.completion({ model: "azure/gpt-4o", messages: [{ role: "user", content: "Hello world" }], stream: true, api_key: KEY, api_base: API_BASE, api_version: "2024-10-21" });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toContain("Hello world");
    expect(emulator.requests.at(-1)!.path).toBe("/openai/deployments/gpt-4o/chat/completions");
  });
});
