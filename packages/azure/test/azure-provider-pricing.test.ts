import { fetchTransport, parseModelReference, type Deployment, type ModelInfo } from "@dheera/core";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AZURE_PRICES, azureProvider } from "../src/index.js";
import { createAzureEmulator } from "../src/testing/index.js";

const BASE = "https://pricing-test.openai.azure.com";
const emulator = createAzureEmulator({ reply: () => ({ usage: { inputTokens: 1000, cachedTokens: 200, outputTokens: 500 } }) });
const server = setupServer(...emulator.mswHandlers(BASE));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => emulator.reset());
afterAll(() => server.close());

function deploy(model: string, context: { modelInfo?: ModelInfo; warn?: (m: string) => void } = {}): Deployment {
  const settings = azureProvider.settingsSchema.parse({ api_key: "test-azure-key", api_base: BASE, api_version: "2025-03-01-preview" });
  return azureProvider.resolve(parseModelReference(model)!, settings, { transport: fetchTransport(), env: {}, ...context });
}

describe("azureProvider.resolve: the deployment's price", () => {
  it("reports the table price of a known deployment, bridged or not", () => {
    expect(deploy("azure/gpt-4o").price).toStrictEqual(AZURE_PRICES["gpt-4o"]);
    expect(deploy("azure/responses/gpt-4.1").price).toStrictEqual(AZURE_PRICES["gpt-4.1"]);
  });

  it("reads model_info from the host's context", () => {
    expect(deploy("azure/my-custom-o1-pro", { modelInfo: { base_model: "o3" } }).price).toStrictEqual(AZURE_PRICES.o3);
  });

  it("reports price null for an unknown deployment and warns through the context, once", () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    expect(deploy("azure/my-custom-o1-pro", { warn }).price).toBeNull();
    expect(deploy("azure/responses/my-custom-o1-pro", { warn }).price).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"my-custom-o1-pro"');
  });
});

describe("bridged chat streams report the upstream usage", () => {
  it("exposes response.completed's usage through WireStreamResult.usage when the client did not ask for include_usage", async () => {
    const d = deploy("azure/responses/gpt-4o");
    const result = await d.chat!.stream({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    expect(result.usage!()).toBeNull();
    const chunks: { usage?: unknown }[] = [];
    for await (const chunk of result.stream) chunks.push(chunk);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(result.usage!()).toStrictEqual({ input_tokens: 1000, cached_input_tokens: 200, cache_write_tokens: 0, output_tokens: 500, reasoning_tokens: 0, total_tokens: 1500 });
  });

  it("still reads it when the stream is forwarded as SSE bytes (the proxy's way)", async () => {
    const d = deploy("azure/responses/gpt-4o");
    const result = await d.chat!.stream({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    for await (const _bytes of result.stream.toSse());
    expect(result.usage!()).toMatchObject({ input_tokens: 1000, output_tokens: 500 });
  });
});
