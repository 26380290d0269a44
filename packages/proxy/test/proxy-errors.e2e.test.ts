import { createServer } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { postJson } from "./helpers/sse.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/* Auth, every error case, /models and health, through the real process. */

let emu: EmulatorServer;
let proxy: ProxyProcess;
let client: OpenAI;
const auth = { authorization: `Bearer ${MASTER_KEY}` };

/** A loopback port with nothing listening: connections are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

beforeAll(async () => {
  emu = await startEmulator();
  const config = writeConfig(
    configYaml(
      [
        azureModel("gpt-4o", "azure/gpt-4o", emu.url),
        azureModel("o1-pro", "azure/o1-pro", emu.url),
        azureModel("impatient", "azure/gpt-4o", emu.url, { timeout: 0.5 }),
        azureModel("unreachable", "azure/gpt-4o", `http://127.0.0.1:${await closedPort()}`),
        azureModel("rotated-key", "azure/gpt-4o", emu.url, { api_key: "sk-azure-key-rotated-away" }),
      ].join("\n"),
      "router_settings:\n  routing_strategy: round-robin\n",
    ),
  );
  proxy = await spawnProxy(config);
  client = new OpenAI({ baseURL: proxy.url, apiKey: MASTER_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await killAll();
  await emu?.close();
});

describe("auth", () => {
  it("rejects a request without a key with 401 and an OpenAI error body", async () => {
    const res = await postJson(`${proxy.url}/v1/responses`, { model: "gpt-4o", input: "hi" });
    expect(res.status).toBe(401);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const body = (await res.json()) as { error: Record<string, unknown> };
    // The type is core's choice for a 401 (OpenAI says invalid_request_error); clients key off status and code.
    expect(body.error).toMatchObject({ type: expect.any(String), code: "missing_api_key", param: null });
    expect(body.error.message).toMatch(/No api key passed in/);
  });

  it("rejects a wrong key with 401, through the official client too", async () => {
    const wrong = new OpenAI({ baseURL: proxy.url, apiKey: "sk-wrong-key", maxRetries: 0 });
    const err = await wrong.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: "invalid_api_key" });
    expect((err as Error).message).not.toContain("sk-wrong-key");
  });

  it.each([
    ["authorization", `Bearer ${MASTER_KEY}`],
    ["api-key", MASTER_KEY],
    ["x-api-key", MASTER_KEY],
  ])("accepts the master key in the %s header", async (name, value) => {
    const res = await fetch(`${proxy.url}/v1/models`, { headers: { [name]: value } });
    expect(res.status).toBe(200);
    const wrong = await fetch(`${proxy.url}/v1/models`, { headers: { [name]: value.replace(MASTER_KEY, "nope") } });
    expect(wrong.status).toBe(401);
  });

  it("leaves the health routes open", async () => {
    const live = await fetch(`${proxy.url}/health/liveliness`);
    expect(live.status).toBe(200);
    expect(await live.json()).toBe("I'm alive!");
    const ready = await fetch(`${proxy.url}/health/readiness`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "healthy", spend_store: { backend: "sqlite", healthy: true, pending_rows: 0, write_errors: 0 } });
  });
});

describe("/v1/models", () => {
  it("lists the model_names in the OpenAI shape", async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(["gpt-4o", "o1-pro", "impatient", "unreachable", "rotated-key"]);
    for (const m of page.data) expect(m).toMatchObject({ object: "model", created: expect.any(Number), owned_by: expect.any(String) });
    const res = await fetch(`${proxy.url}/models`, { headers: auth });
    expect(await res.json()).toMatchObject({ object: "list", data: expect.any(Array) });
    expect((await client.models.retrieve("o1-pro")).id).toBe("o1-pro");
    await expect(client.models.retrieve("nope")).rejects.toMatchObject({ status: 404 });
  });
});

describe("request errors (400)", () => {
  it("rejects malformed JSON", async () => {
    const res = await fetch(`${proxy.url}/v1/responses`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{nope" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error", code: "invalid_json" } });
  });

  it("names a missing model", async () => {
    await expect(client.responses.create({ input: "hi" } as never)).rejects.toMatchObject({
      status: 400,
      param: "model",
      message: expect.stringContaining("Missing required parameter: 'model'"),
    });
  });

  it("names an unknown model", async () => {
    for (const call of [
      () => client.responses.create({ model: "gpt-5-ultra", input: "hi" }),
      () => client.chat.completions.create({ model: "gpt-5-ultra", messages: [{ role: "user", content: "hi" }] }),
    ]) {
      await expect(call()).rejects.toMatchObject({
        status: 400,
        param: "model",
        message: "400 Invalid model name passed in model=gpt-5-ultra. Call /v1/models to view available models.",
      });
    }
  });

  it("rejects wrong types in the fields it acts on", async () => {
    for (const body of [
      { model: 42, input: "hi" },
      { model: "gpt-4o", input: "hi", stream: "yes" },
      { model: "gpt-4o", input: "hi", previous_response_id: 7 },
    ]) {
      const res = await postJson(`${proxy.url}/v1/responses`, body, auth);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    }
    const chat = await postJson(`${proxy.url}/v1/chat/completions`, { model: "gpt-4o", messages: "hi" }, auth);
    expect(chat.status).toBe(400);
    expect(await chat.json()).toMatchObject({ error: { param: "messages" } });
  });

  it("answers errors before a stream starts as JSON, not SSE", async () => {
    const res = await postJson(`${proxy.url}/v1/responses`, { model: "nope", input: "hi", stream: true }, auth);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/json");
  });
});

describe("upstream errors", () => {
  it("keeps the upstream's 429 status, message and retry-after", async () => {
    const err = await client.responses.create({ model: "gpt-4o", input: "[[rate_limit]]" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.message).toMatch(/rate limit/i);
    expect(e.headers?.get("retry-after")).toMatch(/^\d+$/);
    expect(e.headers?.get("x-request-id")).toMatch(/^req_/);

    const streamed = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "[[rate_limit]]" }], stream: true }).catch((x: unknown) => x);
    expect(streamed).toMatchObject({ status: 429 });
  });

  it("keeps the upstream's 500 and its message", async () => {
    const err = await client.responses.create({ model: "gpt-4o", input: "[[server_error]]" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err).toMatchObject({ status: 500 });
    expect((err as Error).message).toMatch(/server had an error|error/i);
  });

  it("passes a content filter 400 with its code", async () => {
    await expect(client.responses.create({ model: "gpt-4o", input: "[[content_filter]]" })).rejects.toMatchObject({ status: 400, code: "content_filter" });
  });

  it("answers 502 with a clear message when the upstream is unreachable", async () => {
    const err = await client.responses.create({ model: "unreachable", input: "hi" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, error: { type: "api_connection_error" } });
    expect((err as Error).message).toMatch(/Could not reach the upstream 127\.0\.0\.1:\d+/);
  });

  it("answers 504 when the upstream does not answer within the deployment's timeout, after the router's retries", async () => {
    const started = Date.now();
    const err = await client.responses.create({ model: "impatient", input: "[[slow]] hi" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 504, error: { type: "timeout_error" } });
    expect((err as Error).message).toMatch(/did not answer in time/);
    // num_retries defaults to 2: three attempts of 0.5 s each, with backoffs between, then the answer.
    expect((err as { headers: Headers }).headers.get("x-dheera-attempts")).toBe("3");
    expect(Date.now() - started).toBeLessThan(6000);
  });
});

describe("HTTP-level errors", () => {
  it("answers 413 for a body over 10 MB", async () => {
    const big = JSON.stringify({ model: "gpt-4o", input: "x".repeat(11 * 1024 * 1024) });
    const res = await fetch(`${proxy.url}/v1/responses`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: big });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "request_too_large" } });
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("answers 404 for an unknown route and 405 for a wrong method, with x-request-id", async () => {
    const missing = await fetch(`${proxy.url}/v1/embeddings-nope`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "unknown_route" } });
    expect(missing.headers.get("x-request-id")).toBeTruthy();
    const wrong = await fetch(`${proxy.url}/v1/responses`, { method: "PUT", headers: auth });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST, GET");
    expect(await wrong.json()).toMatchObject({ error: { code: "method_not_allowed" } });
  });

  it("keeps a client-sent x-request-id", async () => {
    const res = await fetch(`${proxy.url}/v1/models`, { headers: { ...auth, "x-request-id": "trace-1234567890" } });
    expect(res.headers.get("x-request-id")).toBe("trace-1234567890");
  });

  it("never shows an API key in responses or logs, and logs one line per request", async () => {
    await client.responses.create({ model: "gpt-4o", input: "hello" });
    await new Promise((r) => setTimeout(r, 200)); // logs are written asynchronously
    const output = proxy.stdout() + proxy.stderr();
    expect(output).not.toContain(MASTER_KEY);
    expect(output).not.toContain("test-azure-key");
    const lines = proxy.logs().filter((l) => l.msg === "request");
    const line = lines.find((l) => l.path === "/responses" && l.status === 200 && l.model_name === "gpt-4o");
    expect(line).toMatchObject({
      request_id: expect.stringMatching(/^req_/),
      method: "POST",
      deployment: "azure/gpt-4o#0",
      stream: false,
      latency_ms: expect.any(Number),
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) },
    });
    expect(lines.some((l) => l.status === 401)).toBe(true);
  });
});

describe("an upstream that refuses the proxy's credentials", () => {
  it("is told apart from a wrong proxy key: its own code, and the deployment to fix", async () => {
    const err = await client.responses.create({ model: "rotated-key", input: "hi" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: "upstream_authentication_error" });
    const message = (err as Error).message;
    expect(message).toContain('model "rotated-key"');
    expect(message).toContain(`azure/gpt-4o at ${emu.url}`);
    expect(message).toContain("The key you sent was accepted");
    expect(message).not.toContain("sk-azure-key-rotated-away");
    // The chat route says the same.
    const chat = await client.chat.completions.create({ model: "rotated-key", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(chat).toMatchObject({ status: 401, code: "upstream_authentication_error" });
  });
});
