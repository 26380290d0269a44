import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAIEmulator, EMULATOR_MAGIC_PHRASES, maskKey, type OpenAIEmulator } from "../src/testing/index.js";

/* The emulator as the official client meets it on loopback: OpenAI's routes, auth, errors, headers and shapes. */

const KEY = "sk-test-openai-key";
const weatherTool = { type: "function" as const, function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };
let emulator: OpenAIEmulator;
let server: { url: string; close(): Promise<void> };
let client: OpenAI;

beforeAll(async () => {
  emulator = createOpenAIEmulator({ organization: "org-dheera" });
  server = await emulator.listen();
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: KEY, organization: "org-dheera", project: "proj_1", maxRetries: 0 });
});
beforeEach(() => emulator.reset());
afterAll(() => server.close());

const errorOf = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);

describe("OpenAI emulator: the Responses API", () => {
  it("creates, retrieves, lists input items of and deletes a response, with nothing of Azure's in it", async () => {
    const response = await client.responses.create({ model: "gpt-4o", input: "Hello there" });
    expect(response).toMatchObject({ object: "response", status: "completed", model: "gpt-4o" });
    expect(response.output_text).toBe("Hello from the OpenAI emulator (model gpt-4o): Hello there");
    expect(JSON.stringify(response)).not.toMatch(/content_filter|Azure/);
    expect((await client.responses.retrieve(response.id)).output_text).toBe(response.output_text);
    const items = await client.responses.inputItems.list(response.id);
    expect(items.data[0]).toMatchObject({ type: "message", role: "user" });
    await client.responses.delete(response.id);
    const gone = await errorOf(client.responses.retrieve(response.id));
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
    expect((gone as Error).message).toContain(`Response with id '${response.id}' not found.`);
  });

  it("streams response.created first and response.completed last, the text in deltas between", async () => {
    const stream = await client.responses.create({ model: "gpt-4o", input: "Tell me about a unicorn.", stream: true });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(text).toContain("unicorn");
  });

  it("cancels a background response", async () => {
    const queued = await client.responses.create({ model: "gpt-4o", input: "hi", background: true });
    expect(queued.status).toBe("queued");
    expect((await client.responses.cancel(queued.id)).status).toBe("cancelled");
  });

  it("answers gpt-5 as the reasoning model it is: a reasoning item and reasoning tokens", async () => {
    const response = await client.responses.create({ model: "gpt-5", input: "hi" });
    expect(response.output[0]?.type).toBe("reasoning");
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
  });
});

describe("OpenAI emulator: Chat Completions", () => {
  it("calls a tool, streamed and not, without Azure's filter results", async () => {
    const chat = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Weather in Paris?" }], tools: [weatherTool], tool_choice: "required" });
    expect(chat.choices[0]).toMatchObject({ finish_reason: "tool_calls", message: { tool_calls: [{ type: "function", function: { name: "get_weather" } }] } });
    expect(JSON.stringify(chat)).not.toMatch(/filter_results/);

    const stream = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Weather in Paris?" }], tools: [weatherTool], tool_choice: "required", stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((c) => c.id !== "" && !JSON.stringify(c).includes("filter_results"))).toBe(true);
    const args = chunks.map((c) => c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? "").join("");
    expect(JSON.parse(args)).toEqual(expect.any(Object));
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe("tool_calls");
    expect(chunks.at(-1)!.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("answers as a scripted reply says", async () => {
    const scripted = createOpenAIEmulator({ reply: ({ model }) => ({ text: `scripted for ${model}` }) });
    const s = await scripted.listen();
    try {
      const c = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: KEY, maxRetries: 0 });
      const chat = await c.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "hi" }] });
      expect(chat.choices[0]!.message.content).toBe("scripted for gpt-4.1");
    } finally {
      await s.close();
    }
  });
});

describe("OpenAI emulator: models", () => {
  it("lists and retrieves models in OpenAI's shape", async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toContain("gpt-4o");
    expect(page.data[0]).toEqual({ id: expect.any(String), object: "model", created: expect.any(Number), owned_by: "system" });
    expect(await client.models.retrieve("o3")).toMatchObject({ id: "o3", object: "model" });
    expect(await errorOf(client.models.retrieve("gpt-9"))).toMatchObject({ status: 404, code: "model_not_found" });
  });
});

describe("OpenAI emulator: auth, organization and errors", () => {
  it("masks a wrong key as OpenAI does, never echoing it whole", async () => {
    const wrong = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-wrong-0123456789abcdef", maxRetries: 0 });
    const err = await errorOf(wrong.models.list());
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).error).toEqual({
      message: "Incorrect API key provided: sk-wrong*************cdef. You can find your API key at https://platform.openai.com/account/api-keys.",
      type: "invalid_request_error",
      param: null,
      code: "invalid_api_key",
    });
    expect(emulator.requests.at(-1)).toMatchObject({ authOk: false, status: 401, headers: { authorization: "[REDACTED]" } });
  });

  it.each([
    ["sk-proj-abcdefghijklmnopqrstuvwxyz0123", "sk-proj-**************************0123"],
    ["thirteen-char", "thirteen*char"],
    ["sk-short", "********"],
  ])("maskKey(%s) is %s", (key, masked) => {
    expect(maskKey(key)).toBe(masked);
  });

  it("answers a request without a key with OpenAI's own 401", async () => {
    const bare = await fetch(`${server.url}/v1/models`);
    expect(bare.status).toBe(401);
    expect(((await bare.json()) as { error: { message: string; code: unknown } }).error).toMatchObject({
      message: expect.stringMatching(/^You didn't provide an API key\. You need to provide your API key in an Authorization header using Bearer auth/),
      code: null,
    });
  });

  it("answers an unknown model 404 model_not_found on both APIs, and an unknown route with Invalid URL", async () => {
    for (const call of [client.responses.create({ model: "gpt-9", input: "hi" }), client.chat.completions.create({ model: "gpt-9", messages: [{ role: "user", content: "hi" }] })]) {
      const err = await errorOf(call);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect((err as InstanceType<typeof OpenAI.NotFoundError>).error).toEqual({
        message: "The model `gpt-9` does not exist or you do not have access to it.",
        type: "invalid_request_error",
        param: null,
        code: "model_not_found",
      });
    }
    const res = await fetch(`${server.url}/v1/foo`, { method: "POST", headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { message: "Invalid URL (POST /v1/foo)", type: "invalid_request_error", param: null, code: null } });
  });

  it("records the organization and project headers, and refuses another organization as OpenAI does", async () => {
    await client.models.list();
    expect(emulator.requests.at(-1)).toMatchObject({ route: "models.list", authOk: true, headers: { "openai-organization": "org-dheera", "openai-project": "proj_1", authorization: "[REDACTED]" } });
    const other = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: KEY, organization: "org-other", maxRetries: 0 });
    const err = await errorOf(other.models.list());
    expect(err).toMatchObject({ status: 401, error: { message: "OpenAI-Organization header should match organization for API key", type: "invalid_request_error", param: null, code: "mismatched_organization" } });
  });

  it("says the engine's rate limit and server error in OpenAI's words, not Azure's", async () => {
    const limited = await errorOf(client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: `hi ${EMULATOR_MAGIC_PHRASES.rateLimit}` }] }));
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).error).toMatchObject({ type: "requests", code: "rate_limit_exceeded", message: expect.stringMatching(/^Rate limit reached for gpt-4o in organization/) });
    const failed = await errorOf(client.responses.create({ model: "gpt-4o", input: `hi ${EMULATOR_MAGIC_PHRASES.serverError}` }));
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError);
    expect((failed as InstanceType<typeof OpenAI.InternalServerError>).error).toEqual({ message: "The server had an error while processing your request. Sorry about that!", type: "server_error", param: null, code: null });
  });

  it("asks for a model in OpenAI's words, and for JSON", async () => {
    const post = (path: string, body: string) => fetch(`${server.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" }, body });
    expect(await (await post("/v1/chat/completions", '{"messages":[]}')).json()).toEqual({ error: { message: "you must provide a model parameter", type: "invalid_request_error", param: null, code: null } });
    expect(await (await post("/v1/responses", '{"input":"hi"}')).json()).toEqual({ error: { message: "Missing required parameter: 'model'.", type: "invalid_request_error", param: "model", code: "missing_required_parameter" } });
    const broken = await post("/v1/responses", "{not json");
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { message: string } }).error.message).toMatch(/^We could not parse the JSON body of your request/);
  });
});

describe("OpenAI emulator: headers", () => {
  it("sends OpenAI's headers, the rate-limit ones counting down on model calls", async () => {
    const first = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }).withResponse();
    const second = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }).withResponse();
    const h = second.response.headers;
    expect(h.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    expect(h.get("x-request-id")).not.toBe(first.response.headers.get("x-request-id"));
    expect(h.get("openai-version")).toBe("2020-10-01");
    expect(Number(h.get("openai-processing-ms"))).toBeGreaterThanOrEqual(0);
    expect([h.get("openai-organization"), h.get("openai-project")]).toEqual(["org-dheera", "proj_1"]);
    for (const name of ["limit-requests", "limit-tokens", "remaining-requests", "remaining-tokens", "reset-requests", "reset-tokens"]) expect(h.get(`x-ratelimit-${name}`)).not.toBeNull();
    expect(Number(h.get("x-ratelimit-remaining-requests"))).toBe(Number(first.response.headers.get("x-ratelimit-remaining-requests")) - 1);
    expect(Number(h.get("x-ratelimit-remaining-tokens"))).toBeLessThan(Number(first.response.headers.get("x-ratelimit-remaining-tokens")));
    const models = await client.models.list().withResponse();
    expect(models.response.headers.get("x-ratelimit-remaining-requests")).toBeNull();
    expect([...h.keys()].some((name) => name.startsWith("x-ms-") || name === "apim-request-id")).toBe(false);
  });
});
