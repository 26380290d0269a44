import { fetchTransport, parseModelReference, responseObjectSchema, undiciTransport, DheeraError, type Deployment } from "@dheera/core";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { azureProvider } from "../src/index.js";
import { createAzureEmulator } from "../src/testing/index.js";

const BASE = "https://unit-test.openai.azure.com";
const KEY = "test-azure-key";
const emulator = createAzureEmulator();
const server = setupServer(...emulator.mswHandlers(BASE));

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => emulator.reset());
afterAll(() => server.close());

function deploy(model: string, settings: Record<string, unknown> = {}, env: Record<string, string> = {}): Deployment {
  const parsed = azureProvider.settingsSchema.parse({ api_key: KEY, api_base: BASE, ...settings });
  return azureProvider.resolve(parseModelReference(model)!, parsed, { transport: fetchTransport(), env });
}

const lastRequest = () => emulator.requests.at(-1)!;

describe("azure provider against the emulator (msw)", () => {
  it("sends a dated api_version to /openai/responses with the deployment as body model", async () => {
    const d = deploy("azure/o1-pro", { api_version: "2025-03-01-preview" });
    const { body, status } = await d.responses!.create({ model: "o1-pro-alias", input: "Tell me about a unicorn", max_output_tokens: 100 });
    expect(status).toBe(200);
    expect(body.object).toBe("response");
    expect(body.status).toBe("completed");
    const req = lastRequest();
    expect(req.path).toBe("/openai/responses");
    expect(req.query["api-version"]).toBe("2025-03-01-preview");
    expect((req.body as { model: string }).model).toBe("o1-pro");
  });

  it("createRaw answers the upstream's own text, and the members a relay acts on as create reads them", async () => {
    const d = deploy("azure/o1-pro", { api_version: "2025-03-01-preview" });
    const viaCreate = await d.responses!.create({ model: "o1-pro", input: "Tell me about a unicorn" });
    const raw = await d.responses!.createRaw!({ model: "o1-pro", input: "Tell me about a unicorn" });
    expect(raw.status).toBe(200);
    // The text is a Response the schema accepts, and the summary is read from it exactly.
    const parsed = responseObjectSchema.parse(JSON.parse(raw.raw));
    expect(raw.body).toMatchObject({ id: parsed.id, status: parsed.status, error: parsed.error ?? null, usage: parsed.usage });
    expect(Object.keys(parsed).sort()).toStrictEqual(Object.keys(viaCreate.body).sort());
    expect(lastRequest().path).toBe("/openai/responses");
    expect((lastRequest().body as { model: string; stream: boolean })).toMatchObject({ model: "o1-pro", stream: false });
  });

  it("createRaw fails as create does", async () => {
    const d = deploy("azure/o1-pro", { api_key: "sk-wrong-secret-123", api_version: "preview" });
    const a = (await d.responses!.create({ model: "o1-pro", input: "hi" }).catch((e: unknown) => e)) as DheeraError;
    const b = (await d.responses!.createRaw!({ model: "o1-pro", input: "hi" }).catch((e: unknown) => e)) as DheeraError;
    expect(DheeraError.isInstance(b)).toBe(true);
    expect({ status: b.status, code: b.code, message: b.message }).toStrictEqual({ status: a.status, code: a.code, message: a.message });
  });

  it('routes api_version "preview" to /openai/v1/responses', async () => {
    const d = deploy("azure/codex-mini", { api_version: "preview" });
    await d.responses!.create({ model: "codex-mini", input: "hi" });
    expect(lastRequest().path).toBe("/openai/v1/responses");
    expect(lastRequest().query["api-version"]).toBe("preview");
  });

  it("passes parameters it does not know through to Azure untouched", async () => {
    const d = deploy("azure/gpt-4o", { api_version: "2025-03-01-preview" });
    await d.responses!.create({ model: "gpt-4o", input: "hi", brand_new_param: { nested: [1, 2] } });
    expect(lastRequest().body).toMatchObject({ brand_new_param: { nested: [1, 2] } });
  });

  it("serves chat natively on the classic deployment route", async () => {
    const d = deploy("azure/gpt-4o", { api_version: "2024-10-21" });
    const { body } = await d.chat!.create({ model: "gpt-4o", messages: [{ role: "user", content: "Hello world" }] });
    expect(body.object).toBe("chat.completion");
    expect(lastRequest().path).toBe("/openai/deployments/gpt-4o/chat/completions");
    expect(d.native).toEqual({ responses: true, chat: true });
  });

  it("serves chat on the v1 route with the deployment in the body", async () => {
    const d = deploy("azure/gpt-4o", { api_version: "v1" });
    await d.chat!.create({ model: "gpt-4o", messages: [{ role: "user", content: "Hello world" }] });
    expect(lastRequest().path).toBe("/openai/v1/chat/completions");
    expect((lastRequest().body as { model: string }).model).toBe("gpt-4o");
  });

  it("serves chat for azure/responses/<dep> through the Responses API", async () => {
    const d = deploy("azure/responses/my-custom-o1-pro", { api_version: "2025-03-01-preview" });
    expect(d.native).toEqual({ responses: true, chat: false });
    const { body } = await d.chat!.create({ model: "my-custom-o1-pro", messages: [{ role: "user", content: "Hello world" }] });
    expect(lastRequest().path).toBe("/openai/responses");
    expect(body.object).toBe("chat.completion");
    expect(body.choices[0]!.message.content).toContain("Hello world");
    expect(body.choices[0]!.finish_reason).toBe("stop");
    expect(body.usage!.prompt_tokens).toBeGreaterThan(0);
  });

  it("serves every stored-response route on the same api surface", async () => {
    const d = deploy("azure/o1-pro", { api_version: "2025-03-01-preview" });
    const created = await d.responses!.create({ model: "o1-pro", input: "remember me", background: true });
    const id = created.body.id;
    const got = await d.responses!.retrieve(id);
    expect(got.body.id).toBe(id);
    expect(lastRequest().path).toBe(`/openai/responses/${id}`);
    const items = await d.responses!.listInputItems(id, { limit: "1", order: "asc" });
    expect(items.body.object).toBe("list");
    expect(lastRequest().path).toBe(`/openai/responses/${id}/input_items`);
    expect(lastRequest().query).toMatchObject({ limit: "1", order: "asc", "api-version": "2025-03-01-preview" });
    await d.responses!.cancel(id).catch(() => undefined);
    expect(lastRequest().path).toBe(`/openai/responses/${id}/cancel`);
    const deleted = await d.responses!.delete(id);
    expect(deleted.body).toMatchObject({ id, deleted: true });
    await expect(d.responses!.retrieve(id)).rejects.toMatchObject({ status: 404 });
  });

  it("sends an Entra token as Authorization: Bearer", async () => {
    const local = createAzureEmulator({ adTokens: ["entra-token"] });
    const s = setupServer(...local.mswHandlers("https://entra.openai.azure.com"));
    server.close();
    s.listen({ onUnhandledRequest: "error" });
    try {
      const parsed = azureProvider.settingsSchema.parse({ azure_ad_token: "entra-token", api_base: "https://entra.openai.azure.com", api_version: "preview" });
      const d = azureProvider.resolve(parseModelReference("azure/o1-pro")!, parsed, { transport: fetchTransport(), env: {} });
      await d.responses!.create({ model: "o1-pro", input: "hi" });
      expect(local.requests.at(-1)!.authOk).toBe(true);
      expect(local.requests.at(-1)!.headers.authorization).toBe("[REDACTED]");
    } finally {
      s.close();
      server.listen({ onUnhandledRequest: "error" });
    }
  });

  it("surfaces a bad key as Azure's 401 without echoing the key", async () => {
    const d = deploy("azure/o1-pro", { api_key: "sk-wrong-secret-123", api_version: "preview" });
    const err = (await d.responses!.create({ model: "o1-pro", input: "hi" }).catch((e: unknown) => e)) as DheeraError;
    expect(DheeraError.isInstance(err)).toBe(true);
    expect(err.status).toBe(401);
    expect(err.message).toContain("Access denied");
    expect(JSON.stringify({ m: err.message, e: err.upstreamError })).not.toContain("sk-wrong-secret-123");
  });

  it("surfaces an unknown deployment as 404 DeploymentNotFound", async () => {
    const d = deploy("azure/no-such-deployment", { api_version: "2025-03-01-preview" });
    await expect(d.responses!.create({ model: "x", input: "hi" })).rejects.toMatchObject({ status: 404, code: "DeploymentNotFound" });
  });

  it("keeps the status and retry-after of an upstream 429", async () => {
    const d = deploy("azure/o1-pro", { api_version: "2025-03-01-preview" });
    const err = (await d.responses!.create({ model: "o1-pro", input: "[[rate_limit]]" }).catch((e: unknown) => e)) as DheeraError;
    expect(err.status).toBe(429);
    expect(err.headers["retry-after"]).toBe("2");
  });

  it("keeps Azure's content filter details", async () => {
    const d = deploy("azure/o1-pro", { api_version: "2025-03-01-preview" });
    const err = (await d.responses!.create({ model: "o1-pro", input: "[[content_filter]]" }).catch((e: unknown) => e)) as DheeraError;
    expect(err.status).toBe(400);
    expect(err.code).toBe("content_filter");
    expect(JSON.stringify(err.upstreamError)).toContain("content_filters");
  });

  it("streams Responses events in wire order with sequence numbers", async () => {
    const d = deploy("azure/o1-pro", { api_version: "2025-03-01-preview" });
    const { stream } = await d.responses!.stream({ model: "o1-pro", input: "Tell me about a unicorn" });
    const events: { type: string; sequence_number?: number }[] = [];
    for await (const e of stream) events.push(e);
    expect(events[0]!.type).toBe("response.created");
    expect(events.at(-1)!.type).toBe("response.completed");
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  });

  it("streams chat chunks through the bridge with finish and usage at the end", async () => {
    const d = deploy("azure/responses/my-custom-o1-pro", { api_version: "2025-03-01-preview" });
    const { stream } = await d.chat!.stream({
      model: "my-custom-o1-pro",
      messages: [{ role: "user", content: "Hello world" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toContain("Hello world");
    const finishes = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finishes).toHaveLength(1);
    expect(finishes[0]!.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage!.total_tokens).toBeGreaterThan(0);
  });
});

describe("azure provider over a real loopback connection (undici)", () => {
  let live: Awaited<ReturnType<typeof loop.listen>>;
  const loop = createAzureEmulator({ streamDelayMs: 30 });
  const transport = undiciTransport();
  beforeAll(async () => {
    live = await loop.listen();
  });
  afterAll(async () => {
    await live.close();
    await transport.close();
  });

  const d = (settings: Record<string, unknown> = {}, model = "azure/o1-pro") =>
    azureProvider.resolve(
      parseModelReference(model)!,
      azureProvider.settingsSchema.parse({ api_key: KEY, api_base: live.url, api_version: "2025-03-01-preview", ...settings }),
      { transport, env: {} },
    );

  it("forwards the upstream's SSE bytes untouched on a native stream", async () => {
    const { stream } = await d().responses!.stream({ model: "o1-pro", input: "unicorn" });
    const decoder = new TextDecoder();
    let text = "";
    for await (const chunk of stream.toSse()) text += decoder.decode(chunk, { stream: true });
    expect(text.startsWith("event: response.created\ndata: {")).toBe(true);
    expect(text.trimEnd().split("\n\n").at(-1)).toMatch(/^event: response.completed\ndata: /);
  });

  it("aborts the upstream request when the consumer stops early", async () => {
    const { stream } = await d().responses!.stream({ model: "o1-pro", input: "unicorn" });
    let seen = 0;
    for await (const _e of stream) {
      if (++seen === 3) break;
    }
    expect(seen).toBe(3);
    // The emulator saw its client go away before the stream was complete.
    await expect.poll(() => live.clientAborts, { timeout: 2000 }).toBe(1);
  });

  it("times out a slow upstream with a 504", async () => {
    const err = (await d({ timeout: 0.3 }).responses!.create({ model: "o1-pro", input: "[[slow]]" }).catch((e: unknown) => e)) as DheeraError;
    expect(err.status).toBe(504);
  });

  it("reports an unreachable upstream as 502 naming the host", async () => {
    const err = (await d({ api_base: "http://127.0.0.1:9" }).responses!.create({ model: "o1-pro", input: "hi" }).catch((e: unknown) => e)) as DheeraError;
    expect(err.status).toBe(502);
    expect(err.message).toContain("127.0.0.1:9");
  });
});

describe("an api_version older than the Responses API", () => {
  it("explains Azure's 404 instead of leaving a bare Resource not found", async () => {
    const d = deploy("azure/o1-pro", { api_version: "2023-03-15-preview" });
    const err = (await d.responses!.create({ model: "o1-pro", input: "hi" }).catch((e: unknown) => e)) as DheeraError;
    expect(err.status).toBe(404);
    expect(err.message).toMatch(/Resource not found.*2023-03-15-preview predates Azure's Responses API.*2025-03-01-preview/);
    expect(err.param).toBe("api_version");
  });

  it("leaves chat on the same old version alone", async () => {
    const d = deploy("azure/gpt-4o", { api_version: "2024-10-21" });
    const { body } = await d.chat!.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });
    expect(body.object).toBe("chat.completion");
  });
});
