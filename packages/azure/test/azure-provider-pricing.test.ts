import { fetchTransport, parseModelReference, type Deployment, type ModelInfo } from "@dheera/core";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { azureProvider } from "../src/index.js";
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

describe("azureProvider.resolve: the deployment's price, from the price database", () => {
  it("prices known deployments, dated snapshots and newer models, bridged or not, and says which source priced them", () => {
    const gpt4o = deploy("azure/gpt-4o");
    expect(gpt4o.price).toStrictEqual({ input_cost_per_token: 2.5e-6, output_cost_per_token: 1e-5, cache_read_input_token_cost: 1.25e-6 });
    expect(deploy("azure/gpt-4o-2024-08-06").price).toStrictEqual(gpt4o.price);
    expect(deploy("azure/responses/gpt-4.1").price).toMatchObject({ input_cost_per_token: 2e-6, output_cost_per_token: 8e-6 });
    // Newer than any hand-written table this project had.
    expect(deploy("azure/gpt-5.2").price).toMatchObject({ input_cost_per_token: 1.75e-6, output_cost_per_token: 1.4e-5 });
    expect(deploy("azure/gpt-5.3-codex").price).toMatchObject({ input_cost_per_token: 1.75e-6 });
    expect(deploy("azure/o3").priceSource).toBe("genai-prices:azure");
    expect(deploy("azure/gpt-4o").priceSource).toBe("genai-prices:openai");
  });

  it("reads model_info from the host's context: base_model, and prices that override the database", () => {
    expect(deploy("azure/my-custom-o1-pro", { modelInfo: { base_model: "o3" } }).price).toMatchObject({ input_cost_per_token: 2e-6, output_cost_per_token: 8e-6 });
    const overridden = deploy("azure/gpt-4o", { modelInfo: { input_cost_per_token: 2.75e-6, output_cost_per_token: 1.1e-5 } });
    expect(overridden.price).toStrictEqual({ input_cost_per_token: 2.75e-6, output_cost_per_token: 1.1e-5, cache_read_input_token_cost: 1.25e-6 });
    expect(overridden.priceSource).toBe("genai-prices:openai+model_info");
    const own = deploy("azure/mystery", { modelInfo: { input_cost_per_token: 1e-6, output_cost_per_token: 4e-6 } });
    expect(own.priceSource).toBe("model_info");
  });

  it("reports price null for an unknown deployment and warns through the context, once", () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    expect(deploy("azure/my-custom-o1-pro", { warn }).price).toBeNull();
    expect(deploy("azure/responses/my-custom-o1-pro", { warn }).price).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"my-custom-o1-pro"');
    expect(warnings[0]).toContain("not in the price database (genai-prices)");
  });

  it("says once that an OpenAI list price stands in for an Azure one, and not when model_info sets the prices", () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    deploy("azure/gpt-4o", { warn });
    deploy("azure/gpt-4o", { warn });
    expect(warnings).toEqual(['The price used for Azure deployment "gpt-4o" is openai\'s list price for "gpt-4o" (genai-prices has no Azure price for it). Set model_info prices to override it.']);
    const quiet: string[] = [];
    deploy("azure/gpt-4o", { warn: (m) => quiet.push(m), modelInfo: { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } });
    expect(quiet).toEqual([]);
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
