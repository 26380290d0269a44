import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { failFirstTry, startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./helpers/otlp-receiver.js";
import { REFERENCE_USAGE, referenceReply, waitFor } from "./helpers/spend.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/*
 * OpenTelemetry through the real process: spans exported over OTLP/HTTP to a receiver on
 * loopback, a client's traceparent continued, the upstream handed the attempt's traceparent.
 */

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

let emu: EmulatorServer;
let otlp: OtlpReceiver;
const failFirstTryOf = failFirstTry("retry-me");

beforeAll(async () => {
  emu = await startEmulator({ reply: referenceReply }, { fault: failFirstTryOf });
  otlp = await startOtlpReceiver();
});
afterEach(() => killAll());
afterAll(async () => {
  await emu?.close();
  await otlp?.close();
});

const config = () =>
  configYaml([azureModel("gpt-4o", "azure/gpt-4o", emu.url, { model_info_id: "east" }), azureModel("gpt-4o", "azure/gpt-4o", emu.url, { model_info_id: "west" })].join("\n"), "router_settings:\n  routing_strategy: round-robin\n");

/** The standard variables (JSON, so the receiver can read the spans), and a short batch delay so spans arrive within the test. */
const otelEnv = () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_BSP_SCHEDULE_DELAY: "50", OTEL_SERVICE_NAME: "gateway-under-test" });

const hex = (bytes: number) => Array.from({ length: bytes }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, "0")).join("");

function spansOf(traceId: string, count: number): Promise<ReceivedSpan[]> {
  return waitFor(() => {
    const spans = otlp.spans.filter((s) => s.traceId === traceId);
    return spans.length >= count ? spans : undefined;
  }, 5000, `${count} spans of trace ${traceId}`);
}

describe("OpenTelemetry traces", () => {
  it("continues the client's trace: a server span for the streamed request, a client span for the upstream call that lasts the stream", async () => {
    const proxy: ProxyProcess = await spawnProxy(writeConfig(config()), { env: otelEnv() });
    const traceId = hex(16);
    const clientSpan = hex(8);
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 });
    const sent = Date.now();
    const stream = await client.responses.create({ model: "gpt-4o", input: "trace me", stream: true }, { headers: { traceparent: `00-${traceId}-${clientSpan}-01` } });
    let responseId = "";
    for await (const event of stream) if (event.type === "response.completed") responseId = event.response.id;

    const spans = await spansOf(traceId, 2);
    const server = spans.find((s) => s.kind === SERVER)!;
    const upstream = spans.find((s) => s.kind === CLIENT)!;
    expect(server).toMatchObject({ parentSpanId: clientSpan, name: "POST /responses", status: 0 });
    expect(server.resource).toMatchObject({ "service.name": "gateway-under-test" });
    expect(server.attributes).toMatchObject({
      "http.request.method": "POST",
      "http.route": "/responses",
      "http.response.status_code": 200,
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.response.id": responseId,
      "gen_ai.system": "azure.ai.openai",
      "gen_ai.usage.input_tokens": REFERENCE_USAGE.inputTokens,
      "gen_ai.usage.output_tokens": REFERENCE_USAGE.outputTokens,
      "dheera.stream": true,
    });
    expect(upstream).toMatchObject({ parentSpanId: server.spanId, name: "chat gpt-4o", status: 0 });
    expect(upstream.attributes).toMatchObject({
      "gen_ai.system": "azure.ai.openai",
      "gen_ai.provider.name": "azure.ai.openai",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.response.id": responseId,
      "gen_ai.usage.output_tokens": REFERENCE_USAGE.outputTokens,
      "server.address": "127.0.0.1",
      "http.response.status_code": 200,
      "dheera.attempt": 1,
    });
    // Timing: the upstream span sits inside the server span, which sits inside the client's wait.
    expect(upstream.startNs).toBeGreaterThanOrEqual(server.startNs);
    expect(upstream.endNs).toBeLessThanOrEqual(server.endNs);
    expect(Number(server.startNs / 1_000_000n)).toBeGreaterThanOrEqual(sent - 50);
    expect(upstream.endNs - upstream.startNs).toBeGreaterThan(0n);

    // The upstream was asked with the client span's own traceparent.
    const asked = emu.emulator.requests.find((r) => JSON.stringify(r.body).includes("trace me"))!;
    expect(asked.headers.traceparent).toBe(`00-${traceId}-${upstream.spanId}-01`);
  });

  it("shows a retry: two upstream spans, the first failed with its status, and a retry event on the server span", async () => {
    const proxy = await spawnProxy(writeConfig(config()), { env: otelEnv() });
    const traceId = hex(16);
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 });
    await client.responses.create({ model: "gpt-4o", input: "retry-me please" }, { headers: { traceparent: `00-${traceId}-${hex(8)}-01` } });

    const spans = await spansOf(traceId, 3);
    const server = spans.find((s) => s.kind === SERVER)!;
    const attempts = spans.filter((s) => s.kind === CLIENT).sort((a, b) => Number(a.startNs - b.startNs));
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({ status: ERROR, attributes: expect.objectContaining({ "http.response.status_code": 500, "dheera.attempt": 1 }) });
    expect(attempts[1]).toMatchObject({ status: 0, attributes: expect.objectContaining({ "http.response.status_code": 200, "dheera.attempt": 2 }) });
    expect(attempts[0]!.attributes["dheera.deployment_id"]).not.toBe(attempts[1]!.attributes["dheera.deployment_id"]);
    expect(server.events).toContainEqual({ name: "dheera.retry", attributes: { "dheera.attempt": 2, "dheera.deployment_id": attempts[1]!.attributes["dheera.deployment_id"], "dheera.previous_status": 500 } });
    expect(server.attributes["dheera.attempts"]).toBe(2);
  });

  it("keeps a sampled-out trace whole: nothing exported, the upstream still gets the client's trace id", async () => {
    const proxy = await spawnProxy(writeConfig(config()), { env: { ...otelEnv(), OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0" } });
    const traceId = hex(16);
    const before = otlp.spans.length;
    await new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 }).responses.create({ model: "gpt-4o", input: "sampled out" }, { headers: { traceparent: `00-${traceId}-${hex(8)}-00` } });
    const asked = emu.emulator.requests.find((r) => JSON.stringify(r.body).includes("sampled out"))!;
    expect(asked.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    await new Promise((r) => setTimeout(r, 300));
    expect(otlp.spans.slice(before).filter((s) => s.traceId === traceId)).toEqual([]);
  });

  it("sends OTLP's default encoding, protobuf, when no protocol is named", async () => {
    const { OTEL_EXPORTER_OTLP_PROTOCOL: _json, ...env } = otelEnv();
    const proxy = await spawnProxy(writeConfig(config()), { env });
    const traceId = hex(16);
    await new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 }).responses.create({ model: "gpt-4o", input: "protobuf" }, { headers: { traceparent: `00-${traceId}-${hex(8)}-01` } });
    // The trace id travels as 16 raw bytes in the protobuf body.
    const post = await waitFor(() => otlp.posts.find((p) => p.body.includes(Buffer.from(traceId, "hex"))), 5000, "a protobuf export of the trace");
    expect(post.path).toBe("/v1/traces");
    expect(post.headers["content-type"]).toBe("application/x-protobuf");
  });

  it("starts a new trace without a traceparent, marks a failed request as an error, and exports nothing without OTLP settings", async () => {
    const proxy = await spawnProxy(writeConfig(config()), { env: otelEnv() });
    const before = otlp.spans.length;
    const res = await fetch(`${proxy.url}/v1/responses`, { method: "POST", headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" }, body: JSON.stringify({ model: "nope", input: "x" }) });
    expect(res.status).toBe(400);
    const span = await waitFor(() => otlp.spans.slice(before).find((s) => s.kind === SERVER && s.attributes["http.response.status_code"] === 400), 5000, "the 400's span");
    // A client error is not the server's: no error status.
    expect(span).toMatchObject({ parentSpanId: "", status: 0, name: "POST /responses" });

    await proxy.stop();
    const quiet = await spawnProxy(writeConfig(config()));
    const count = otlp.posts.length;
    await new OpenAI({ baseURL: `${quiet.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 }).responses.create({ model: "gpt-4o", input: "untraced" });
    await new Promise((r) => setTimeout(r, 300));
    expect(otlp.posts.length).toBe(count);
    const asked = emu.emulator.requests.find((r) => JSON.stringify(r.body).includes("untraced"))!;
    expect(asked.headers.traceparent).toBeUndefined();
  });
});
