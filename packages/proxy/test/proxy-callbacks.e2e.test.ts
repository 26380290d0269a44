import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loggingPayloadSchema, type LoggingPayload } from "@dheera/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { postJson } from "./helpers/sse.js";
import { REFERENCE_COST, auth, referenceReply, waitFor } from "./helpers/spend.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig } from "./helpers/spawn-proxy.js";

/*
 * dheera_ai_settings.callbacks through the real process: the standard logging payload (core's
 * schema, the SDK's shape) as JSON lines on stdout and POSTed to a webhook that fails once.
 */

interface Receiver {
  url: string;
  attempts: { status: number; payloads: LoggingPayload[]; headers: Record<string, string | string[] | undefined> }[];
  /** Payloads of the accepted POSTs. */
  received(): LoggingPayload[];
  close(): Promise<void>;
}

/** A loopback webhook receiver that answers 500 to its first `failFirst` POSTs, then 200. */
async function startReceiver(failFirst = 1): Promise<Receiver> {
  const attempts: Receiver["attempts"] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = attempts.length < failFirst ? 500 : 200;
      attempts.push({ status, payloads: JSON.parse(Buffer.concat(chunks).toString("utf8")) as LoggingPayload[], headers: req.headers });
      res.writeHead(status, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    attempts,
    received: () => attempts.filter((a) => a.status === 200).flatMap((a) => a.payloads),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

let emu: EmulatorServer;
const receivers: Receiver[] = [];

beforeAll(async () => {
  emu = await startEmulator({ reply: referenceReply });
});

afterEach(async () => {
  await killAll();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

afterAll(async () => {
  await emu?.close();
});

const models = () => [azureModel("gpt-4o", "azure/gpt-4o", emu.url), azureModel("bridge", "azure/responses/gpt-4o", emu.url)].join("\n");
const keyHash = createHash("sha256").update(MASTER_KEY).digest("hex").slice(0, 16);

function configWith(callbacks: string): string {
  return writeConfig(configYaml(models(), `  spend_db_path: ':memory:'\ndheera_ai_settings:\n  callbacks:\n${callbacks}`));
}

async function call(url: string, path: string, body: unknown, id: string): Promise<number> {
  const res = await postJson(`${url}${path}`, body, { ...auth, "x-request-id": id });
  await res.text();
  return res.status;
}

describe("webhook callback", () => {
  it("POSTs the standard payloads of successes and failures, retrying after a 500", async () => {
    const hook = await startReceiver(1);
    receivers.push(hook);
    const proxy = await spawnProxy(
      configWith(`    - type: webhook\n      url: ${hook.url}\n      headers:\n        X-Hook-Token: hook-secret-123456\n      batch_size: 10\n      flush_interval_ms: 100\n`),
    );
    expect(await call(proxy.url, "/v1/responses", { model: "gpt-4o", input: "hi" }, "hook-responses-json")).toBe(200);
    expect(await call(proxy.url, "/v1/chat/completions", { model: "bridge", messages: [{ role: "user", content: "hi" }], stream: true }, "hook-bridge-stream")).toBe(200);
    expect(await call(proxy.url, "/v1/responses", { model: "gpt-4o", input: "[[rate_limit]]" }, "hook-rate-limited")).toBe(429);

    const payloads = await waitFor(() => (hook.received().length >= 3 ? hook.received() : undefined), 5000, "3 delivered payloads");
    // The first POST failed with 500 and was retried with the same payloads.
    expect(hook.attempts[0]!.status).toBe(500);
    expect(hook.attempts[1]!.payloads.map((p) => p.id)).toEqual(hook.attempts[0]!.payloads.map((p) => p.id));
    expect(hook.attempts[0]!.headers["x-hook-token"]).toBe("hook-secret-123456");
    expect(hook.attempts[0]!.headers["content-type"]).toBe("application/json");

    for (const p of payloads) expect(loggingPayloadSchema.parse(p)).toEqual(p);
    const byId = new Map(payloads.map((p) => [p.id, p]));
    const json = byId.get("hook-responses-json")!;
    expect(json).toMatchObject({
      call_type: "responses",
      model: "gpt-4o",
      provider: "azure",
      deployment: "gpt-4o",
      api_base: emu.url,
      stream: false,
      status: "success",
      error: null,
      time_to_first_token_ms: null,
      usage: { input_tokens: 1000, cached_input_tokens: 200, output_tokens: 500 },
      metadata: { request_id: "hook-responses-json", model_name: "gpt-4o", api_key_hash: keyHash },
    });
    expect(json.cost).toBeCloseTo(REFERENCE_COST, 12);
    expect(json.response_id).toMatch(/^resp_/);
    const stream = byId.get("hook-bridge-stream")!;
    expect(stream).toMatchObject({ call_type: "chat", model: "bridge", stream: true, status: "success" });
    expect(stream.time_to_first_token_ms).toBeGreaterThanOrEqual(0);
    expect(stream.cost).toBeCloseTo(REFERENCE_COST, 12);
    expect(byId.get("hook-rate-limited")).toMatchObject({ status: "failure", cost: null, usage: null, error: { status: 429, type: "rate_limit_error" } });
    // Nothing secret rides along.
    const text = JSON.stringify(hook.attempts);
    for (const secret of [MASTER_KEY, "test-azure-key"]) expect(text).not.toContain(secret);
    expect(proxy.logs().find((l) => l.msg === "logging webhook failed; will retry")).toMatchObject({ status: 500, attempt: 1 });
  });

  it("sends what is still queued when the proxy gets SIGTERM", async () => {
    const hook = await startReceiver(0);
    receivers.push(hook);
    // A flush interval far beyond the test: only the shutdown drain sends these.
    const proxy = await spawnProxy(configWith(`    - type: webhook\n      url: ${hook.url}\n      flush_interval_ms: 60000\n`));
    for (let i = 0; i < 3; i++) expect(await call(proxy.url, "/v1/responses", { model: "gpt-4o", input: "hi" }, `hook-drain-${i}-x`)).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(hook.attempts).toHaveLength(0);
    proxy.child.kill("SIGTERM");
    expect((await proxy.exited).code).toBe(0);
    expect(hook.received().map((p) => p.id).sort()).toEqual(["hook-drain-0-x", "hook-drain-1-x", "hook-drain-2-x"]);
  });
});

describe("stdout callback", () => {
  it("prints one JSON line per request: the standard payload, JSON and streams, successes and failures", async () => {
    const proxy = await spawnProxy(configWith("    - type: stdout\n"));
    const cases: [string, string, unknown, number][] = [
      ["out-chat-json", "/v1/chat/completions", { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }, 200],
      ["out-responses-stream", "/v1/responses", { model: "gpt-4o", input: "hi", stream: true }, 200],
      ["out-unknown-model", "/v1/responses", { model: "nope", input: "hi" }, 400],
    ];
    for (const [id, path, body, status] of cases) expect(await call(proxy.url, path, body, id)).toBe(status);
    const lines = await waitFor(() => {
      const found = proxy.logs().filter((l) => typeof l.call_type === "string");
      return found.length >= cases.length ? found : undefined;
    }, 3000, "3 payload lines");
    const payloads = lines.map((l) => loggingPayloadSchema.parse(l));
    expect(payloads.map((p) => [p.id, p.call_type, p.stream, p.status])).toEqual([
      ["out-chat-json", "chat", false, "success"],
      ["out-responses-stream", "responses", true, "success"],
      ["out-unknown-model", "responses", false, "failure"],
    ]);
    expect(payloads[1]!.cost).toBeCloseTo(REFERENCE_COST, 12);
    expect(payloads[2]).toMatchObject({ model: "nope", provider: null, deployment: null, cost: null, error: { status: 400, code: "model_not_found" } });
    // Each payload is a line of its own, beside (never inside) the request log lines.
    expect(proxy.stdout().split("\n").filter((l) => l.includes('"call_type"'))).toHaveLength(3);
  });
});

describe("callbacks config", () => {
  it("rejects an unknown callback type and a misspelt key, naming them", async () => {
    const bad = await spawnProxy(configWith("    - type: datadog\n    - type: webhook\n      url: http://127.0.0.1:9/x\n      batchsize: 3\n"), { expectExit: true });
    expect((await bad.exited).code).toBe(1);
    expect(bad.stderr()).toMatch(/callbacks\[0\]\.type: type must be "stdout", "webhook" or "otel"/);
    expect(bad.stderr()).toMatch(/callbacks\[1\]\.batchsize: unknown key/);
  });
});
