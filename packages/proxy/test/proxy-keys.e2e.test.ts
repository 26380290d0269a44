import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorServer } from "./helpers/emulator-server.js";
import { SKIP_POSTGRES, SKIP_REASON } from "./helpers/postgres.js";
import { SKIP_REDIS, startTestRedis, type TestRedis } from "./helpers/redis.js";
import { postJson } from "./helpers/sse.js";
import { auth, referenceReply, waitFor } from "./helpers/spend.js";
import { openTestStore, type Backend, type TestStore } from "./helpers/spend-store.js";
import { MASTER_KEY, azureModel, configYaml, killAll, spawnProxy, writeConfig, type ProxyProcess } from "./helpers/spawn-proxy.js";

/*
 * Virtual keys and teams through the real process, on a real SQLite file and a real PostgreSQL
 * database: LiteLLM's admin endpoints, what a key may do on the model routes, and two replicas
 * on one database seeing each other's changes.
 */

let emu: EmulatorServer;
const stores: TestStore[] = [];

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

const models = () => [azureModel("gpt-4o", "azure/gpt-4o", emu.url), azureModel("bridge", "azure/responses/gpt-4o", emu.url)].join("\n");

async function proxyOn(backend: Backend, store?: TestStore, extra = ""): Promise<{ proxy: ProxyProcess; store: TestStore }> {
  const s = store ?? (await openTestStore(backend));
  if (!store) stores.push(s);
  const proxy = await spawnProxy(writeConfig(configYaml(models(), `${s.settings}  spend_flush_interval_ms: 20\n${extra}`)));
  return { proxy, store: s };
}

type Json = Record<string, any>;

async function admin(proxy: ProxyProcess, method: "GET" | "POST", path: string, body?: unknown, key = MASTER_KEY): Promise<{ status: number; body: Json }> {
  const res =
    method === "POST"
      ? await postJson(`${proxy.url}${path}`, body, { authorization: `Bearer ${key}` })
      : await fetch(`${proxy.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as Json };
}

const client = (proxy: ProxyProcess, apiKey: string) => new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey, maxRetries: 0 });
const ask = (proxy: ProxyProcess, key: string, model = "gpt-4o") => client(proxy, key).responses.create({ model, input: "hi" });
/** Limits count per minute on the clock: a test of one starts well inside a minute, not at its edge. */
async function awayFromMinuteEdge(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 3000) await new Promise((r) => setTimeout(r, left + 50));
}
const failureOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as { status: number; code?: string; message: string });

describe.each<Backend>(["sqlite", "postgres"])("virtual keys: %s", (backend) => {
  if (backend === "postgres" && SKIP_POSTGRES) {
    it.skip(SKIP_REASON, () => undefined);
    return;
  }

  it("generates a key that calls its models only, shows its spend, and is refused once blocked, regenerated or deleted", async () => {
    const { proxy } = await proxyOn(backend);
    const made = await admin(proxy, "POST", "/key/generate", { key_alias: "ci-bot", models: ["gpt-4o"], metadata: { owner: "ci" } });
    expect(made.status).toBe(200);
    const key = made.body.key as string;
    expect(key).toMatch(/^sk-[A-Za-z0-9_-]{32}$/);
    expect(made.body).toMatchObject({ key_alias: "ci-bot", models: ["gpt-4o"], key_name: `sk-...${key.slice(-4)}`, expires: null, blocked: false, metadata: { owner: "ci" } });
    expect(made.body.token).toMatch(/^[0-9a-f]{64}$/);

    // The key calls its model, through the official client, and sees only that model.
    const answer = await ask(proxy, key);
    expect(answer.output_text).toBeTruthy();
    const listed = await client(proxy, key).models.list();
    expect(listed.data.map((m) => m.id)).toEqual(["gpt-4o"]);
    const denied = await failureOf(ask(proxy, key, "bridge"));
    expect(denied).toMatchObject({ status: 403, code: "model_access_denied" });
    expect(denied!.message).toContain("'bridge'");
    expect(denied!.message).toContain("gpt-4o");

    // Never an admin route, even a read.
    const adminTry = await admin(proxy, "GET", "/key/list", undefined, key);
    expect(adminTry).toMatchObject({ status: 403, body: { error: { code: "master_key_required" } } });
    expect((await admin(proxy, "GET", "/spend/logs", undefined, key)).status).toBe(403);

    // Its spend, by alias, by key and in /key/info; the secret is in none of them.
    const byAlias = await waitFor(async () => {
      const r = await admin(proxy, "GET", "/spend/logs?key_alias=ci-bot");
      return r.body.data.length >= 2 ? r : undefined;
    }, 5000, "the key's spend rows");
    const info = await admin(proxy, "GET", `/key/info?key=${encodeURIComponent(key)}`);
    expect(info.body.info).toMatchObject({ key_alias: "ci-bot", max_budget: null, budget_remaining: null });
    expect(info.body.info.spend).toBeGreaterThan(0);
    expect(byAlias.body.data).toHaveLength(2); // the call and the refused one
    expect(byAlias.body.data.map((r: Json) => r.status).sort()).toEqual([200, 403]);
    expect(byAlias.body.data[0]).toMatchObject({ key_alias: "ci-bot", key_id: made.body.key_id });
    const byKey = await admin(proxy, "GET", `/spend/logs?api_key=${encodeURIComponent(key)}`);
    expect(byKey.body.data).toHaveLength(2);
    expect((await admin(proxy, "GET", "/spend/logs?key_alias=nobody")).body.data).toHaveLength(0);
    expect(JSON.stringify([info.body, byAlias.body])).not.toContain(key);

    // Blocked, then unblocked.
    expect((await admin(proxy, "POST", "/key/block", { key })).body.blocked).toBe(true);
    expect(await failureOf(ask(proxy, key))).toMatchObject({ status: 401, code: "invalid_api_key" });
    expect((await admin(proxy, "POST", "/key/unblock", { key: made.body.token })).body.blocked).toBe(false);
    await expect(ask(proxy, key)).resolves.toBeTruthy();

    // Regenerated: a new secret for the same key; the old one stops at once.
    const again = await admin(proxy, "POST", "/key/regenerate", { key: "ci-bot" });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ key_id: made.body.key_id, key_alias: "ci-bot", models: ["gpt-4o"] });
    expect(again.body.key).not.toBe(key);
    expect(await failureOf(ask(proxy, key))).toMatchObject({ status: 401, code: "invalid_api_key" });
    await expect(ask(proxy, again.body.key)).resolves.toBeTruthy();

    // Deleted.
    expect(await admin(proxy, "POST", "/key/delete", { keys: [again.body.key] })).toMatchObject({ status: 200, body: { deleted_keys: [again.body.token] } });
    expect(await failureOf(ask(proxy, again.body.key))).toMatchObject({ status: 401, code: "invalid_api_key" });
    expect((await admin(proxy, "GET", `/key/info?key=${again.body.token}`)).status).toBe(404);
  });

  it("refuses an unknown or expired key with 401 invalid_api_key, and bad admin input with a 400 naming the field", async () => {
    const { proxy } = await proxyOn(backend);
    expect(await failureOf(ask(proxy, "sk-not-a-key-at-all-0000000000"))).toMatchObject({ status: 401, code: "invalid_api_key" });

    const short = await admin(proxy, "POST", "/key/generate", { duration: "1s" });
    expect(Date.parse(short.body.expires) - Date.now()).toBeLessThanOrEqual(1000);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(short.body.expires) - Date.now()) + 50));
    const expired = await failureOf(ask(proxy, short.body.key));
    expect(expired).toMatchObject({ status: 401, code: "invalid_api_key" });
    expect(expired!.message).toMatch(/expired/);

    const cases: [unknown, string, string][] = [
      [{ soft_budget: 10 }, "soft_budget", "unsupported_parameter"],
      [{ models: ["gpt-5-typo"] }, "models", "model_not_found"],
      [{ budget_duration: "monthly" }, "budget_duration", "invalid_value"],
      [{ rpm_limit: -1 }, "rpm_limit", "invalid_value"],
      [{ team_id: "no-such-team" }, "team_id", "team_not_found"],
      [{ key: "not-an-sk-key" }, "key", "invalid_value"],
    ];
    for (const [body, param, code] of cases) {
      const r = await admin(proxy, "POST", "/key/generate", body);
      expect(r, JSON.stringify(body)).toMatchObject({ status: 400, body: { error: { param, code, type: "invalid_request_error" } } });
    }
    await admin(proxy, "POST", "/key/generate", { key_alias: "taken" });
    expect(await admin(proxy, "POST", "/key/generate", { key_alias: "taken" })).toMatchObject({ status: 400, body: { error: { code: "already_exists", param: "key_alias" } } });
    expect(await admin(proxy, "POST", "/key/delete", { keys: ["sk-missing-000000000000000000"] })).toMatchObject({ status: 404, body: { error: { code: "key_not_found" } } });
  });

  it("holds a team's models and blocking for all its keys; deleting the team deletes its keys", async () => {
    const { proxy } = await proxyOn(backend);
    const team = await admin(proxy, "POST", "/team/new", { team_alias: "search", models: ["gpt-4o"] });
    expect(team).toMatchObject({ status: 200, body: { team_alias: "search", models: ["gpt-4o"] } });
    const teamId = team.body.team_id as string;
    expect(await admin(proxy, "POST", "/key/generate", { team_id: teamId, models: ["bridge"] })).toMatchObject({
      status: 400,
      body: { error: { code: "model_not_allowed_for_team" } },
    });
    const member = await admin(proxy, "POST", "/key/generate", { team_id: teamId, key_alias: "search-1" });
    expect(member.body.error).toBeUndefined();
    await expect(ask(proxy, member.body.key)).resolves.toBeTruthy();
    expect(await failureOf(ask(proxy, member.body.key, "bridge"))).toMatchObject({ status: 403, code: "model_access_denied" });

    await waitFor(async () => ((await admin(proxy, "GET", `/spend/logs?team_id=${teamId}`)).body.data.length >= 2 ? true : undefined), 5000, "team rows");
    const info = await admin(proxy, "GET", `/team/info?team_id=${teamId}`);
    expect(info.body.team_info.spend).toBeGreaterThan(0);
    expect(info.body.keys.map((k: Json) => k.key_alias)).toEqual(["search-1"]);

    await admin(proxy, "POST", "/team/update", { team_id: teamId, blocked: true });
    expect(await failureOf(ask(proxy, member.body.key))).toMatchObject({ status: 401, code: "invalid_api_key" });
    expect(await admin(proxy, "POST", "/team/delete", { team_ids: [teamId] })).toMatchObject({ status: 200, body: { deleted_teams: [teamId] } });
    expect((await admin(proxy, "GET", `/key/info?key=${member.body.token}`)).status).toBe(404);
    expect((await admin(proxy, "GET", `/team/info?team_id=${teamId}`)).status).toBe(404);
  });

  it("enforces rpm_limit with OpenAI's headers, and budgets of keys and teams as soon as a call's cost is known", async () => {
    const { proxy } = await proxyOn(backend);
    const limited = (await admin(proxy, "POST", "/key/generate", { rpm_limit: 2, tpm_limit: 1_000_000 })).body;
    await awayFromMinuteEdge();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await postJson(`${proxy.url}/v1/responses`, { model: "gpt-4o", input: "hi" }, { authorization: `Bearer ${limited.key}` }));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(answers[0]!.headers.get("x-ratelimit-limit-requests")).toBe("2");
    expect(answers[0]!.headers.get("x-ratelimit-remaining-requests")).toBe("1");
    expect(answers[0]!.headers.get("x-ratelimit-reset-requests")).toMatch(/^(\d+(\.\d+)?s|\d+ms|1m0s)$/);
    expect(answers[0]!.headers.get("x-ratelimit-limit-tokens")).toBe("1000000");
    expect(answers[2]!.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await answers[2]!.json()).toMatchObject({ error: { type: "rate_limit_error", code: "rate_limit_exceeded", message: expect.stringContaining("rpm_limit") } });
    // The official client sees a RateLimitError.
    expect(await failureOf(ask(proxy, limited.key))).toMatchObject({ status: 429, code: "rate_limit_exceeded" });

    // A budget smaller than one call: the first call is answered, the next refused.
    const poor = (await admin(proxy, "POST", "/key/generate", { key_alias: "poor", max_budget: 0.000001, budget_duration: "1d" })).body;
    await expect(ask(proxy, poor.key)).resolves.toBeTruthy();
    const broke = await postJson(`${proxy.url}/v1/responses`, { model: "gpt-4o", input: "hi" }, { authorization: `Bearer ${poor.key}` });
    expect(broke.status).toBe(429);
    const body = (await broke.json()) as Json;
    expect(body.error).toMatchObject({ type: "insufficient_quota", code: "budget_exceeded" });
    expect(body.error.message).toMatch(/key 'poor'.*\$0\.000001 budget.*resets at/);
    const info = await waitFor(async () => {
      const r = await admin(proxy, "GET", "/key/info?key=poor");
      return r.body.info.spend > 0 ? r : undefined;
    }, 5000, "the key's spend row");
    expect(info.body.info).toMatchObject({ max_budget: 0.000001, budget_remaining: 0 });
    expect(Date.parse(info.body.info.budget_reset_at) - Date.now()).toBeGreaterThan(86_000_000);

    // A team's budget holds for its keys together, and across a restart (read back from the spend rows).
    await admin(proxy, "POST", "/team/new", { team_id: "tight", max_budget: 0.000001 });
    const one = (await admin(proxy, "POST", "/key/generate", { team_id: "tight" })).body;
    const two = (await admin(proxy, "POST", "/key/generate", { team_id: "tight" })).body;
    await expect(ask(proxy, one.key)).resolves.toBeTruthy();
    expect(await failureOf(ask(proxy, two.key))).toMatchObject({ status: 429, code: "budget_exceeded" });
    await waitFor(async () => ((await admin(proxy, "GET", "/spend/logs?team_id=tight")).body.data.length >= 2 ? true : undefined), 5000, "team rows");
    await proxy.stop();
    const { proxy: again } = await proxyOn(backend, stores.at(-1));
    expect(await failureOf(ask(again, two.key))).toMatchObject({ status: 429, code: "budget_exceeded" });
  });

  it("pages /key/list and filters it by team and alias", async () => {
    const { proxy } = await proxyOn(backend);
    const team = (await admin(proxy, "POST", "/team/new", { team_id: "t1" })).body;
    for (let i = 0; i < 5; i++) await admin(proxy, "POST", "/key/generate", { key_alias: `k${i}`, ...(i < 2 ? { team_id: team.team_id } : {}) });
    const page2 = await admin(proxy, "GET", "/key/list?page=2&size=2");
    expect(page2.body).toMatchObject({ total_count: 5, current_page: 2, total_pages: 3 });
    expect(page2.body.keys).toHaveLength(2);
    expect(page2.body.keys[0]).toMatch(/^[0-9a-f]{64}$/);
    const inTeam = await admin(proxy, "GET", "/key/list?team_id=t1&return_full_object=true");
    expect(inTeam.body.keys.map((k: Json) => k.key_alias)).toEqual(["k0", "k1"]);
    expect(JSON.stringify(inTeam.body)).not.toMatch(/sk-[A-Za-z0-9_-]{32}/);
  });
});

describe.skipIf(SKIP_POSTGRES)("virtual keys across two replicas on one PostgreSQL", () => {
  it("a key made on one replica works on the other at once; a delete there is refused here within 2 s", async () => {
    const { proxy: a, store } = await proxyOn("postgres");
    const { proxy: b } = await proxyOn("postgres", store);
    const made = await admin(a, "POST", "/key/generate", { key_alias: "shared" });
    await expect(ask(b, made.body.key)).resolves.toBeTruthy();

    await admin(b, "POST", "/key/delete", { key_aliases: ["shared"] });
    const started = Date.now();
    await waitFor(async () => ((await failureOf(ask(a, made.body.key)))?.status === 401 ? true : undefined), 2000, "replica A to refuse the deleted key");
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe.skipIf(SKIP_POSTGRES || SKIP_REDIS)("limits across two replicas on one PostgreSQL and one Redis", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  const replicas = async () => {
    const settings = `  redis_url: ${redis.url}\n  redis_key_prefix: "${redis.prefix}"\n`;
    const { proxy: a, store } = await proxyOn("postgres", undefined, settings);
    const { proxy: b } = await proxyOn("postgres", store, settings);
    return { a, b, store };
  };
  const call = (proxy: ProxyProcess, key: string) => postJson(`${proxy.url}/v1/responses`, { model: "gpt-4o", input: "hi" }, { authorization: `Bearer ${key}` });

  it("admits exactly rpm_limit across both, shares a team budget, and has one spend row per request", async () => {
    const { a, b, store } = await replicas();
    const key = (await admin(a, "POST", "/key/generate", { key_alias: "shared-rpm", rpm_limit: 10 })).body.key as string;
    await awayFromMinuteEdge();
    const statuses = await Promise.all(Array.from({ length: 30 }, async (_, i) => (await call(i % 2 ? a : b, key)).status));
    expect(statuses.filter((st) => st === 200)).toHaveLength(10);
    expect(statuses.filter((st) => st === 429)).toHaveLength(20);
    const rows = await waitFor(async () => {
      const r = await store.rows();
      return r.length >= 30 ? r : undefined;
    }, 5000, "30 spend rows");
    expect(rows).toHaveLength(30);

    await admin(a, "POST", "/team/new", { team_id: "shared-budget", max_budget: 0.000001 });
    const madeOne = await admin(a, "POST", "/key/generate", { team_id: "shared-budget" });
    const madeTwo = await admin(b, "POST", "/key/generate", { team_id: "shared-budget" });
    expect([madeOne.status, madeTwo.status], JSON.stringify([madeOne.body, madeTwo.body])).toEqual([200, 200]);
    const one = madeOne.body.key as string;
    const two = madeTwo.body.key as string;
    expect((await call(a, one)).status).toBe(200);
    // The cost is in Redis the moment the call ends: the other replica refuses the team at once.
    const refused = await call(b, two);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: { code: "budget_exceeded", message: expect.stringContaining("team 'shared-budget'") } });
  });

  it("loses no request while Redis is stopped and started again mid-run, and says so in readiness", async () => {
    const { a, b } = await replicas();
    const key = (await admin(a, "POST", "/key/generate", { rpm_limit: 100_000 })).body.key as string;
    const burst = () => Promise.all(Array.from({ length: 20 }, async (_, i) => (await call(i % 2 ? a : b, key)).status));
    expect(new Set(await burst())).toEqual(new Set([200]));
    await redis.stop();
    expect(new Set(await burst())).toEqual(new Set([200]));
    const ready = await (await fetch(`${a.url}/health/readiness`)).json();
    expect(ready).toMatchObject({ status: "healthy", limits: { backend: "redis", healthy: false } });
    await redis.start();
    await waitFor(async () => ((await (await fetch(`${b.url}/health/readiness`)).json()).limits.healthy ? true : undefined), 10_000, "replica b back on Redis");
    expect(new Set(await burst())).toEqual(new Set([200]));
    expect(a.logs().some((l) => String(l.msg).includes("Redis is unreachable"))).toBe(true);
  }, 30_000);
});

describe("virtual keys without a master key or a database", () => {
  it("answers 403 on the key routes without a master key, and 400 with spend logs disabled", async () => {
    const open = await spawnProxy(writeConfig(`model_list:\n${models()}\ngeneral_settings:\n  spend_db_path: ":memory:"\n`));
    expect(await admin(open, "POST", "/key/generate", {})).toMatchObject({ status: 403, body: { error: { code: "master_key_required" } } });
    const noStore = await spawnProxy(writeConfig(configYaml(models(), "  disable_spend_logs: true\n")));
    expect(await admin(noStore, "POST", "/key/generate", {})).toMatchObject({ status: 400, body: { error: { code: "virtual_keys_disabled" } } });
    // The master key still works on both.
    expect((await postJson(`${noStore.url}/v1/responses`, { model: "gpt-4o", input: "hi" }, auth)).status).toBe(200);
  });
});
