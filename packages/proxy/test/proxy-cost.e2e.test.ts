import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { postJson } from "./helpers/sse.js";
import { REFERENCE_COST, auth, referenceReply, requestLine, withModelInfo } from "./helpers/spend.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";
import { DEFAULT_EMULATOR_DEPLOYMENTS } from "@dheera/azure/testing";

/*
 * Cost through the real process: the deployment's price (Azure table, model_info.base_model or
 * model_info prices) times the usage of the answer. JSON answers carry x-dheera-response-cost;
 * every request log line has `cost` (null when unknown, never a made-up 0).
 */

let emu: EmulatorServer;
let proxy: ProxyProcess;
let client: OpenAI;

beforeAll(async () => {
  emu = await startEmulator({
    reply: referenceReply,
    deployments: { ...DEFAULT_EMULATOR_DEPLOYMENTS, "mystery-dep": { model: "gpt-4o" } },
  });
  const file = writeConfig(
    configYaml(
      [
        azureModel("gpt-4o", "azure/gpt-4o", emu.url),
        // the bridge, under a custom deployment name mapped to gpt-4o's price
        withModelInfo(azureModel("bridge", "azure/responses/my-custom-o1-pro", emu.url), { base_model: "gpt-4o" }),
        // prices set in the config: 1e-6 in, 5e-7 cached, 2e-6 out
        withModelInfo(azureModel("own-price", "azure/mystery-dep", emu.url), {
          input_cost_per_token: 1e-6,
          cache_read_input_token_cost: 5e-7,
          output_cost_per_token: 2e-6,
        }),
        azureModel("unpriced", "azure/mystery-dep", emu.url),
      ].join("\n"),
    ),
  );
  proxy = await spawnProxy(file);
  client = new OpenAI({ baseURL: proxy.url, apiKey: MASTER_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await killAll();
  await emu?.close();
});

const OWN_PRICE_COST = 800 * 1e-6 + 200 * 5e-7 + 500 * 2e-6;

describe("x-dheera-response-cost and the log line's cost", () => {
  it.each([
    ["Responses", "/v1/responses", { model: "gpt-4o", input: "hi" }, REFERENCE_COST],
    ["native Chat", "/v1/chat/completions", { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }, REFERENCE_COST],
    ["the bridge, priced through model_info.base_model", "/v1/chat/completions", { model: "bridge", messages: [{ role: "user", content: "hi" }] }, REFERENCE_COST],
    ["model_info prices", "/v1/responses", { model: "own-price", input: "hi" }, OWN_PRICE_COST],
  ])("prices %s JSON (1000 in, 200 cached, 500 out)", async (_label, path, body, expected) => {
    const res = await postJson(`${proxy.url}${path}`, body, auth);
    expect(res.status).toBe(200);
    const json = (await res.json()) as { usage: Record<string, unknown> };
    expect(json.usage).toBeDefined();
    expect(Number(res.headers.get("x-dheera-response-cost"))).toBeCloseTo(expected, 12);
    const line = await requestLine(proxy.logs, res.headers.get("x-request-id")!);
    expect(line.cost).toBeCloseTo(expected, 12);
    expect(line.usage).toMatchObject({ input_tokens: 1000, cached_input_tokens: 200, output_tokens: 500 });
  });

  it("reads the cost from the openai client's raw response too", async () => {
    const { response } = await client.responses.create({ model: "gpt-4o", input: "hi" }).withResponse();
    expect(response.headers.get("x-dheera-response-cost")).toBe(String(REFERENCE_COST));
  });

  it("omits the header and logs cost null for a deployment without a price, after a warning naming it", async () => {
    const res = await postJson(`${proxy.url}/v1/responses`, { model: "unpriced", input: "hi" }, auth);
    expect(res.status).toBe(200);
    expect(res.headers.has("x-dheera-response-cost")).toBe(false);
    const line = await requestLine(proxy.logs, res.headers.get("x-request-id")!);
    expect(line).toHaveProperty("cost", null);
    const warnings = proxy.logs().filter((l) => typeof l.warning === "string" && (l.warning as string).includes('"mystery-dep"'));
    expect(warnings).toHaveLength(1);
  });

  it("has no cost for a failed request (upstream 429)", async () => {
    const res = await postJson(`${proxy.url}/v1/responses`, { model: "gpt-4o", input: "[[rate_limit]]" }, auth);
    expect(res.status).toBe(429);
    expect(res.headers.has("x-dheera-response-cost")).toBe(false);
    expect(await requestLine(proxy.logs, res.headers.get("x-request-id")!)).toMatchObject({ status: 429, cost: null });
  });

  it("costs 0 to retrieve a stored response", async () => {
    const created = await postJson(`${proxy.url}/v1/responses`, { model: "gpt-4o", input: "store me" }, auth);
    const { id } = (await created.json()) as { id: string };
    const res = await fetch(`${proxy.url}/v1/responses/${id}`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-dheera-response-cost")).toBe("0");
  });
});

describe("streams: no header (the cost is not known yet), the cost in the log line", () => {
  it.each([
    ["a Responses stream, from response.completed", "/v1/responses", { model: "gpt-4o", input: "hi", stream: true }],
    [
      "a native Chat stream, from the usage chunk",
      "/v1/chat/completions",
      { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } },
    ],
    ["a bridged Chat stream without include_usage, from the upstream's usage", "/v1/chat/completions", { model: "bridge", messages: [{ role: "user", content: "hi" }], stream: true }],
  ])("prices %s", async (_label, path, body) => {
    const res = await postJson(`${proxy.url}${path}`, body, auth);
    expect(res.status).toBe(200);
    expect(res.headers.has("x-dheera-response-cost")).toBe(false);
    await res.text();
    const line = await requestLine(proxy.logs, res.headers.get("x-request-id")!);
    expect(line).toMatchObject({ stream: true, usage: { input_tokens: 1000, cached_input_tokens: 200, output_tokens: 500 } });
    expect(line.cost).toBeCloseTo(REFERENCE_COST, 12);
  });

  it("logs cost null for a native Chat stream without include_usage (the upstream sends no usage)", async () => {
    const res = await postJson(`${proxy.url}/v1/chat/completions`, { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true }, auth);
    await res.text();
    expect(await requestLine(proxy.logs, res.headers.get("x-request-id")!)).toMatchObject({ stream: true, cost: null });
  });
});
