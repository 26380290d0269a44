import type { IncomingMessage } from "node:http";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { DheeraError, UpstreamError } from "../errors/dheera-error.js";
import { undiciTransport } from "../http/undici-transport.js";
import { readRequestBody, startTestServer, type TestServer } from "../testing/test-server.js";
import { createOpenAIStyleClient, type OpenAIStyleClientOptions } from "./openai-style-client.js";
import { openAIStyleChatOperations, openAIStyleResponsesOperations } from "./openai-style-operations.js";

/* The kit's client and operations against a real loopback server: what reaches the upstream, and what a provider gets back. */

const transport = undiciTransport();
afterAll(() => transport.close());
let server: TestServer | undefined;
afterEach(() => server?.close());

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A server that records each request and answers with `answer(seen)`. */
async function upstream(answer: (seen: Seen) => { status?: number; headers?: Record<string, string>; body: string }) {
  const requests: Seen[] = [];
  server = await startTestServer(async (req, res) => {
    const seen = { method: req.method!, url: req.url!, headers: req.headers, body: await readRequestBody(req) };
    requests.push(seen);
    const { status = 200, headers = {}, body } = answer(seen);
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
  });
  return { url: server.url, requests };
}

const client = (overrides: Partial<OpenAIStyleClientOptions> = {}) =>
  createOpenAIStyleClient({ provider: "acme", displayName: "Acme", transport, authHeaders: () => ({ authorization: "Bearer sk-acme-secret" }), secrets: ["sk-acme-secret"], ...overrides });

const anyJson = z.looseObject({});

describe("createOpenAIStyleClient", () => {
  it("sends the auth headers, JSON content type only with a body, and a call's own headers", async () => {
    const up = await upstream(() => ({ body: "{}" }));
    const c = client({ staticAuth: true });
    await c.json("POST", `${up.url}/a`, { x: 1 }, anyJson);
    await c.json("GET", `${up.url}/b`, undefined, anyJson, { headers: { "x-trace": "t1" } });
    expect(up.requests[0]).toMatchObject({ method: "POST", body: '{"x":1}', headers: { authorization: "Bearer sk-acme-secret", "content-type": "application/json", accept: "application/json" } });
    expect(up.requests[1]!.headers["content-type"]).toBeUndefined();
    expect(up.requests[1]!.headers).toMatchObject({ authorization: "Bearer sk-acme-secret", "x-trace": "t1" });
  });

  it("asks for static credentials once, and for a token provider's on every request", async () => {
    const up = await upstream(() => ({ body: "{}" }));
    let asked = 0;
    const auth = () => ({ authorization: `Bearer token-${++asked}` });
    const fixed = client({ staticAuth: true, authHeaders: auth });
    for (let i = 0; i < 3; i++) await fixed.json("GET", up.url, undefined, anyJson);
    expect(asked).toBe(1);
    const renewing = client({ authHeaders: async () => auth() });
    for (let i = 0; i < 2; i++) await renewing.json("GET", up.url, undefined, anyJson);
    expect(up.requests.map((r) => r.headers.authorization)).toEqual(["Bearer token-1", "Bearer token-1", "Bearer token-1", "Bearer token-2", "Bearer token-3"]);
  });

  it("shows only the exposed headers, and takes the request id from the provider's header", async () => {
    const up = await upstream(() => ({ headers: { "x-acme-request": "acme-1", "x-ratelimit-remaining-requests": "9", "set-cookie": "s=1" }, body: '{"ok":true}' }));
    const result = await client({ requestIdHeaders: ["x-acme-request"], exposedHeaders: /^(x-acme-request|x-ratelimit-.*)$/ }).json("GET", up.url, undefined, anyJson);
    expect(result).toEqual({ status: 200, headers: { "x-acme-request": "acme-1", "x-ratelimit-remaining-requests": "9" }, upstreamRequestId: "acme-1", body: { ok: true } });
  });

  it("maps a non-2xx answer with the secrets redacted, or with the provider's own mapper", async () => {
    const up = await upstream(() => ({ status: 401, body: '{"error":{"message":"Incorrect API key provided: sk-acme-secret","code":"invalid_api_key"}}' }));
    const err = (await client().json("GET", up.url, undefined, anyJson).then(
      () => expect.unreachable("a 401 did not fail the call"),
      (e: unknown) => e,
    )) as DheeraError;
    expect(err).toMatchObject({ name: "AuthenticationError", status: 401, provider: "acme", code: "invalid_api_key" });
    expect(err.message).not.toContain("sk-acme-secret");
    const own = client({ mapError: (input) => new UpstreamError(`acme says ${input.status}`, { status: input.status, provider: "acme", code: input.secrets?.length === 1 ? "secrets_given" : null }) });
    await expect(own.json("GET", up.url, undefined, anyJson)).rejects.toMatchObject({ message: "acme says 401", code: "secrets_given" });
  });

  it("answers 502 bad_upstream_response for a body that is not JSON or not the expected shape", async () => {
    const up = await upstream((seen) => ({ headers: { "x-request-id": "req_9" }, body: seen.url === "/html" ? "<html>oops</html>" : '{"id":1}' }));
    const c = client();
    await expect(c.json("GET", `${up.url}/html`, undefined, anyJson)).rejects.toMatchObject({ status: 502, code: "bad_upstream_response", message: "Acme's answer is not JSON.", upstreamRequestId: "req_9" });
    await expect(c.json("GET", `${up.url}/shape`, undefined, z.object({ id: z.string() }))).rejects.toMatchObject({ status: 502, message: "Acme's answer does not have the expected shape." });
    await expect(c.jsonChecked("GET", `${up.url}/shape`, undefined, (v): v is { id: string } => typeof (v as { id?: unknown }).id === "string")).rejects.toMatchObject({ status: 502 });
  });

  it("refuses a stream answer that is not an event stream", async () => {
    const up = await upstream(() => ({ body: '{"id":"resp_1"}' }));
    await expect(client().stream(up.url, { stream: true })).rejects.toMatchObject({ status: 502, message: "Acme's answer is not an event stream." });
  });
});

describe("openAIStyleResponsesOperations and openAIStyleChatOperations", () => {
  it("send the request as it came, but for the upstream's model name and stream, to the provider's URLs", async () => {
    const response = { id: "resp_1", object: "response", created_at: 1, model: "acme-large", status: "completed", output: [], usage: null };
    const up = await upstream((seen) => ({
      body: seen.url.startsWith("/chat")
        ? JSON.stringify({ id: "c1", object: "chat.completion", created: 1, model: "acme-large", choices: [] })
        : seen.url.includes("input_items")
          ? '{"object":"list","data":[],"has_more":false}'
          : JSON.stringify(response),
    }));
    const c = client();
    const responses = openAIStyleResponsesOperations(c, {
      model: "acme-large",
      urls: { responses: `${up.url}/r`, responseById: (id, q) => `${up.url}/r/${id}${q?.include ? `?include=${String(q.include)}` : ""}`, cancel: (id) => `${up.url}/r/${id}/stop`, inputItems: (id) => `${up.url}/r/${id}/input_items` },
    });
    const chat = openAIStyleChatOperations(c, { url: `${up.url}/chat`, model: "acme-large" });
    await responses.create({ model: "acme/alias", input: "hi", stream: true, custom: { deep: [1] } });
    await responses.retrieve("resp_1", { include: "reasoning.encrypted_content" });
    await responses.cancel("resp_1");
    await responses.listInputItems("resp_1");
    await chat.create({ model: "acme/alias", messages: [{ role: "user", content: "hi" }], logit_bias: { "1": 2 } });
    expect(up.requests.map((r) => `${r.method} ${r.url}`)).toEqual(["POST /r", "GET /r/resp_1?include=reasoning.encrypted_content", "POST /r/resp_1/stop", "GET /r/resp_1/input_items", "POST /chat"]);
    expect(JSON.parse(up.requests[0]!.body)).toEqual({ model: "acme-large", input: "hi", stream: false, custom: { deep: [1] } });
    expect(JSON.parse(up.requests[4]!.body)).toEqual({ model: "acme-large", messages: [{ role: "user", content: "hi" }], logit_bias: { "1": 2 }, stream: false });
  });
});
