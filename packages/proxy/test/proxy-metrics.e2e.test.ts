import { readFileSync } from "node:fs";
import path from "node:path";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { failFirstTry, startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { parseExposition, total, type Family } from "./helpers/exposition.js";
import { postJson } from "./helpers/sse.js";
import { REFERENCE_COST, REFERENCE_USAGE, auth, referenceReply } from "./helpers/spend.js";
import { MASTER_KEY, PACKAGE_DIR, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/*
 * `GET /metrics` of the real process after a known set of requests, read with a strict parser
 * of the exposition format: counts, token sums and spend match what was sent and answered.
 */

let emu: EmulatorServer;
let broken: EmulatorServer;
const failFirstTryOf = failFirstTry("retry-me");

beforeAll(async () => {
  emu = await startEmulator({ reply: referenceReply }, { fault: failFirstTryOf });
  broken = await startEmulator({}, { fault: () => "http_500" });
});
afterEach(() => killAll());
afterAll(async () => {
  await emu?.close();
  await broken?.close();
});

const models = () =>
  [
    azureModel("gpt-4o", "azure/gpt-4o", emu.url, { model_info_id: "east" }),
    azureModel("gpt-4o", "azure/gpt-4o", emu.url, { model_info_id: "west" }),
    azureModel("bridge", "azure/responses/gpt-4o", emu.url, { model_info_id: "bridge-1" }),
    azureModel("flaky", "azure/gpt-4o", broken.url, { model_info_id: "flaky-1" }),
    azureModel("flaky", "azure/gpt-4o", broken.url, { model_info_id: "flaky-2" }),
  ].join("\n");

async function scrape(proxy: ProxyProcess, headers: Record<string, string> = auth, path = "/metrics"): Promise<{ status: number; type: string | null; families: Map<string, Family> | undefined; text: string }> {
  const res = await fetch(`${proxy.url}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), families: res.status === 200 ? parseExposition(text) : undefined, text };
}

const client = (proxy: ProxyProcess, apiKey = MASTER_KEY) => new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey, maxRetries: 0 });

describe("GET /metrics", () => {
  it("counts requests, tokens, spend, streams' time to first token and retries exactly as they happened", async () => {
    const proxy = await spawnProxy(writeConfig(configYaml(models(), "router_settings:\n  routing_strategy: round-robin\n  allowed_fails: 0\n  cooldown_time: 60\n")));
    const c = client(proxy);
    for (let i = 0; i < 3; i++) await c.responses.create({ model: "gpt-4o", input: `hello ${i}` });
    for (let i = 0; i < 2; i++) {
      const stream = await c.responses.create({ model: "gpt-4o", input: `stream ${i}`, stream: true });
      for await (const event of stream) void event;
    }
    for (let i = 0; i < 2; i++) await c.chat.completions.create({ model: "bridge", messages: [{ role: "user", content: `bridge ${i}` }] });
    const retriedAnswer = await c.responses.create({ model: "gpt-4o", input: "retry-me" }).withResponse();
    expect(retriedAnswer.response.headers.get("x-dheera-attempts")).toBe("2");
    await expect(c.responses.create({ model: "no-such-model", input: "hi" })).rejects.toMatchObject({ status: 400 });
    await expect(client(proxy, "sk-wrong").responses.create({ model: "gpt-4o", input: "hi" })).rejects.toMatchObject({ status: 401 });
    await expect(c.responses.create({ model: "flaky", input: "hi" })).rejects.toMatchObject({ status: 503 });

    const { status, type, families } = await scrape(proxy);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = families!;
    expect(m.get("dheera_requests_total")?.type).toBe("counter");
    // Six gpt-4o calls (3 JSON, 2 streams, 1 retried), two on the bridge, one unknown model, one flaky.
    expect(total(m, "dheera_requests_total", { model_name: "gpt-4o", route: "/responses", status_class: "2xx" })).toBe(6);
    expect(total(m, "dheera_requests_total", { model_name: "bridge", route: "/chat/completions", status_class: "2xx" })).toBe(2);
    expect(total(m, "dheera_requests_total", { model_name: "unknown", status_class: "4xx" })).toBe(1);
    expect(total(m, "dheera_requests_total", { model_name: "flaky", status_class: "5xx" })).toBe(1);
    expect(total(m, "dheera_requests_total")).toBe(10);
    // The 401 never became a model call, but the HTTP counter has it.
    expect(total(m, "dheera_http_requests_total", { route: "/responses", method: "POST", status_class: "4xx" })).toBe(2);

    // Tokens and spend: eight answered calls, each with the reference usage.
    for (const [type, per] of [["input", REFERENCE_USAGE.inputTokens], ["cached_input", REFERENCE_USAGE.cachedTokens], ["output", REFERENCE_USAGE.outputTokens]] as const) {
      expect(total(m, "dheera_tokens_total", { model_name: "gpt-4o", type }), type).toBe(6 * per);
      expect(total(m, "dheera_tokens_total", { model_name: "bridge", type }), type).toBe(2 * per);
    }
    expect(total(m, "dheera_spend_usd_total")).toBeCloseTo(8 * REFERENCE_COST, 10);
    expect(total(m, "dheera_spend_usd_total", { deployment: "bridge-1" })).toBeCloseTo(2 * REFERENCE_COST, 10);

    // Histograms: one observation per call; time to first token for the two streams only.
    expect(total(m, "dheera_request_duration_seconds", { model_name: "gpt-4o", stream: "true" }, "dheera_request_duration_seconds_count")).toBe(2);
    expect(total(m, "dheera_request_duration_seconds", { model_name: "gpt-4o", stream: "false" }, "dheera_request_duration_seconds_count")).toBe(4);
    expect(total(m, "dheera_time_to_first_token_seconds", { model_name: "gpt-4o" }, "dheera_time_to_first_token_seconds_count")).toBe(2);
    expect(total(m, "dheera_time_to_first_token_seconds", {}, "dheera_time_to_first_token_seconds_sum")).toBeGreaterThan(0);
    // Overhead: non-streamed calls answered by their first attempt (3 JSON + 2 bridge).
    expect(total(m, "dheera_overhead_duration_seconds", {}, "dheera_overhead_duration_seconds_count")).toBe(5);

    // The retried call: one retry, one 5xx attempt on gpt-4o; flaky: two failed attempts and cooldowns.
    expect(total(m, "dheera_retries_total", { model_name: "gpt-4o" })).toBe(1);
    expect(total(m, "dheera_deployment_attempts_total", { model_name: "gpt-4o", status_class: "5xx" })).toBe(1);
    expect(total(m, "dheera_deployment_attempts_total", { model_name: "gpt-4o", status_class: "2xx" })).toBe(6);
    expect(total(m, "dheera_deployment_attempts_total", { model_name: "flaky", status_class: "5xx" })).toBe(2);
    expect(total(m, "dheera_deployment_cooldowns_total", { model_name: "flaky", reason: "failures" })).toBe(2);
    expect(total(m, "dheera_deployment_state", { deployment: "flaky-1" })).toBe(2);
    expect(total(m, "dheera_deployment_state", { deployment: "bridge-1" })).toBe(0);

    // The scrape itself is the one request in flight; the process's own metrics are there.
    expect(total(m, "dheera_requests_in_flight")).toBe(1);
    expect(m.has("process_cpu_user_seconds_total")).toBe(true);
    expect(m.has("nodejs_eventloop_lag_p99_seconds")).toBe(true);
  });

  it("needs the master key by default (a trailing slash too), and is open with require_auth_for_metrics_endpoint: false", async () => {
    const guarded = await spawnProxy(writeConfig(configYaml(models())));
    expect((await scrape(guarded, {})).status).toBe(401);
    expect((await scrape(guarded, { authorization: "Bearer sk-wrong" })).status).toBe(401);
    const slash = await scrape(guarded, auth, "/metrics/");
    expect(slash.status).toBe(200);
    expect(slash.families!.has("dheera_requests_total")).toBe(true);
    // Not under /v1: it is not an OpenAI route.
    expect((await scrape(guarded, auth, "/v1/metrics")).status).toBe(404);

    const open = await spawnProxy(writeConfig(configYaml(models(), "dheera_ai_settings:\n  require_auth_for_metrics_endpoint: false\n")));
    expect((await scrape(open, {})).status).toBe(200);
  });

  it("shows virtual keys' refusals, spend and budgets left, and is refused to a virtual key", async () => {
    const proxy = await spawnProxy(writeConfig(configYaml(models(), "  spend_flush_interval_ms: 20\n")));
    const post = async (path: string, body: unknown) => (await (await postJson(`${proxy.url}${path}`, body, auth)).json()) as Record<string, any>;
    await post("/team/new", { team_id: "search", max_budget: 10 });
    const { key } = await post("/key/generate", { key_alias: "search-bot", team_id: "search", max_budget: 1, rpm_limit: 1, models: ["gpt-4o"] });
    const c = client(proxy, key);
    await c.responses.create({ model: "gpt-4o", input: "hi" });
    await expect(c.responses.create({ model: "gpt-4o", input: "again" })).rejects.toMatchObject({ status: 429 });
    await expect(c.responses.create({ model: "bridge", input: "hi" })).rejects.toMatchObject({ status: 403 });
    expect((await scrape(proxy, { authorization: `Bearer ${key}` })).status).toBe(403);

    const m = (await scrape(proxy)).families!;
    expect(total(m, "dheera_limit_rejections_total", { reason: "rpm", scope: "key" })).toBe(1);
    expect(total(m, "dheera_limit_rejections_total", { reason: "model_access", scope: "key" })).toBe(1);
    expect(total(m, "dheera_virtual_key_spend_usd_total", { key_alias: "search-bot", team_id: "search" })).toBeCloseTo(REFERENCE_COST, 10);
    expect(total(m, "dheera_key_budget_remaining_usd", { key_alias: "search-bot", team_id: "search" })).toBeCloseTo(1 - REFERENCE_COST, 10);
    expect(total(m, "dheera_team_budget_remaining_usd", { team_id: "search" })).toBeCloseTo(10 - REFERENCE_COST, 10);
  });

  it("with --num_workers 2, every scrape shows the whole process group", async () => {
    const proxy = await spawnProxy(writeConfig(configYaml(models())), { args: ["--num_workers", "2"], timeoutMs: 20_000 });
    // New connections each time, so both workers take requests.
    const ask = (i: number) => postJson(`${proxy.url}/v1/responses`, { model: "gpt-4o", input: `n ${i}` }, { ...auth, connection: "close" }).then((r) => r.text());
    await Promise.all(Array.from({ length: 20 }, (_, i) => ask(i)));
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${proxy.url}/metrics`, { headers: { ...auth, connection: "close" } });
      const m = parseExposition(await res.text());
      expect(total(m, "dheera_requests_total", { model_name: "gpt-4o" })).toBe(20);
      expect(total(m, "dheera_tokens_total", { type: "output" })).toBe(20 * REFERENCE_USAGE.outputTokens);
    }
  });

  it("ships a Grafana dashboard whose every query names a metric the proxy exports, with the type the query needs", async () => {
    const dashboard = JSON.parse(readFileSync(path.join(PACKAGE_DIR, "dashboards/grafana.json"), "utf8")) as {
      panels: { title: string; targets: { expr: string }[] }[];
      templating: { list: { query?: { query?: string } | string }[] };
    };
    const queries = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: p.title, expr: t.expr }))),
      ...dashboard.templating.list.flatMap((v) => (typeof v.query === "object" && v.query.query ? [{ where: "variable", expr: v.query.query }] : [])),
    ];
    expect(queries.length).toBeGreaterThan(15);
    const proxy = await spawnProxy(writeConfig(configYaml(models())));
    const m = (await scrape(proxy)).families!;
    const named = new Set<string>();
    for (const { where, expr } of queries) {
      const names = expr.match(/\bdheera_[a-z0-9_]+/g) ?? [];
      expect(names.length, where).toBeGreaterThan(0);
      for (const name of names) {
        named.add(name);
        const histogram = /_(bucket|sum|count)$/.exec(name);
        const family = m.get(name) ?? (histogram ? m.get(name.slice(0, -histogram[0].length)) : undefined);
        expect(family, `${where}: ${name}`).toBeDefined();
        if (histogram) expect(family!.type, `${where}: ${name}`).toBe("histogram");
        // rate() and increase() belong to counters and histograms, never to gauges.
        if (new RegExp(`(rate|increase)\\(${name}\\b`).test(expr)) expect(family!.type, `${where}: ${name}`).not.toBe("gauge");
      }
    }
    // Every dheera_ metric is on the dashboard.
    const exported = [...m.keys()].filter((n) => n.startsWith("dheera_"));
    for (const name of exported) expect([...named].some((q) => q === name || q.startsWith(`${name}_`)), name).toBe(true);
  });
});
