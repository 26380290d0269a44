import azure from "@dheera/azure";
import type { EmulatorFaultContext, EmulatorReply, EmulatorReplyContext } from "@dheera/azure/testing";
import { decodeResponseId, loggingPayloadSchema } from "@dheera/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callMetadata, ConfigurationError, createDheera, type CreateRouterOptions, type LoggingPayload, type ModelListEntry } from "../src/index.js";
import { startFaultyEmulator, type Fault, type FaultyEmulator } from "./helpers/faulty-emulator.js";

/*
 * createRouter and num_retries end to end: the SDK, the Azure provider and Azure emulators on
 * loopback servers that fail on purpose (each test says how), so every retry, fallback and pin
 * is seen from the emulator that got the request.
 */

const KEY = "test-azure-key";
const API_VERSION = "2025-03-01-preview";

type Plan = (request: EmulatorFaultContext) => Fault | undefined;
/** What each emulator does wrong in the current test; reset after each. */
const faults: Record<string, Plan | undefined> = {};
/** Scripted answers of the `scripted` emulator, one per create request, in order. */
let replies: (EmulatorReply | undefined)[] = [];

let east: FaultyEmulator;
let west: FaultyEmulator;
/** Answers everything (magic phrases too): the model with the larger context window and a laxer filter. */
let roomy: FaultyEmulator;
let scripted: FaultyEmulator;

beforeAll(async () => {
  east = await startFaultyEmulator({}, (e) => faults.east?.(e));
  west = await startFaultyEmulator({}, (e) => faults.west?.(e));
  roomy = await startFaultyEmulator({ reply: () => ({ text: "Answered by the fallback." }) });
  scripted = await startFaultyEmulator({ reply: (ctx: EmulatorReplyContext) => (ctx.request.method === "POST" ? replies.shift() : undefined) }, (e) => faults.scripted?.(e));
});

afterEach(() => {
  for (const key of Object.keys(faults)) delete faults[key];
  replies = [];
  for (const e of [east, west, roomy, scripted]) {
    e.exchanges.length = 0;
    e.emulator.reset();
  }
});

afterAll(async () => {
  await Promise.all([east, west, roomy, scripted].map((e) => e?.close()));
});

const always = (fault: Fault): Plan => () => fault;
/** Faults the create requests only (stored-response calls pass). */
const onCreate = (fault: Fault): Plan => (e) => (e.method === "POST" && e.path.endsWith("/responses") ? fault : e.method === "POST" && e.path.endsWith("/chat/completions") ? fault : undefined);

function deployment(modelName: string, server: FaultyEmulator, id: string, routing: Record<string, unknown> = {}): ModelListEntry {
  return { model_name: modelName, dheera_ai_params: { model: "azure/gpt-4o", api_key: KEY, api_base: server.url, api_version: API_VERSION, ...routing }, model_info: { id } };
}

/** An SDK instance whose callbacks and warnings are recorded. */
function sdk() {
  const payloads: LoggingPayload[] = [];
  const warnings: string[] = [];
  const dheera = createDheera({ providers: [azure], env: {}, warn: (m) => warnings.push(m) });
  dheera.addCallback({ onSuccess: (p) => void payloads.push(p), onFailure: (p) => void payloads.push(p) });
  return { dheera, payloads, warnings };
}

async function router(options: CreateRouterOptions) {
  const { dheera, payloads } = sdk();
  return { router: await dheera.createRouter(options), payloads };
}

/** Callbacks run in a later macrotask: let them. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The deployment a routed response id names. */
const deploymentOf = (id: string) => decodeResponseId(id)?.deploymentKey;

describe("createRouter: retries", () => {
  it("moves a 500 to the other deployment at once, and says where the answer came from", async () => {
    faults.east = always("http_500");
    const { router: r, payloads } = await router({ model_list: [deployment("gpt-4o", east, "east", { order: 1 }), deployment("gpt-4o", west, "west", { order: 2 })] });
    const response = await r.responses({ model: "gpt-4o", input: "Hello" });
    expect(response.status).toBe("completed");
    expect(response.output_text).toContain("Hello");
    expect(callMetadata(response)).toMatchObject({ attempts: 2, deploymentId: "west", fallbackModel: null, provider: "azure", deployment: "gpt-4o", apiBase: west.url, status: 200 });
    expect(east.posts()).toHaveLength(1);
    expect(west.posts()).toHaveLength(1);
    // The id the caller sees names the deployment that holds the response.
    expect(deploymentOf(response.id)).toBe("west");
    expect(decodeResponseId(response.id)!.upstreamId).toMatch(/^resp_/);

    await flush();
    expect(payloads).toHaveLength(1);
    const payload = loggingPayloadSchema.parse(payloads[0]);
    expect(payload).toMatchObject({ status: "success", model: "gpt-4o", deployment: "gpt-4o", api_base: west.url, response_id: response.id });
    expect(payload.attempts).toEqual([
      { deployment: "east", model_name: "gpt-4o", status: 500, error_code: "500", latency_ms: expect.any(Number) },
      { deployment: "west", model_name: "gpt-4o", status: 200, error_code: null, latency_ms: expect.any(Number) },
    ]);
    expect(payload.id).toBe(callMetadata(response)!.id);
  });

  it("retries completion() the same way, and a chat stream too", async () => {
    faults.east = always("http_500");
    const { router: r } = await router({ model_list: [deployment("gpt-4o", east, "east", { order: 1 }), deployment("gpt-4o", west, "west", { order: 2 })] });
    const chat = await r.completion({ model: "gpt-4o", messages: [{ role: "user", content: "Hello" }] });
    expect(chat.choices[0]!.message.content).toContain("Hello");
    expect(callMetadata(chat)).toMatchObject({ attempts: 2, deploymentId: "west" });

    const stream = await r.completion({ model: "gpt-4o", messages: [{ role: "user", content: "Hello" }], stream: true, stream_options: { include_usage: true } });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toContain("Hello");
    expect(callMetadata(stream)).toMatchObject({ attempts: 2, deploymentId: "west", usage: { total_tokens: expect.any(Number) } });
    expect(east.posts()).toHaveLength(2);
    expect(west.posts()).toHaveLength(2);
  });

  it("retries a stream whose upstream resets after the headers but before the first event", async () => {
    faults.east = onCreate("reset_before_first_event");
    const { router: r, payloads } = await router({ model_list: [deployment("gpt-4o", east, "east", { order: 1 }), deployment("gpt-4o", west, "west", { order: 2 })] });
    const stream = await r.responses({ model: "gpt-4o", input: "Tell me about a unicorn.", stream: true });
    expect(callMetadata(stream)).toMatchObject({ attempts: 2, deploymentId: "west" });
    const types: string[] = [];
    let completedId = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.completed") completedId = event.response.id;
    }
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    // The Response inside the events carries the routable id too.
    expect(deploymentOf(completedId)).toBe("west");
    expect(east.exchanges.map((e) => e.fault)).toEqual(["reset_before_first_event"]);
    expect(west.posts()).toHaveLength(1);
    await flush();
    expect(payloads[0]).toMatchObject({ status: "success", stream: true, response_id: completedId, usage: { total_tokens: expect.any(Number) } });
    expect(payloads[0]!.attempts!.map((a) => [a.deployment, a.status])).toEqual([["east", 502], ["west", 200]]);
  });

  it.each(["error_event_first", "flat_error_event_first"] as const)("retries a stream whose first event is an upstream error (%s)", async (fault) => {
    faults.east = onCreate(fault);
    const { router: r } = await router({ model_list: [deployment("gpt-4o", east, "east", { order: 1 }), deployment("gpt-4o", west, "west", { order: 2 })] });
    const stream = await r.responses({ model: "gpt-4o", input: "Hello", stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe("response.completed");
    expect(callMetadata(stream)).toMatchObject({ attempts: 2, deploymentId: "west" });
    expect(east.posts()).toHaveLength(1);
  });

  it("never retries a stream once its first event was handed over", async () => {
    faults.east = onCreate("reset_mid_body");
    const { router: r, payloads } = await router({ model_list: [deployment("gpt-4o", east, "east", { order: 1 }), deployment("gpt-4o", west, "west", { order: 2 })] });
    const stream = await r.responses({ model: "gpt-4o", input: "Tell me about a unicorn.", stream: true });
    const types: string[] = [];
    await expect(async () => {
      for await (const event of stream) types.push(event.type);
    }).rejects.toThrow();
    expect(types).toEqual(["response.created"]);
    expect(east.posts()).toHaveLength(1);
    expect(west.posts()).toHaveLength(0);
    await flush();
    expect(payloads[0]).toMatchObject({ status: "failure", stream: true });
    expect(payloads[0]!.attempts).toHaveLength(1);
  });

  it("stops a routed stream at once when the caller aborts, also when a stream_timeout gave the attempt a signal of its own", async () => {
    // The second event would come a minute later: only an abort reaching the upstream request ends the read.
    const slow = await startFaultyEmulator({ streamDelayMs: 60_000 });
    try {
      const { router: r, payloads } = await router({ model_list: [deployment("gpt-4o", slow, "slow")], router_settings: { stream_timeout: 30 } });
      const controller = new AbortController();
      const stream = await r.responses({ model: "gpt-4o", input: "Hello", stream: true, signal: controller.signal });
      const types: string[] = [];
      const error = await (async () => {
        for await (const event of stream) {
          types.push(event.type);
          controller.abort(new DOMException("The caller left.", "AbortError"));
        }
      })().catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "AbortError" });
      expect(types).toEqual(["response.created"]);
      await flush();
      expect(payloads[0]).toMatchObject({ status: "failure", error: { status: 499, code: "request_aborted" } });
    } finally {
      await slow.close();
    }
  });

  it("answers with the last error, listing every attempt in the failure payload, when every deployment fails", async () => {
    faults.east = always("http_500");
    faults.west = always("http_500");
    const { router: r, payloads } = await router({
      model_list: [deployment("gpt-4o", east, "east"), deployment("gpt-4o", west, "west")],
      router_settings: { num_retries: 1 },
    });
    await expect(r.responses({ model: "gpt-4o", input: "Hello" })).rejects.toMatchObject({ status: 500 });
    await flush();
    const payload = loggingPayloadSchema.parse(payloads[0]);
    expect(payload).toMatchObject({ status: "failure", model: "gpt-4o", error: { status: 500 } });
    expect(payload.attempts!.map((a) => a.status)).toEqual([500, 500]);
    expect(new Set(payload.attempts!.map((a) => a.deployment))).toEqual(new Set(["east", "west"]));
  });
});

describe("num_retries on plain calls", () => {
  const settings = () => ({ model: "azure/gpt-4o", api_key: KEY, api_base: scripted.url, api_version: API_VERSION });
  const rateLimited: EmulatorReply = { error: { status: 429, body: { error: { code: "429", message: "Rate limit reached." } }, headers: { "retry-after": "0" } } };

  it("retries a 429 by the router's rules and reports the attempts; the upstream never sees num_retries", async () => {
    const { dheera, payloads } = sdk();
    replies = [rateLimited, rateLimited];
    const response = await dheera.responses({ ...settings(), input: "Hello", num_retries: 2 });
    expect(response.status).toBe("completed");
    expect(callMetadata(response)).toMatchObject({ attempts: 3, deploymentId: "azure/gpt-4o", fallbackModel: null });
    // Plain calls keep the upstream's ids.
    expect(decodeResponseId(response.id)).toBeUndefined();
    const posts = scripted.posts();
    expect(posts).toHaveLength(3);
    for (const post of posts) expect(post.body).not.toHaveProperty("num_retries");
    await flush();
    expect(payloads[0]!.model).toBe("azure/gpt-4o");
    expect(payloads[0]!.attempts!.map((a) => [a.deployment, a.status])).toEqual([["azure/gpt-4o", 429], ["azure/gpt-4o", 429], ["azure/gpt-4o", 200]]);
  });

  it("stops after num_retries further attempts and answers the last error", async () => {
    const { dheera } = sdk();
    replies = [rateLimited, rateLimited, rateLimited];
    await expect(dheera.responses({ ...settings(), input: "Hello", num_retries: 1 })).rejects.toMatchObject({ status: 429 });
    expect(scripted.posts()).toHaveLength(2);
  });

  it("retries a stream and a chat completion too", async () => {
    const { dheera } = sdk();
    replies = [rateLimited];
    const stream = await dheera.responses({ ...settings(), input: "Hello", stream: true, num_retries: 1 });
    let last = "";
    for await (const event of stream) last = event.type;
    expect(last).toBe("response.completed");
    expect(callMetadata(stream)).toMatchObject({ attempts: 2 });
    replies = [rateLimited];
    const chat = await dheera.completion({ ...settings(), messages: [{ role: "user", content: "Hello" }], num_retries: 1 });
    expect(callMetadata(chat)).toMatchObject({ attempts: 2 });
    expect(scripted.posts()).toHaveLength(4);
  });

  it("retries a stored-response call on its deployment", async () => {
    const { dheera } = sdk();
    const created = await dheera.responses({ ...settings(), input: "keep this" });
    let failed = 0;
    faults.scripted = (e) => (e.method === "GET" && failed++ === 0 ? "http_429" : undefined);
    const got = await dheera.retrieveResponse({ ...settings(), response_id: created.id, num_retries: 1 });
    expect(got.id).toBe(created.id);
    expect(callMetadata(got)).toMatchObject({ attempts: 2, cost: 0 });
    expect(scripted.exchanges.filter((e) => e.method === "GET")).toHaveLength(2);
  });

  it("leaves the plain path as it is without num_retries (or with 0): one attempt, no routing fields", async () => {
    const { dheera, payloads } = sdk();
    replies = [rateLimited];
    await expect(dheera.responses({ ...settings(), input: "Hello" })).rejects.toMatchObject({ status: 429 });
    const response = await dheera.responses({ ...settings(), input: "Hello", num_retries: 0 });
    expect(scripted.posts()).toHaveLength(2);
    expect(callMetadata(response)).not.toHaveProperty("attempts");
    expect(callMetadata(response)).not.toHaveProperty("deploymentId");
    await flush();
    for (const payload of payloads) expect(payload).not.toHaveProperty("attempts");
  });

  it.each([21, -1, 1.5, "2", null])("rejects num_retries %j before any request, naming it", async (value) => {
    const { dheera } = sdk();
    const error = await dheera.responses({ ...settings(), input: "Hello", num_retries: value as number }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ param: "num_retries" });
    expect((error as Error).message).toContain("num_retries");
    expect(scripted.exchanges).toHaveLength(0);
  });
});

describe("createRouter: fallbacks", () => {
  it("tries the fallbacks once a model's deployments are exhausted", async () => {
    faults.east = always("http_500");
    const { router: r, payloads } = await router({
      model_list: [deployment("primary", east, "primary-east"), deployment("backup", roomy, "backup")],
      router_settings: { num_retries: 0, fallbacks: [{ primary: ["backup"] }] },
    });
    const response = await r.responses({ model: "primary", input: "Hello" });
    expect(response.output_text).toBe("Answered by the fallback.");
    expect(callMetadata(response)).toMatchObject({ attempts: 2, deploymentId: "backup", fallbackModel: "backup" });
    await flush();
    expect(payloads[0]).toMatchObject({ model: "primary", status: "success" });
    expect(payloads[0]!.attempts!.map((a) => [a.model_name, a.status])).toEqual([["primary", 500], ["backup", 200]]);
  });

  it("sends a context-length error to context_window_fallbacks, not to the plain fallbacks", async () => {
    const { router: r } = await router({
      model_list: [deployment("gpt-4o", east, "east"), deployment("big", roomy, "big"), deployment("spare", west, "spare")],
      router_settings: { fallbacks: [{ "gpt-4o": ["spare"] }], context_window_fallbacks: [{ "gpt-4o": ["big"] }] },
    });
    const response = await r.responses({ model: "gpt-4o", input: "[[context_length_exceeded]]" });
    expect(response.output_text).toBe("Answered by the fallback.");
    expect(callMetadata(response)).toMatchObject({ attempts: 2, deploymentId: "big", fallbackModel: "big" });
    expect(east.posts()).toHaveLength(1);
    expect(west.posts()).toHaveLength(0);
  });

  it("sends a content-filter refusal to content_policy_fallbacks", async () => {
    const { router: r, payloads } = await router({
      model_list: [deployment("gpt-4o", east, "east"), deployment("safe", roomy, "safe")],
      router_settings: { content_policy_fallbacks: [{ "gpt-4o": ["safe"] }] },
    });
    const response = await r.responses({ model: "gpt-4o", input: "[[content_filter]]" });
    expect(response.output_text).toBe("Answered by the fallback.");
    expect(callMetadata(response)).toMatchObject({ attempts: 2, deploymentId: "safe", fallbackModel: "safe" });
    await flush();
    expect(payloads[0]!.attempts![0]).toMatchObject({ deployment: "east", status: 400, error_code: "content_filter" });
  });

  it("answers a context-length error as it is when there is no context_window_fallback", async () => {
    const { router: r } = await router({ model_list: [deployment("gpt-4o", east, "east"), deployment("spare", west, "spare")], router_settings: { fallbacks: [{ "gpt-4o": ["spare"] }] } });
    await expect(r.responses({ model: "gpt-4o", input: "[[context_length_exceeded]]" })).rejects.toMatchObject({ status: 400, code: "context_length_exceeded" });
    expect(west.posts()).toHaveLength(0);
  });
});

describe("createRouter: response ids", () => {
  const spread = () => router({ model_list: [deployment("gpt-4o", east, "east"), deployment("gpt-4o", west, "west")], router_settings: { routing_strategy: "round-robin" } });
  const served = (server: FaultyEmulator) => server.exchanges.map((e) => `${e.method} ${e.path.replace(/resp_[^/]+/, "{id}")}`);

  it("sends a follow-up (previous_response_id) to the deployment that holds the previous response, as its upstream id", async () => {
    const { router: r } = await spread();
    const first = await r.responses({ model: "gpt-4o", input: "My name is Ada." });
    const holder = deploymentOf(first.id) === "east" ? east : west;
    const other = holder === east ? west : east;
    // Round-robin would send the next request elsewhere; the id pins it.
    const second = await r.responses({ model: "gpt-4o", input: "What is my name?", previous_response_id: first.id });
    expect(deploymentOf(second.id)).toBe(deploymentOf(first.id));
    expect(second.previous_response_id).toBe(first.id);
    expect(holder.posts()).toHaveLength(2);
    expect(holder.posts()[1]!.body).toMatchObject({ previous_response_id: decodeResponseId(first.id)!.upstreamId });
    expect(other.posts()).toHaveLength(0);

    // Streamed, the echoed previous_response_id in the events is the routable one too.
    const stream = await r.responses({ model: "gpt-4o", input: "And again?", previous_response_id: second.id, stream: true });
    const echoed: unknown[] = [];
    for await (const event of stream) {
      if (event.type === "response.created" || event.type === "response.in_progress" || event.type === "response.completed") echoed.push(event.response.previous_response_id);
    }
    expect(echoed).toHaveLength(3);
    expect(new Set(echoed)).toEqual(new Set([second.id]));
    expect(holder.posts()).toHaveLength(3);
    expect(other.posts()).toHaveLength(0);
  });

  it("marks encrypted reasoning with its deployment and sends a replay (store: false) back there, unmarked", async () => {
    const { router: r } = await router({
      model_list: [
        { model_name: "o3", dheera_ai_params: { model: "azure/o3-mini", api_key: KEY, api_base: east.url, api_version: API_VERSION }, model_info: { id: "east" } },
        { model_name: "o3", dheera_ai_params: { model: "azure/o3-mini", api_key: KEY, api_base: west.url, api_version: API_VERSION }, model_info: { id: "west" } },
      ],
      router_settings: { routing_strategy: "round-robin" },
    });
    const turn = { model: "o3", store: false, include: ["reasoning.encrypted_content"] };
    const first = await r.responses({ ...turn, input: [{ role: "user", content: "Hello" }] });
    const reasoning = first.output.find((item) => item.type === "reasoning") as { encrypted_content: string };
    const holder = deploymentOf(first.id) === "east" ? east : west;
    const other = holder === east ? west : east;
    expect(reasoning.encrypted_content).toMatch(/^dh1~/);

    // Streamed, the reasoning item and the final Response carry the mark too.
    const input = [{ role: "user", content: "Hello" }, ...first.output, { role: "user", content: "And again?" }];
    const stream = await r.responses({ ...turn, input, stream: true });
    const marked: string[] = [];
    for await (const event of stream) {
      if (event.type === "response.output_item.done" && event.item.type === "reasoning") marked.push((event.item as { encrypted_content: string }).encrypted_content);
      if (event.type === "response.completed") for (const item of event.response.output) if (item.type === "reasoning") marked.push((item as { encrypted_content: string }).encrypted_content);
    }
    expect(marked).toHaveLength(2);
    for (const content of marked) expect(content.startsWith(reasoning.encrypted_content.slice(0, reasoning.encrypted_content.indexOf("~", 4) + 1))).toBe(true);
    // Round-robin would have sent the second turn elsewhere, where Azure cannot read the reasoning.
    expect(holder.posts()).toHaveLength(2);
    expect(other.posts()).toHaveLength(0);
    const replayed = (holder.posts()[1]!.body!.input as { type?: string; encrypted_content?: string }[]).find((item) => item.type === "reasoning")!;
    expect(replayed.encrypted_content).toBe(reasoning.encrypted_content.slice(reasoning.encrypted_content.indexOf("~", 4) + 1));
    expect(replayed.encrypted_content).toMatch(/^gAAAAA/);
    // The caller's own items are left as they were.
    expect((input[1] as { encrypted_content?: string }).encrypted_content).toBe(reasoning.encrypted_content);
  });

  it("retrieves, lists, cancels and deletes a routed response on its deployment, with routable ids", async () => {
    const { router: r, payloads } = await spread();
    const created = await r.responses({ model: "gpt-4o", input: "keep this" });
    const holder = deploymentOf(created.id) === "east" ? east : west;
    const other = holder === east ? west : east;

    const got = await r.retrieveResponse({ response_id: created.id });
    expect(got.id).toBe(created.id);
    expect(got.output_text).toBe(created.output_text);
    expect(callMetadata(got)).toMatchObject({ attempts: 1, deploymentId: deploymentOf(created.id), cost: 0 });
    const items = await r.listInputItems({ response_id: created.id, limit: 5 });
    expect(items.data.length).toBeGreaterThan(0);
    const deleted = await r.deleteResponse({ response_id: created.id });
    expect(deleted).toMatchObject({ id: created.id, deleted: true });
    await expect(r.retrieveResponse({ response_id: created.id })).rejects.toMatchObject({ status: 404 });

    expect(served(holder)).toEqual(["POST /openai/responses", "GET /openai/responses/{id}", "GET /openai/responses/{id}/input_items", "DELETE /openai/responses/{id}", "GET /openai/responses/{id}"]);
    expect(served(other)).toEqual([]);

    const queued = await r.responses({ model: "gpt-4o", input: "long job", background: true });
    const queuedHolder = deploymentOf(queued.id) === "east" ? east : west;
    const cancelled = await r.cancelResponse({ response_id: queued.id });
    expect(cancelled).toMatchObject({ id: queued.id, status: "cancelled" });
    expect(served(queuedHolder).slice(-2)).toEqual(["POST /openai/responses", "POST /openai/responses/{id}/cancel"]);
    await flush();
    expect(payloads.filter((p) => p.call_type === "responses.retrieve").map((p) => [p.model, p.response_id])).toEqual([["gpt-4o", created.id], ["gpt-4o", null]]);
  });

  it("answers 404 for an id it did not issue, without a request", async () => {
    const { router: r } = await spread();
    await expect(r.retrieveResponse({ response_id: "resp_68ac2a4a5c1c8190b1b8bd3d2a3b1ee2" })).rejects.toMatchObject({ status: 404, code: "response_not_found", param: "response_id" });
    expect(east.exchanges.length + west.exchanges.length).toBe(0);
  });
});

describe("createRouter: config and call errors", () => {
  const sdkOnly = () => sdk().dheera;

  it("lists every problem of the config at its path, values never echoed", async () => {
    const error = await sdkOnly()
      .createRouter({
        model_list: [
          { model_name: "gpt-4o", dheera_ai_params: { model: "azure/gpt-4o", api_key: "sk-secret-value", api_bse: "https://x.openai.azure.com", rpm: 10 } },
          { model_name: "gpt-4o", dheera_ai_params: { model: "azure/gpt-4o", api_key: KEY, api_base: east.url, weight: -1 } },
        ],
        router_settings: { fallbacks: [{ "gpt-4o": ["gpt-5"] }] },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    const lines = message.split("\n");
    expect(lines[0]).toBe("Invalid createRouter options (3 problems):");
    expect(lines[1]).toBe('  model_list[0].dheera_ai_params.api_bse: unknown key (did you mean "api_base"?)');
    expect(lines[2]).toMatch(/^  model_list\[1\]\.dheera_ai_params\.weight: /);
    expect(lines[3]).toBe('  router_settings.fallbacks[0].gpt-4o[0]: "gpt-5" is not a model_name in model_list (they are: gpt-4o)');
    expect(message).not.toContain("sk-secret-value");
    expect(error).toMatchObject({ param: "model_list[0].dheera_ai_params.api_bse", code: "configuration_error" });
  });

  it("checks the shapes first, then the settings and cross-references together", async () => {
    const error = await sdkOnly()
      .createRouter({
        model_list: [
          { model_name: "gpt-4o", dheera_ai_params: { model: "gpt-4o" }, model_info: { id: "a" } },
          { model_name: "mini", dheera_ai_params: { model: "azure/gpt-4o-mini" }, model_info: { id: "a" } },
        ],
        router_settings: { routing_strategy: "fastest" as never, fallbacks: [{ "gpt-4o": ["gpt-5"] }] },
        fallbacks: [],
      } as CreateRouterOptions)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    const lines = (error as Error).message.split("\n").slice(1).map((l) => l.trim());
    expect(lines).toEqual([
      "fallbacks: unknown key (createRouter takes model_list and router_settings)",
      expect.stringMatching(/^model_list\[0\]\.dheera_ai_params\.model: must be <provider>\/<model>/),
      expect.stringMatching(/^router_settings\.routing_strategy: /),
    ]);

    const crossReferences = await sdkOnly()
      .createRouter({
        model_list: [
          { model_name: "gpt-4o", dheera_ai_params: { model: "azure/gpt-4o", api_key: KEY, api_base: east.url }, model_info: { id: "a" } },
          { model_name: "mini", dheera_ai_params: { model: "azure/gpt-4o-mini", api_key: KEY, api_base: east.url }, model_info: { id: "a" } },
        ],
        router_settings: { fallbacks: [{ "gpt-4o": ["gpt-5"] }] },
      })
      .catch((e: unknown) => e);
    expect((crossReferences as Error).message.split("\n").slice(1).map((l) => l.trim())).toEqual([
      'model_list[1].model_info.id: duplicate id "a" (also used by model_list[0])',
      'router_settings.fallbacks[0].gpt-4o[0]: "gpt-5" is not a model_name in model_list (they are: gpt-4o, mini)',
    ]);
    await expect(sdkOnly().createRouter({ model_list: [] })).rejects.toThrow("model_list: needs at least one model");
    await expect(sdkOnly().createRouter(undefined as never)).rejects.toBeInstanceOf(ConfigurationError);
  });

  it("tells a call that passes a deployment setting, num_retries or model_info where they belong, and answers an unknown model_name as OpenAI does", async () => {
    const { router: r } = await router({ model_list: [deployment("gpt-4o", east, "east")] });
    await expect(r.responses({ model: "gpt-4o", input: "Hi", api_key: "other" })).rejects.toMatchObject({ param: "api_key", message: expect.stringContaining("model_list[].dheera_ai_params") });
    await expect(r.responses({ model: "gpt-4o", input: "Hi", api_bsae: "x" })).rejects.toMatchObject({ param: "api_bsae", message: expect.stringContaining("api_base") });
    await expect(r.responses({ model: "gpt-4o", input: "Hi", num_retries: 3 } as never)).rejects.toMatchObject({ param: "num_retries" });
    await expect(r.responses({ model: "gpt-4o", input: "Hi", model_info: { base_model: "gpt-4o" } } as never)).rejects.toMatchObject({ param: "model_info" });
    await expect(r.completion({ model: "gpt-5", messages: [{ role: "user", content: "Hi" }] })).rejects.toMatchObject({ status: 400, code: "model_not_found", param: "model" });
    expect(east.exchanges).toHaveLength(0);
    expect(r.modelNames).toEqual(["gpt-4o"]);
  });
});
