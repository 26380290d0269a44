import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeResponseId } from "@dheera/core";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { parseSse, postJson } from "./helpers/sse.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/*
 * The Responses API through the real `dheera_ai` process, driven by the official openai client,
 * against two emulated Azure resources (so routing back to the right one is observable: a
 * response stored on one resource does not exist on the other).
 */

let a: EmulatorServer;
let b: EmulatorServer;
let proxy: ProxyProcess;
let second: ProxyProcess;
let client: OpenAI;
let clientV1: OpenAI;
const auth = { authorization: `Bearer ${MASTER_KEY}` };

beforeAll(async () => {
  [a, b] = await Promise.all([startEmulator(), startEmulator()]);
  const config = writeConfig(
    configYaml(
      [
        azureModel("o1-pro", "azure/o1-pro", a.url),
        azureModel("codex-mini", "azure/codex-mini", a.url, { api_version: "preview" }),
        azureModel("alpha", "azure/gpt-4o", a.url),
        azureModel("beta", "azure/gpt-4.1", b.url),
        // one model_name, two resources: load-balanced
        azureModel("group", "azure/gpt-4o", a.url),
        azureModel("group", "azure/gpt-4o", b.url),
      ].join("\n"),
    ),
  );
  // Two processes with the same config: ids issued by one are served by the other.
  [proxy, second] = await Promise.all([spawnProxy(config), spawnProxy(config)]);
  client = new OpenAI({ baseURL: proxy.url, apiKey: MASTER_KEY, maxRetries: 0 });
  clientV1 = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: MASTER_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await killAll();
  await Promise.all([a?.close(), b?.close()]);
});

describe("POST /responses (JSON)", () => {
  it("creates a response with the official client, at /responses and /v1/responses", async () => {
    for (const c of [client, clientV1]) {
      const { data, response } = await c.responses
        .create({ model: "o1-pro", input: "Tell me a three sentence bedtime story about a unicorn." })
        .withResponse();
      expect(data.object).toBe("response");
      expect(data.status).toBe("completed");
      expect(data.output_text.length).toBeGreaterThan(20);
      expect(data.usage?.total_tokens).toBeGreaterThan(0);
      expect(data.id).toMatch(/^resp_[A-Za-z0-9_-]+$/);
      expect(response.headers.get("x-request-id")).toMatch(/^req_/);
      expect(response.headers.get("content-type")).toBe("application/json");
    }
    const paths = a.emulator.requests.map((r) => `${r.method} ${r.path} ${r.query["api-version"]}`);
    expect(paths).toContain("POST /openai/responses 2025-04-01-preview");
  });

  it("sends the deployment name upstream and passes unknown parameters through", async () => {
    a.emulator.reset();
    await client.responses.create({ model: "alpha", input: "hi", max_output_tokens: 50, metadata: { k: "v" } });
    const sent = a.emulator.requests.at(-1)!.body as Record<string, unknown>;
    expect(sent).toMatchObject({ model: "gpt-4o", input: "hi", max_output_tokens: 50, metadata: { k: "v" } });
  });

  it('routes api_version "preview" (codex) to /openai/v1/responses', async () => {
    a.emulator.reset();
    const response = await client.responses.create({ model: "codex-mini", input: "Write hello world in Python." });
    expect(response.status).toBe("completed");
    const seen = a.emulator.requests.at(-1)!;
    expect(seen.path).toBe("/openai/v1/responses");
    expect(seen.query["api-version"]).toBe("preview");
    const streamed = await client.responses.stream({ model: "codex-mini", input: "again" }).finalResponse();
    expect(streamed.status).toBe("completed");
    expect(a.emulator.requests.at(-1)!.path).toBe("/openai/v1/responses");
  });
});

describe("POST /responses (stream)", () => {
  it("forwards the upstream events in order, with event: lines, sequence numbers and routable ids", async () => {
    const body = { model: "o1-pro", input: "Tell me a story", stream: true };
    const res = await postJson(`${proxy.url}/v1/responses`, body, auth);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    const events = parseSse(await res.text());

    // The same request straight to the emulator: the proxy must not add, drop or reorder events.
    const direct = await postJson(`${a.url}/openai/responses?api-version=2025-04-01-preview`, { ...body, model: "o1-pro" }, { "api-key": "test-azure-key" });
    const upstreamTypes = parseSse(await direct.text()).map((e) => e.event);
    expect(events.map((e) => e.event)).toEqual(upstreamTypes);
    expect(events.at(-1)!.event).toBe("response.completed");
    expect(events.some((e) => e.data === "[DONE]")).toBe(false);

    const payloads = events.map((e) => JSON.parse(e.data) as { type: string; sequence_number: number; response?: { id: string } });
    payloads.forEach((p, i) => {
      expect(p.type).toBe(events[i]!.event);
      expect(p.sequence_number).toBe(i);
    });
    const ids = new Set(payloads.filter((p) => p.response).map((p) => p.response!.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect(decodeResponseId(id!)?.upstreamId).toMatch(/^resp_[0-9a-f]+$/);
    // and the id works on the id routes
    expect((await client.responses.retrieve(id!)).id).toBe(id);
  });

  it("works with client.responses.stream(...).finalResponse() and the raw async iterator", async () => {
    const stream = client.responses.stream({ model: "alpha", input: "Tell me a three sentence bedtime story about a unicorn." });
    const deltas: string[] = [];
    stream.on("response.output_text.delta", (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(final.status).toBe("completed");
    expect(deltas.join("")).toBe(final.output_text);
    expect(final.usage?.output_tokens).toBeGreaterThan(0);

    const raw = await clientV1.responses.create({ model: "beta", input: "hello", stream: true });
    const types: string[] = [];
    for await (const event of raw) types.push(event.type);
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
  });
});

describe("id routes", () => {
  it("retrieves, lists input items and deletes a response through the deployment that created it", async () => {
    const created = await client.responses.create({ model: "beta", input: "remember me" });
    // beta lives on resource B only: retrieving it anywhere else would be a 404
    const got = await client.responses.retrieve(created.id);
    expect(got.id).toBe(created.id);
    expect(got.output_text).toBe(created.output_text);
    expect(b.emulator.requests.at(-1)!.path).toMatch(/^\/openai\/responses\/resp_[0-9a-f]+$/);

    const items = await client.responses.inputItems.list(created.id);
    expect(items.data.length).toBeGreaterThan(0);
    expect(JSON.stringify(items.data)).toContain("remember me");

    await clientV1.responses.delete(created.id);
    expect(b.emulator.requests.at(-1)).toMatchObject({ method: "DELETE", status: 200 });
    await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it("answers the delete with the same routable id", async () => {
    const created = await client.responses.create({ model: "alpha", input: "x" });
    const res = await fetch(`${proxy.url}/v1/responses/${created.id}`, { method: "DELETE", headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: created.id, deleted: true });
  });

  it("cancels a background response on its deployment", async () => {
    let cancelled: OpenAI.Responses.Response | undefined;
    // The emulator finishes background runs after 50 ms, so a cancel can lose the race; retry.
    for (let i = 0; i < 5 && !cancelled; i++) {
      const created = await client.responses.create({ model: "beta", input: "long job", background: true });
      expect(["queued", "in_progress"]).toContain(created.status);
      try {
        cancelled = await client.responses.cancel(created.id);
        expect(cancelled.id).toBe(created.id);
      } catch (err) {
        expect(err).toMatchObject({ status: 400, message: expect.stringContaining("Cannot cancel a response with status 'completed'") });
      }
    }
    expect(cancelled?.status).toBe("cancelled");
    expect(b.emulator.requests.at(-1)!.path).toMatch(/\/cancel$/);
  });

  it("serves ids issued by another proxy process with the same config", async () => {
    const other = new OpenAI({ baseURL: second.url, apiKey: MASTER_KEY, maxRetries: 0 });
    const created = await client.responses.create({ model: "beta", input: "cross process" });
    const got = await other.responses.retrieve(created.id);
    expect(got.id).toBe(created.id);
    const items = await other.responses.inputItems.list(created.id);
    expect(JSON.stringify(items.data)).toContain("cross process");
    await other.responses.delete(created.id);
    await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it("keeps previous_response_id conversations on the deployment that holds them, across a load-balanced group", async () => {
    for (let i = 0; i < 4; i++) {
      const first = await client.responses.create({ model: "group", input: `turn one ${i}` });
      // group spreads over A and B; the follow-up must land where `first` is stored
      const next = await client.responses.create({ model: "group", input: "turn two", previous_response_id: first.id });
      expect(next.status).toBe("completed");
      expect(next.previous_response_id).toBe(first.id);
      const streamed = await client.responses.stream({ model: "group", input: "turn three", previous_response_id: next.id }).finalResponse();
      expect(streamed.previous_response_id).toBe(next.id);
    }
    const creates = (e: EmulatorServer) => e.emulator.requests.filter((r) => r.path === "/openai/responses" && r.method === "POST").length;
    expect(creates(a)).toBeGreaterThan(0);
    expect(creates(b)).toBeGreaterThan(0);
  });

  it("answers 404 for an id it did not issue", async () => {
    await expect(client.responses.retrieve("resp_68ac2a4a5c1c8190b1b8bd3d2a3b1ee2")).rejects.toMatchObject({
      status: 404,
      error: { code: "response_not_found" },
    });
  });
});
