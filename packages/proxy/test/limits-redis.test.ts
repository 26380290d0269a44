import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Admission, LimitSubject } from "../src/limits/limit-store.js";
import { openRedisLimitStore, type RedisLimitStore } from "../src/limits/redis-limit-store.js";
import { SKIP_REDIS, SKIP_REDIS_REASON, startTestRedis, type TestRedis } from "./helpers/redis.js";

/*
 * The Redis limit store against a real redis-server this test starts: two stores stand for two
 * replicas. Then the server is killed and started again mid-run.
 */

let redis: TestRedis;
const stores: RedisLimitStore[] = [];
const said: string[] = [];

beforeAll(async () => {
  if (!SKIP_REDIS) redis = await startTestRedis();
});

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await redis?.stop();
});

async function replica(failureMode: "fail_open" | "fail_closed" = "fail_open", prefix = redis.prefix): Promise<RedisLimitStore> {
  const store = await openRedisLimitStore(redis.url, { prefix, failureMode, warn: (m) => said.push(`warn: ${m}`), info: (m) => said.push(`info: ${m}`) });
  stores.push(store);
  return store;
}

function subject(id: string, limits: Partial<Omit<LimitSubject, "id" | "label">> = {}): LimitSubject {
  return { id, label: id, rpm: null, tpm: null, maxParallel: null, budget: null, ...limits };
}

const admitted = (answers: Admission[]) => answers.filter((a) => a.ok).length;

describe.skipIf(SKIP_REDIS)("limits shared through Redis", () => {
  it("two replicas admit exactly rpm_limit between them, whatever the interleaving", async () => {
    const [a, b] = [await replica(), await replica()];
    const key = subject(`key:rpm-${Date.now()}`, { rpm: 10 });
    // Well inside one minute, so the 40 calls share a window.
    const now = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).admit([key], now)));
    expect(admitted(answers)).toBe(10);
    const refusal = answers.find((x) => !x.ok);
    expect(refusal).toMatchObject({ ok: false, kind: "rpm", limit: 10, retryAfterMs: 30_000, headers: { "x-ratelimit-remaining-requests": "0" } });
    expect(a.status()).toEqual({ backend: "redis", healthy: true });
  });

  it("shares tokens, parallel slots and a budget across replicas", async () => {
    const [a, b] = [await replica(), await replica()];
    const id = `${Date.now()}`;
    const tokens = subject(`key:tpm-${id}`, { tpm: 100 });
    const first = await a.admit([tokens]);
    if (!first.ok) throw new Error("admitted");
    first.lease.settle({ totalTokens: 150, cost: 0 });
    await expect.poll(async () => (await b.admit([tokens])).ok).toBe(false);

    const parallel = subject(`key:par-${id}`, { maxParallel: 2 });
    const held = [await a.admit([parallel]), await b.admit([parallel])];
    expect(held.every((x) => x.ok)).toBe(true);
    expect(await a.admit([parallel])).toMatchObject({ ok: false, kind: "max_parallel" });
    if (held[0]!.ok) held[0]!.lease.settle({ totalTokens: 0, cost: 0 });
    await expect.poll(async () => (await b.admit([parallel])).ok).toBe(true);

    const now = Date.now();
    let reads = 0;
    const team = subject(`team:budget-${id}`, { budget: { max: 1, periodStart: now - 1000, periodEnd: now + 86_400_000, spentInDatabase: async () => (reads++, 0.5) } });
    const spend = await a.admit([team]);
    if (!spend.ok) throw new Error("admitted");
    spend.lease.settle({ totalTokens: 10, cost: 0.6 });
    // Replica b reads the database too, but Redis already holds the period's spend: 0.5 + 0.6.
    await expect.poll(async () => b.admit([team])).toMatchObject({ ok: false, kind: "budget", limit: 1 });
    const over = await a.admit([team]);
    expect(!over.ok && over.used).toBeCloseTo(1.1, 9);
    expect(reads).toBeLessThanOrEqual(2);
  });

  it("keeps admitting with local counters while Redis is down (fail_open), refuses with 503 when fail_closed, and goes back to Redis", async () => {
    const open = await replica("fail_open");
    const closed = await replica("fail_closed");
    const key = subject(`key:outage-${Date.now()}`, { rpm: 1000 });
    expect((await open.admit([key])).ok).toBe(true);

    await redis.stop();
    await expect.poll(() => open.status().healthy, { timeout: 5000 }).toBe(false);
    for (let i = 0; i < 5; i++) expect((await open.admit([key])).ok).toBe(true);
    expect(open.status()).toMatchObject({ backend: "redis", healthy: false, detail: expect.stringContaining("counting in this process") });
    await expect.poll(() => closed.status().healthy, { timeout: 5000 }).toBe(false);
    await expect(closed.admit([key])).rejects.toMatchObject({ status: 503, code: "rate_limit_store_unavailable" });
    expect(said).toContain("warn: Redis is unreachable: counting rate limits in this process until it is back");

    await redis.start();
    await expect.poll(() => open.status().healthy && closed.status().healthy, { timeout: 10_000, interval: 100 }).toBe(true);
    expect((await closed.admit([key])).ok).toBe(true);
    expect(said).toContain("info: Redis is reachable again: rate limits are shared across replicas again");
  }, 20_000);
});

describe.skipIf(!SKIP_REDIS)("limits shared through Redis (skipped)", () => {
  it.skip(SKIP_REDIS_REASON, () => undefined);
});
