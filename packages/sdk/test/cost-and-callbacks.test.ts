import azure from "@dheera/azure";
import { DEFAULT_EMULATOR_DEPLOYMENTS, createAzureEmulator, type AzureEmulatorServer, type EmulatorReply } from "@dheera/azure/testing";
import { fetchTransport, loggingPayloadSchema } from "@dheera/core";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callMetadata, createDheera, type DheeraOptions, type LoggingPayload } from "../src/index.js";

// Cost, callMetadata and logging callbacks end to end: the SDK, the Azure provider and the
// Azure emulator (msw, in process), as a user runs them.
const ORIGIN = "https://cost-test.openai.azure.com";
const KEY = "test-azure-key";
const settings = { api_key: KEY, api_base: ORIGIN, api_version: "2025-03-01-preview" };

let nextReply: EmulatorReply | undefined;
const emulator = createAzureEmulator({
  deployments: { ...DEFAULT_EMULATOR_DEPLOYMENTS, "prod-chat": { model: "gpt-4o" }, "prod-reasoner": { model: "o3", supportsChat: false } },
  reply: () => nextReply,
});
const server = setupServer(...emulator.mswHandlers(ORIGIN));
// Streams cut short run against the emulator's real loopback server: under msw, cancelling an
// aborted mocked body never settles (msw only; real servers release it at once).
let live: AzureEmulatorServer;
let liveSettings: typeof settings;
beforeAll(async () => {
  server.listen({ onUnhandledRequest: "bypass" });
  live = await emulator.listen();
  liveSettings = { ...settings, api_base: live.url };
});
afterEach(() => {
  emulator.reset();
  nextReply = undefined;
});
afterAll(async () => {
  server.close();
  await live.close();
});

// 1000 input tokens of which 200 cached, 500 output: the reference's worked example.
const EXAMPLE = { inputTokens: 1000, cachedTokens: 200, outputTokens: 500, reasoningTokens: 0 };
const EXAMPLE_USAGE = { input_tokens: 1000, cached_input_tokens: 200, cache_write_tokens: 0, output_tokens: 500, reasoning_tokens: 0, total_tokens: 1500 };

/** An SDK instance whose callbacks and warnings are recorded. */
function sdk(options: DheeraOptions = {}) {
  const payloads: LoggingPayload[] = [];
  const warnings: string[] = [];
  const dheera = createDheera({ providers: [azure], transport: fetchTransport(), env: {}, warn: (m) => warnings.push(m), ...options });
  dheera.addCallback({ onSuccess: (p) => void payloads.push(p), onFailure: (p) => void payloads.push(p) });
  return { dheera, payloads, warnings };
}

/** Callbacks run in a later macrotask: let them. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _event of stream);
}

describe("cost of non-streamed calls", () => {
  it("prices a Responses call on gpt-4o at the reference's $0.00725, readable without changing the JSON", async () => {
    const { dheera, payloads } = sdk();
    nextReply = { usage: EXAMPLE };
    const response = await dheera.responses({ model: "azure/gpt-4o", input: "hello", ...settings });
    const meta = callMetadata(response)!;
    expect(meta).toMatchObject({ provider: "azure", deployment: "gpt-4o", apiBase: ORIGIN, status: 200, cost: 0.00725, usage: EXAMPLE_USAGE, timeToFirstTokenMs: null });
    expect(meta.latencyMs).toBeGreaterThan(0);
    // The returned object is still the wire JSON (plus output_text, as before).
    expect(JSON.stringify(response)).not.toMatch(/"cost"|0\.00725|latency/);
    expect(Object.keys(response)).not.toContain("cost");
    await flush();
    expect(payloads).toHaveLength(1);
    expect(loggingPayloadSchema.parse(payloads[0])).toMatchObject({
      id: meta.id,
      call_type: "responses",
      model: "azure/gpt-4o",
      provider: "azure",
      deployment: "gpt-4o",
      api_base: ORIGIN,
      response_id: response.id,
      stream: false,
      usage: EXAMPLE_USAGE,
      cost: 0.00725,
      status: "success",
      error: null,
      metadata: {},
    });
    expect(payloads[0]!.upstream_request_id).toBe(meta.upstreamRequestId);
  });

  it("prices a native Chat Completions call from its chat usage", async () => {
    const { dheera, payloads } = sdk();
    nextReply = { usage: EXAMPLE };
    const completion = await dheera.completion({ model: "azure/gpt-4o", messages: [{ role: "user", content: "hi" }], ...settings });
    expect(completion.usage).toMatchObject({ prompt_tokens: 1000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 200 } });
    expect(callMetadata(completion)).toMatchObject({ cost: 0.00725, usage: EXAMPLE_USAGE });
    await flush();
    expect(payloads[0]).toMatchObject({ call_type: "chat", cost: 0.00725, response_id: completion.id });
  });

  it("prices a chat call through the Responses bridge (azure/responses/...), reasoning tokens billed as output", async () => {
    const { dheera, payloads } = sdk();
    nextReply = { usage: { inputTokens: 1000, cachedTokens: 200, outputTokens: 500, reasoningTokens: 300 } };
    const completion = await dheera.completion({
      model: "azure/responses/prod-reasoner",
      messages: [{ role: "user", content: "think" }],
      model_info: { base_model: "o3" },
      ...settings,
    });
    expect(completion.object).toBe("chat.completion");
    // o3: 2e-6 in, 5e-7 cached, 8e-6 out; the 300 reasoning tokens are inside the 500 output.
    const cost = 800 * 2e-6 + 200 * 5e-7 + 500 * 8e-6;
    expect(callMetadata(completion)!.cost).toBeCloseTo(cost, 15);
    expect(callMetadata(completion)!.usage).toMatchObject({ reasoning_tokens: 300, output_tokens: 500 });
    await flush();
    expect(payloads[0]).toMatchObject({ call_type: "chat", deployment: "prod-reasoner" });
    expect(emulator.requests.at(-1)!.path).toBe("/openai/responses");
  });
});

describe("pricing a deployment", () => {
  it("gives an unknown deployment cost null and exactly one warning naming it", async () => {
    const { dheera, payloads, warnings } = sdk();
    const first = await dheera.responses({ model: "azure/prod-chat", input: "a", ...settings });
    await dheera.responses({ model: "azure/prod-chat", input: "b", ...settings });
    // Other settings: resolved again, still the same deployment, still one warning.
    await dheera.responses({ model: "azure/prod-chat", input: "c", ...settings, extra_headers: { "x-tenant": "t2" } });
    expect(callMetadata(first)).toMatchObject({ cost: null });
    expect(callMetadata(first)!.usage).not.toBeNull();
    expect(warnings.filter((w) => w.includes('"prod-chat"'))).toHaveLength(1);
    await flush();
    expect(payloads.map((p) => p.cost)).toEqual([null, null, null]);
  });

  it("maps a custom deployment name to a price entry with model_info.base_model", async () => {
    const { dheera, warnings } = sdk();
    nextReply = { usage: EXAMPLE };
    const response = await dheera.responses({ model: "azure/prod-chat", input: "a", model_info: { base_model: "gpt-4o" }, ...settings });
    expect(callMetadata(response)!.cost).toBe(0.00725);
    // Priced, with a word that the price is OpenAI's list price (once for the deployment).
    expect(warnings).toEqual(['The price used for Azure deployment "prod-chat" is openai\'s list price for "gpt-4o" (genai-prices has no Azure price for it). Set model_info prices to override it.']);
  });

  it("maps it instance-wide with createDheera({ modelInfo })", async () => {
    const { dheera } = sdk({ modelInfo: { "azure/prod-chat": { base_model: "gpt-4o-2024-08-06" } } });
    nextReply = { usage: EXAMPLE };
    const response = await dheera.responses({ model: "azure/prod-chat", input: "a", ...settings });
    expect(callMetadata(response)!.cost).toBe(0.00725);
  });

  it("lets model_info prices override the table", async () => {
    const { dheera } = sdk();
    nextReply = { usage: EXAMPLE };
    const model_info = { input_cost_per_token: 1e-6, cache_read_input_token_cost: 1e-7, output_cost_per_token: 2e-6 };
    const response = await dheera.responses({ model: "azure/gpt-4o", input: "a", model_info, ...settings });
    expect(callMetadata(response)!.cost).toBeCloseTo(800 * 1e-6 + 200 * 1e-7 + 500 * 2e-6, 15);
  });

  it("rejects a misspelt model_info key, naming it, before any request", async () => {
    const { dheera, payloads } = sdk();
    await expect(dheera.responses({ model: "azure/gpt-4o", input: "a", model_info: { base_modle: "gpt-4o" }, ...settings } as never)).rejects.toMatchObject({
      status: 400,
      param: "model_info.base_modle",
    });
    expect(emulator.requests).toHaveLength(0);
    await flush();
    expect(payloads[0]).toMatchObject({ status: "failure", provider: null, error: { status: 400, code: "configuration_error" } });
  });
});

describe("cost of streams, once they have ended", () => {
  it("prices a Responses stream from response.completed, with the time to first token", async () => {
    const { dheera, payloads } = sdk();
    nextReply = { usage: EXAMPLE };
    const stream = await dheera.responses({ model: "azure/gpt-4o", input: "stream this", stream: true, ...settings });
    expect(callMetadata(stream)).toMatchObject({ cost: null, usage: null, timeToFirstTokenMs: null });
    await drain(stream);
    const meta = callMetadata(stream)!;
    expect(meta).toMatchObject({ cost: 0.00725, usage: EXAMPLE_USAGE });
    expect(meta.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(meta.timeToFirstTokenMs!).toBeLessThanOrEqual(meta.latencyMs);
    await flush();
    expect(payloads).toHaveLength(1);
    expect(loggingPayloadSchema.parse(payloads[0])).toMatchObject({ stream: true, status: "success", cost: 0.00725, id: meta.id });
    expect(payloads[0]!.response_id).toMatch(/^resp_/);
    expect(payloads[0]!.time_to_first_token_ms).toBe(meta.timeToFirstTokenMs);
  });

  it("prices a chat stream from its usage chunk when include_usage is set", async () => {
    const { dheera } = sdk();
    nextReply = { usage: EXAMPLE };
    const stream = await dheera.completion({ model: "azure/gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true }, ...settings });
    await drain(stream);
    expect(callMetadata(stream)).toMatchObject({ cost: 0.00725, usage: EXAMPLE_USAGE });
  });

  it("has nothing to price on a native chat stream without include_usage: cost null, not 0", async () => {
    const { dheera, payloads } = sdk();
    nextReply = { usage: EXAMPLE };
    const stream = await dheera.completion({ model: "azure/gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true, ...settings });
    await drain(stream);
    expect(callMetadata(stream)).toMatchObject({ cost: null, usage: null });
    expect(callMetadata(stream)!.timeToFirstTokenMs).not.toBeNull();
    await flush();
    expect(payloads[0]).toMatchObject({ status: "success", cost: null, usage: null });
  });

  it("prices a bridged chat stream from the upstream's response.completed even without include_usage", async () => {
    const { dheera } = sdk();
    nextReply = { usage: EXAMPLE };
    const stream = await dheera.completion({ model: "azure/responses/gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true, ...settings });
    const chunks: { usage?: unknown }[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    // The client did not ask for usage, and gets none on the wire...
    expect(chunks.some((c) => c.usage)).toBe(false);
    // ...yet the request is priced.
    expect(callMetadata(stream)).toMatchObject({ cost: 0.00725, usage: EXAMPLE_USAGE });
  });
});

describe("failures", () => {
  it("logs an upstream 429 as a failure with the error, and rethrows it unchanged", async () => {
    const { dheera, payloads } = sdk();
    const error = await dheera.responses({ model: "azure/gpt-4o", input: "[[rate_limit]]", ...settings }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, provider: "azure" });
    await flush();
    expect(payloads).toHaveLength(1);
    expect(loggingPayloadSchema.parse(payloads[0])).toMatchObject({
      status: "failure",
      provider: "azure",
      deployment: "gpt-4o",
      usage: null,
      cost: null,
      error: { status: 429, type: "rate_limit_error", message: (error as Error).message },
    });
  });

  it("logs a stream that fails mid-way once, when it fails", async () => {
    const { dheera, payloads } = sdk();
    const stream = await dheera.responses({ model: "azure/gpt-4o", input: "[[fail_midstream]]", stream: true, ...liveSettings });
    await expect(drain(stream)).rejects.toThrow();
    stream.abort();
    await flush();
    expect(payloads).toHaveLength(1);
    expect(payloads[0]).toMatchObject({ status: "failure", stream: true, cost: null, error: { status: 500, type: "server_error", code: "server_error" } });
  });

  it("logs a stream the consumer stops early as aborted (499)", async () => {
    const { dheera, payloads } = sdk();
    const stream = await dheera.responses({ model: "azure/gpt-4o", input: "a long story about a unicorn", stream: true, ...liveSettings });
    for await (const event of stream) if (event.type === "response.output_text.delta") break;
    await flush();
    expect(payloads).toHaveLength(1);
    expect(payloads[0]).toMatchObject({ status: "failure", error: { status: 499, code: "request_aborted" }, usage: null, cost: null });
    expect(callMetadata(stream)!.cost).toBeNull();
  });

  it("logs a stream aborted with abort() before it was read", async () => {
    const { dheera, payloads } = sdk();
    const stream = await dheera.responses({ model: "azure/gpt-4o", input: "a", stream: true, ...liveSettings });
    stream.abort();
    await flush();
    expect(payloads).toHaveLength(1);
    expect(payloads[0]).toMatchObject({ status: "failure", error: { status: 499 } });
  });

  it("counts a consumer that stops right after response.completed as a success", async () => {
    const { dheera, payloads } = sdk();
    nextReply = { usage: EXAMPLE };
    const stream = await dheera.responses({ model: "azure/gpt-4o", input: "a", stream: true, ...liveSettings });
    for await (const event of stream) if (event.type === "response.completed") break;
    await flush();
    expect(payloads[0]).toMatchObject({ status: "success", cost: 0.00725 });
  });

  it("logs a call that fails before a provider is resolved", async () => {
    const { dheera, payloads } = sdk();
    await expect(dheera.responses({ model: "gpt-4o", input: "a" })).rejects.toMatchObject({ status: 400 });
    await flush();
    expect(loggingPayloadSchema.parse(payloads[0])).toMatchObject({ status: "failure", model: "gpt-4o", provider: null, deployment: null, api_base: null, error: { code: "invalid_model" } });
  });
});

describe("callbacks", () => {
  it("are isolated: a throwing and a never-settling callback do not affect the result, and run after it was delivered", async () => {
    const warnings: string[] = [];
    const order: string[] = [];
    const dheera = createDheera({ providers: [azure], transport: fetchTransport(), env: {}, warn: (m) => warnings.push(m) });
    dheera.onSuccess(() => {
      order.push("throwing callback");
      throw new Error("callback bug");
    });
    dheera.onSuccess(() => {
      order.push("never-settling callback");
      return new Promise(() => {});
    });
    dheera.onSuccess(async () => {
      order.push("rejecting callback");
      throw new Error("async callback bug");
    });
    const reference = await createDheera({ providers: [azure], transport: fetchTransport(), env: {} }).responses({ model: "azure/gpt-4o", input: "same input", ...settings });
    const response = await dheera.responses({ model: "azure/gpt-4o", input: "same input", ...settings });
    order.push("caller has the result");
    expect(response.output_text).toBe(reference.output_text);
    expect(Object.keys(response).sort()).toEqual(Object.keys(reference).sort());
    await flush();
    await flush();
    expect(order).toEqual(["caller has the result", "throwing callback", "never-settling callback", "rejecting callback"]);
    expect(warnings).toContainEqual(expect.stringContaining("callback bug"));
    expect(warnings).toContainEqual(expect.stringContaining("async callback bug"));
    // The next call is not affected either.
    await expect(dheera.responses({ model: "azure/gpt-4o", input: "again", ...settings })).resolves.toMatchObject({ status: "completed" });
  });

  it("do not delay a stream's end", async () => {
    const dheera = createDheera({ providers: [azure], transport: fetchTransport(), env: {}, warn: () => {} });
    dheera.onSuccess(() => new Promise(() => {}));
    dheera.onSuccess(() => {
      throw new Error("boom");
    });
    const stream = await dheera.responses({ model: "azure/gpt-4o", input: "a", stream: true, ...settings });
    await drain(stream);
    expect(callMetadata(stream)!.usage).not.toBeNull();
  });

  it("can be given per call, alongside the instance's, and are never sent upstream", async () => {
    const { dheera, payloads } = sdk();
    const mine: LoggingPayload[] = [];
    const failures: LoggingPayload[] = [];
    await dheera.responses({ model: "azure/gpt-4o", input: "a", callbacks: { onSuccess: (p) => void mine.push(p), onFailure: (p) => void failures.push(p) }, ...settings });
    await dheera.responses({ model: "azure/gpt-4o", input: "b", ...settings });
    await dheera.responses({ model: "azure/gpt-4o", input: "[[server_error]]", callbacks: { onFailure: (p) => void failures.push(p) }, ...settings }).catch(() => {});
    await flush();
    expect(payloads).toHaveLength(3);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toBe(payloads[0]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ status: "failure", error: { status: 500 } });
    for (const request of emulator.requests) expect(request.body).not.toHaveProperty("callbacks");
  });

  it("rejects a misspelt callback name, naming it", async () => {
    const { dheera } = sdk();
    await expect(dheera.responses({ model: "azure/gpt-4o", input: "a", callbacks: { onSucess: () => {} }, ...settings } as never)).rejects.toMatchObject({
      param: "callbacks.onSucess",
    });
    expect(() => dheera.addCallback({ onFail: () => {} } as never)).toThrow(/addCallback\.onFail/);
  });

  it("can be removed with the function addCallback returns", async () => {
    const dheera = createDheera({ providers: [azure], transport: fetchTransport(), env: {} });
    const seen: string[] = [];
    const remove = dheera.onSuccess((p) => void seen.push(p.id));
    await dheera.responses({ model: "azure/gpt-4o", input: "a", ...settings });
    remove();
    await dheera.responses({ model: "azure/gpt-4o", input: "b", ...settings });
    await flush();
    expect(seen).toHaveLength(1);
  });

  it("receive dheera_metadata in the payload, while it stays out of the upstream body (the wire metadata goes upstream)", async () => {
    const { dheera, payloads } = sdk();
    await dheera.responses({
      model: "azure/gpt-4o",
      input: "a",
      metadata: { wire: "yes" },
      dheera_metadata: { tenant: "acme", trace: { id: 7 } },
      model_info: { base_model: "gpt-4o" },
      ...settings,
    });
    await flush();
    expect(payloads[0]!.metadata).toEqual({ tenant: "acme", trace: { id: 7 } });
    const sent = emulator.requests.at(-1)!.body as Record<string, unknown>;
    expect(sent.metadata).toEqual({ wire: "yes" });
    for (const key of ["dheera_metadata", "model_info", "callbacks", "signal", "api_key"]) expect(sent).not.toHaveProperty(key);
  });

  it("get a frozen payload, so one callback cannot change what the next one sees", async () => {
    const { dheera, payloads } = sdk();
    dheera.onSuccess((p) => {
      (p as { cost: number | null }).cost = 999;
    });
    nextReply = { usage: EXAMPLE };
    await dheera.responses({ model: "azure/gpt-4o", input: "a", ...settings });
    await flush();
    expect(payloads[0]!.cost).toBe(0.00725);
    expect(Object.isFrozen(payloads[0])).toBe(true);
  });
});

describe("stored-response operations", () => {
  it("are logged with their call type and cost 0 (not billed per token)", async () => {
    const { dheera, payloads } = sdk();
    const created = await dheera.responses({ model: "azure/gpt-4o", input: "keep", ...settings });
    const got = await dheera.retrieveResponse({ model: "azure/gpt-4o", response_id: created.id, ...settings });
    expect(callMetadata(got)).toMatchObject({ cost: 0, usage: null });
    await dheera.deleteResponse({ model: "azure/gpt-4o", response_id: created.id, ...settings });
    await dheera.retrieveResponse({ model: "azure/gpt-4o", response_id: created.id, ...settings }).catch(() => {});
    await flush();
    expect(payloads.map((p) => [p.call_type, p.status, p.cost])).toEqual([
      ["responses", "success", callMetadata(created)!.cost],
      ["responses.retrieve", "success", 0],
      ["responses.delete", "success", 0],
      ["responses.retrieve", "failure", 0],
    ]);
    expect(payloads[3]!.error).toMatchObject({ status: 404 });
  });
});
