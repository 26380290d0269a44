import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { SKIP_POSTGRES, SKIP_REASON } from "./helpers/postgres.js";
import { postJson } from "./helpers/sse.js";
import { REFERENCE_COST, auth, getJson, referenceReply, requestLine, sqliteRows, waitFor, type RowLike } from "./helpers/spend.js";
import { openTestStore, type Backend, type TestStore } from "./helpers/spend-store.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig } from "./helpers/spawn-proxy.js";

/*
 * The spend store through the real process, against a real SQLite file and a real PostgreSQL
 * server: one row per request, /spend/logs and /spend/summary, migrations. Each test has its own
 * store (a temp file, or a database of its own that is dropped afterwards).
 */

let emu: EmulatorServer;
const stores: TestStore[] = [];
const keyHash = (key: string) => createHash("sha256").update(key).digest("hex").slice(0, 16);

beforeAll(async () => {
  emu = await startEmulator({ reply: referenceReply });
});

afterEach(async () => {
  await killAll();
  await Promise.all(stores.splice(0).map((s) => s.dispose()));
});

afterAll(async () => {
  await emu?.close();
});

async function store(backend: Backend): Promise<TestStore> {
  const s = await openTestStore(backend);
  stores.push(s);
  return s;
}

const models = () => [azureModel("gpt-4o", "azure/gpt-4o", emu.url), azureModel("bridge", "azure/responses/gpt-4o", emu.url)].join("\n");
/** A proxy on the store, with the master key (or, `open`, without: any key is accepted). */
// No retries: the emulator's 429 asks for 2 s, and these tests are about the rows, not the router.
const noRetries = "router_settings:\n  num_retries: 0\n";
const configFor = (s: TestStore, open = false) =>
  writeConfig(open ? `model_list:\n${models()}\ngeneral_settings:\n${s.settings}${noRetries}` : configYaml(models(), `${s.settings}${noRetries}`));

const rowsOf = (s: TestStore, n: number) => waitFor(async () => ((await s.rows()).length >= n ? s.rows() : undefined), 5000, `${n} spend rows`);

describe.each<Backend>(["sqlite", "postgres"])("spend store: %s", (backend) => {
  if (backend === "postgres" && SKIP_POSTGRES) {
    it.skip(SKIP_REASON, () => undefined);
    return;
  }

  it("records one row per request: Responses, Chat and the bridge, JSON and streams, failures", async () => {
    const s = await store(backend);
    const proxy = await spawnProxy(configFor(s));
    const tag = randomBytes(4).toString("hex");
    const chat = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: "user", content: "hi" }], ...extra });
    const cases: [string, string, unknown][] = [
      ["responses-json", "/v1/responses", { model: "gpt-4o", input: "hi" }],
      ["responses-stream", "/v1/responses", { model: "gpt-4o", input: "hi", stream: true }],
      ["chat-json", "/v1/chat/completions", chat("gpt-4o")],
      ["chat-stream", "/v1/chat/completions", chat("gpt-4o", { stream: true, stream_options: { include_usage: true } })],
      ["bridge-json", "/v1/chat/completions", chat("bridge")],
      ["bridge-stream", "/v1/chat/completions", chat("bridge", { stream: true })],
      ["rate-limited", "/v1/responses", { model: "gpt-4o", input: "[[rate_limit]]" }],
      ["rate-limited-stream", "/v1/chat/completions", { model: "bridge", messages: [{ role: "user", content: "[[rate_limit]]" }], stream: true }],
      ["unknown-model", "/v1/responses", { model: "nope", input: "hi" }],
    ];
    const statuses: Record<string, number> = {};
    for (const [name, path, body] of cases) {
      const res = await postJson(`${proxy.url}${path}`, body, { ...auth, "x-request-id": `${name}-${tag}` });
      await res.text();
      statuses[name] = res.status;
    }
    expect(statuses).toMatchObject({ "rate-limited": 429, "rate-limited-stream": 429, "unknown-model": 400, "bridge-stream": 200 });

    const rows = await rowsOf(s, cases.length);
    expect(rows).toHaveLength(cases.length);
    const byName = new Map(rows.map((r) => [r.request_id.replace(`-${tag}`, ""), r]));
    const priced = { input_tokens: 1000, cached_input_tokens: 200, output_tokens: 500, reasoning_tokens: 0, total_tokens: 1500, status: 200, error_code: null };
    const expectRow = (name: string, fields: Partial<RowLike>) => {
      const row = byName.get(name);
      expect(row, name).toBeDefined();
      expect(row, name).toMatchObject(fields);
      return row!;
    };
    for (const [name, callType, stream, deployment, model] of [
      ["responses-json", "responses", false, "azure/gpt-4o#0", "gpt-4o"],
      ["responses-stream", "responses", true, "azure/gpt-4o#0", "gpt-4o"],
      ["chat-json", "chat", false, "azure/gpt-4o#0", "gpt-4o"],
      ["chat-stream", "chat", true, "azure/gpt-4o#0", "gpt-4o"],
      ["bridge-json", "chat", false, "azure/responses/gpt-4o#1", "bridge"],
      ["bridge-stream", "chat", true, "azure/responses/gpt-4o#1", "bridge"],
    ] as const) {
      // gpt-4o's price is OpenAI's list price in the price database (it has no Azure row for it).
      const row = expectRow(name, { ...priced, call_type: callType, stream, deployment, model_name: model, api_key_hash: keyHash(MASTER_KEY), price_source: "genai-prices:openai" });
      expect(row.cost, name).toBeCloseTo(REFERENCE_COST, 12);
      expect(row.latency_ms, name).toBeGreaterThan(0);
    }
    const nothing = { input_tokens: null, output_tokens: null, total_tokens: null, cost: null, price_source: null };
    expectRow("rate-limited", { ...nothing, status: 429, call_type: "responses", stream: false, model_name: "gpt-4o", error_code: "429" });
    expectRow("rate-limited-stream", { ...nothing, status: 429, call_type: "chat", stream: true, model_name: "bridge" });
    expectRow("unknown-model", { ...nothing, status: 400, model_name: "nope", deployment: null, error_code: "model_not_found" });
    // The key itself is nowhere.
    expect(JSON.stringify(rows)).not.toContain(MASTER_KEY);
  });

  it("GET /spend/logs filters by model and date range and limits, newest first", async () => {
    const s = await store(backend);
    const proxy = await spawnProxy(configFor(s));
    for (const model of ["gpt-4o", "bridge", "gpt-4o", "bridge", "gpt-4o"]) {
      const res = await postJson(`${proxy.url}/v1/chat/completions`, { model, messages: [{ role: "user", content: "hi" }] }, auth);
      expect(res.status).toBe(200);
      await res.text();
    }
    await rowsOf(s, 5);
    type Logs = { object: string; data: RowLike[]; has_more: boolean };
    const logs = (query = "") => getJson<Logs>(`${proxy.url}/spend/logs${query}`);

    const all = await logs();
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ object: "list", has_more: false });
    expect(all.body.data).toHaveLength(5);
    const times = all.body.data.map((r) => r.created_at);
    expect([...times].sort().reverse()).toEqual(times);

    const two = await logs("?limit=2");
    expect(two.body.data.map((r) => r.request_id)).toEqual(all.body.data.slice(0, 2).map((r) => r.request_id));
    expect(two.body.has_more).toBe(true);

    const bridge = await logs("?model=bridge");
    expect(bridge.body.data).toHaveLength(2);
    expect(bridge.body.data.every((r) => r.model_name === "bridge")).toBe(true);

    const oldest = times.at(-1)!;
    const newest = times[0]!;
    const day = (iso: string, shift = 0) => new Date(Date.parse(iso.slice(0, 10)) + shift * 86_400_000).toISOString().slice(0, 10);
    expect((await logs(`?start_date=${day(oldest)}&end_date=${day(newest)}`)).body.data).toHaveLength(5);
    expect((await logs(`?start_date=${day(newest, 1)}`)).body.data).toHaveLength(0);
    expect((await logs(`?end_date=${day(oldest, -1)}`)).body.data).toHaveLength(0);
    // datetimes: both bounds inclusive, to the millisecond
    const middle = await logs(`?start_date=${encodeURIComponent(times[3]!)}&end_date=${encodeURIComponent(times[1]!)}`);
    expect(middle.body.data.map((r) => r.created_at)).toEqual(times.slice(1, 4));
    expect((await logs(`?model=gpt-4o&limit=1`)).body.data.map((r) => r.model_name)).toEqual(["gpt-4o"]);

    const bad = await logs("?limit=1001");
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { param: "limit" } });
  });

  it("GET /spend/summary totals per model and per key hash, across two proxies sharing the store", async () => {
    const s = await store(backend);
    // The reader has the master key; the other proxy has none, so its clients use keys of their own.
    const [admin, open] = await Promise.all([spawnProxy(configFor(s)), spawnProxy(configFor(s, true))]);
    const send = async (url: string, key: string, model: string) => {
      const res = await postJson(`${url}/v1/responses`, { model, input: "hi" }, { authorization: `Bearer ${key}` });
      expect(res.status).toBe(200);
      await res.text();
    };
    await send(open.url, "sk-team-a-0001", "gpt-4o");
    await send(open.url, "sk-team-a-0001", "gpt-4o");
    await send(open.url, "sk-team-b-0002", "bridge");
    await send(admin.url, MASTER_KEY, "gpt-4o");
    await rowsOf(s, 4);

    type Totals = { requests: number; cost: number; input_tokens: number; output_tokens: number; unpriced_requests: number };
    type Summary = { total: Totals; by_model: (Totals & { model_name: string })[]; by_api_key: (Totals & { api_key_hash: string })[] };
    const { status, body } = await getJson<Summary>(`${admin.url}/spend/summary`);
    expect(status).toBe(200);
    expect(body.total).toMatchObject({ requests: 4, input_tokens: 4000, output_tokens: 2000, unpriced_requests: 0 });
    expect(body.total.cost).toBeCloseTo(4 * REFERENCE_COST, 12);
    const models = Object.fromEntries(body.by_model.map((m) => [m.model_name, m]));
    expect(models["gpt-4o"]).toMatchObject({ requests: 3 });
    expect(models["gpt-4o"]!.cost).toBeCloseTo(3 * REFERENCE_COST, 12);
    expect(models.bridge).toMatchObject({ requests: 1 });
    const keys = Object.fromEntries(body.by_api_key.map((k) => [k.api_key_hash, k.requests]));
    expect(keys).toEqual({ [keyHash("sk-team-a-0001")]: 2, [keyHash("sk-team-b-0002")]: 1, [keyHash(MASTER_KEY)]: 1 });

    const filtered = await getJson<Summary>(`${admin.url}/spend/summary?model=bridge`);
    expect(filtered.body.total.requests).toBe(1);
    expect(filtered.body.by_api_key).toEqual([expect.objectContaining({ api_key_hash: keyHash("sk-team-b-0002") })]);
  });

  it("runs the migrations once, in order; a restart applies nothing and keeps the rows", async () => {
    const s = await store(backend);
    const file = configFor(s);
    const ready = (p: { logs(): Record<string, unknown>[] }) => waitFor(() => p.logs().find((l) => l.msg === "spend store ready"), 3000, "spend store ready");
    const first = await spawnProxy(file);
    expect(await ready(first)).toMatchObject({ spend: { backend, schema_version: 6, applied: [1, 2, 3, 4, 5, 6] } });
    await (await postJson(`${first.url}/v1/responses`, { model: "gpt-4o", input: "hi" }, auth)).text();
    expect(await rowsOf(s, 1)).toMatchObject([{ attempts: 1 }]);
    const migrations = await s.migrations();
    expect(migrations.map((m) => [m.version, m.name])).toEqual([
      [1, "create_spend_logs"],
      [2, "index_spend_logs"],
      [3, "spend_logs_attempts"],
      [4, "virtual_keys_and_teams"],
      [5, "spend_logs_price_source"],
      [6, "priced_responses"],
    ]);
    first.child.kill("SIGTERM");
    expect((await first.exited).code).toBe(0);

    const second = await spawnProxy(file);
    expect(await ready(second)).toMatchObject({ spend: { schema_version: 6, applied: [] } });
    expect(await s.migrations()).toEqual(migrations);
    await (await postJson(`${second.url}/v1/responses`, { model: "gpt-4o", input: "again" }, auth)).text();
    expect(await rowsOf(s, 2)).toHaveLength(2);
  });
});

describe("spend routes: master key only, unprefixed", () => {
  const memoryConfig = (withKey: boolean) =>
    writeConfig(withKey ? configYaml(models(), "  spend_db_path: ':memory:'\n") : `model_list:\n${models()}\ngeneral_settings:\n  spend_db_path: ':memory:'\n`);

  it("answers 401 without the master key or with another key", async () => {
    const proxy = await spawnProxy(memoryConfig(true));
    for (const path of ["/spend/logs", "/spend/summary"]) {
      expect((await getJson(`${proxy.url}${path}`, {})).status).toBe(401);
      const wrong = await getJson<{ error: { code: string } }>(`${proxy.url}${path}`, { authorization: "Bearer sk-not-the-master-key" });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe("invalid_api_key");
      expect((await getJson(`${proxy.url}${path}`)).status).toBe(200);
    }
  });

  it("answers 403 explaining that a master key is needed when none is configured", async () => {
    const proxy = await spawnProxy(memoryConfig(false));
    for (const path of ["/spend/logs", "/spend/summary"]) {
      const { status, body } = await getJson<{ error: Record<string, unknown> }>(`${proxy.url}${path}`, { authorization: "Bearer anything-goes" });
      expect(status).toBe(403);
      expect(body.error).toMatchObject({ type: "permission_error", code: "master_key_required", param: null });
      expect(body.error.message).toMatch(/spend routes need a master key.*general_settings\.master_key/);
    }
  });

  it("serves /spend/logs and /spend/summary only at those paths, for GET only", async () => {
    const proxy = await spawnProxy(memoryConfig(true));
    expect((await getJson(`${proxy.url}/v1/spend/logs`)).status).toBe(404);
    expect((await getJson(`${proxy.url}/openai/v1/spend/summary`)).status).toBe(404);
    expect((await getJson(`${proxy.url}/spend/logs/`)).status).toBe(200);
    const post = await fetch(`${proxy.url}/spend/logs`, { method: "POST", headers: auth });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
  });
});

describe("spend store config", () => {
  it("refuses to start when the SQLite file cannot be opened, naming the setting and its line", async () => {
    const file = writeConfig(configYaml(models(), "  spend_db_path: /nonexistent-dheera-dir/spend.sqlite\n"));
    const proxy = await spawnProxy(file, { expectExit: true });
    expect((await proxy.exited).code).toBe(1);
    expect(proxy.stderr()).toMatch(new RegExp(`${file}:\\d+: general_settings\\.spend_db_path: cannot open the spend database /nonexistent-dheera-dir/spend\\.sqlite`));
  });

  it("creates ./dheera-spend.sqlite in the working directory by default", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "dheera-default-store-"));
    const proxy = await spawnProxy(writeConfig(configYaml(models())), { cwd });
    await (await postJson(`${proxy.url}/v1/responses`, { model: "gpt-4o", input: "hi" }, auth)).text();
    const rows = await waitFor(() => {
      const r = existsSync(path.join(cwd, "dheera-spend.sqlite")) ? sqliteRows(path.join(cwd, "dheera-spend.sqlite")) : [];
      return r.length === 1 ? r : undefined;
    }, 3000, "a row in ./dheera-spend.sqlite");
    expect(rows[0]).toMatchObject({ model_name: "gpt-4o", status: 200 });
  });
});

describe("disable_spend_logs", () => {
  it("writes no spend database, still prices requests in the log line and header, and answers the spend routes 404", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "dheera-no-spend-"));
    const proxy = await spawnProxy(writeConfig(configYaml(models(), "  disable_spend_logs: true\n")), { cwd });
    const res = await postJson(`${proxy.url}/v1/responses`, { model: "gpt-4o", input: "hi" }, auth);
    expect(res.status).toBe(200);
    expect(Number(res.headers.get("x-dheera-response-cost"))).toBeCloseTo(REFERENCE_COST, 10);
    await res.text();
    const line = await requestLine(proxy.logs, res.headers.get("x-request-id")!);
    expect(line.cost).toBeCloseTo(REFERENCE_COST, 10);
    expect(proxy.logs().find((l) => l.msg === "config loaded")?.spend_store).toEqual({ backend: "disabled", location: "none" });
    for (const route of ["/spend/logs", "/spend/summary"]) {
      const { status, body } = await getJson<{ error: { code: string; type: string; message: string } }>(`${proxy.url}${route}`);
      expect(status).toBe(404);
      expect(body.error).toMatchObject({ code: "spend_logs_disabled", type: "invalid_request_error" });
      expect(body.error.message).toContain("disable_spend_logs");
    }
    expect(existsSync(path.join(cwd, "dheera-spend.sqlite"))).toBe(false);
  });

  it("refuses a config that also names a spend store, naming both settings", async () => {
    const file = writeConfig(configYaml(models(), "  disable_spend_logs: true\n  spend_db_path: ./s.sqlite\n"));
    const proxy = await spawnProxy(file, { expectExit: true });
    expect((await proxy.exited).code).toBe(1);
    expect(proxy.stderr()).toMatch(/general_settings\.spend_db_path: disable_spend_logs is true, so spend_db_path would not be used/);
  });
});
