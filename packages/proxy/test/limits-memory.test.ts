import { afterEach, describe, expect, it, vi } from "vitest";
import type { Admission, LimitSubject } from "../src/limits/limit-store.js";
import { MemoryLimitStore } from "../src/limits/memory-limit-store.js";
import { resetText } from "../src/limits/rate-limit-headers.js";

const MINUTE = 60_000;
const T0 = Date.parse("2026-12-03T10:00:00Z");

function subject(id: string, limits: Partial<Omit<LimitSubject, "id" | "label">> = {}): LimitSubject {
  return { id, label: `key '${id}'`, rpm: null, tpm: null, maxParallel: null, budget: null, ...limits };
}

function budget(max: number, inDatabase: () => Promise<number>, period = { start: T0, end: T0 + 30 * 86_400_000 }) {
  return { max, periodStart: period.start, periodEnd: period.end, spentInDatabase: inDatabase };
}

const refused = (a: Admission) => (a.ok ? undefined : a);

afterEach(() => {
  vi.useRealTimers();
});

describe("in-process limit counters", () => {
  it("admits exactly rpm_limit requests in a minute, names rpm and the minute's end when refusing, and admits again next minute", async () => {
    vi.useFakeTimers({ now: T0 + 15_000 });
    const store = new MemoryLimitStore();
    const key = subject("key:a", { rpm: 3 });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await store.admit([key]));
    expect(answers.map((a) => a.ok)).toEqual([true, true, true, false, false]);
    expect(answers.map((a) => a.headers["x-ratelimit-remaining-requests"])).toEqual(["2", "1", "0", "0", "0"]);
    expect(answers[0]!.headers).toEqual({ "x-ratelimit-limit-requests": "3", "x-ratelimit-remaining-requests": "2", "x-ratelimit-reset-requests": "45s" });
    expect(refused(answers[3]!)).toMatchObject({ kind: "rpm", limit: 3, used: 3, retryAfterMs: 45_000 });
    vi.setSystemTime(T0 + MINUTE);
    expect((await store.admit([key])).ok).toBe(true);
  });

  it("counts tokens when calls settle and refuses once the minute's tpm_limit is used", async () => {
    vi.useFakeTimers({ now: T0 });
    const store = new MemoryLimitStore();
    const key = subject("key:t", { tpm: 1000 });
    const first = await store.admit([key]);
    expect(first.ok && first.headers["x-ratelimit-remaining-tokens"]).toBe("1000");
    if (first.ok) first.lease.settle({ totalTokens: 1200, cost: 0 });
    expect(refused(await store.admit([key]))).toMatchObject({ kind: "tpm", limit: 1000, used: 1200, headers: { "x-ratelimit-remaining-tokens": "0" } });
  });

  it("holds max_parallel_requests until a call settles, and settling twice frees one slot only", async () => {
    const store = new MemoryLimitStore();
    const key = subject("key:p", { maxParallel: 2 });
    const a = await store.admit([key]);
    const b = await store.admit([key]);
    expect(refused(await store.admit([key]))).toMatchObject({ kind: "max_parallel", limit: 2, retryAfterMs: 1000 });
    if (!a.ok || !b.ok) throw new Error("admitted");
    a.lease.settle({ totalTokens: 0, cost: 0 });
    a.lease.settle({ totalTokens: 0, cost: 0 });
    expect((await store.admit([key])).ok).toBe(true);
    expect((await store.admit([key])).ok).toBe(false);
  });

  it("starts a budget from the database's spend, reads it once, adds settled costs at once and refuses at the budget", async () => {
    vi.useFakeTimers({ now: T0 + 1000 });
    const store = new MemoryLimitStore();
    const read = vi.fn(async () => 4);
    const key = subject("key:b", { budget: budget(5, read) });
    const [a, b] = await Promise.all([store.admit([key]), store.admit([key])]);
    expect(read).toHaveBeenCalledTimes(1);
    if (!a.ok || !b.ok) throw new Error("admitted");
    a.lease.settle({ totalTokens: 10, cost: 0.6 });
    // 4.6 of 5 spent: still admitted.
    const c = await store.admit([key]);
    expect(c.ok).toBe(true);
    if (c.ok) c.lease.settle({ totalTokens: 0, cost: 0 });
    b.lease.settle({ totalTokens: 10, cost: 0.5 });
    const over = refused(await store.admit([key]));
    expect(over).toMatchObject({ kind: "budget", limit: 5, retryAfterMs: 30 * 86_400_000 - 1000 });
    expect(over!.used).toBeCloseTo(5.1, 9);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it("starts a new budget period from that period's own database spend", async () => {
    const store = new MemoryLimitStore();
    const first = subject("key:c", { budget: budget(1, async () => 1, { start: T0, end: T0 + MINUTE }) });
    expect(refused(await store.admit([first], T0 + 10))).toMatchObject({ kind: "budget" });
    const next = subject("key:c", { budget: budget(1, async () => 0.25, { start: T0 + MINUTE, end: T0 + 2 * MINUTE }) });
    expect((await store.admit([next], T0 + MINUTE + 10)).ok).toBe(true);
  });

  it("counts a budget from what settled here when the database cannot be read, and reads again on the next call", async () => {
    const store = new MemoryLimitStore();
    let fail = true;
    const key = subject("key:d", { budget: budget(1, async () => (fail ? Promise.reject(new Error("down")) : 0.9)) });
    expect((await store.admit([key])).ok).toBe(true);
    fail = false;
    const second = await store.admit([key]);
    expect(second.ok).toBe(true);
    if (second.ok) second.lease.settle({ totalTokens: 1, cost: 0.2 });
    expect(refused(await store.admit([key]))).toMatchObject({ kind: "budget" });
  });

  it("admits all or nothing: a team at its limit leaves the key's counters untouched", async () => {
    vi.useFakeTimers({ now: T0 });
    const store = new MemoryLimitStore();
    const team = subject("team:x", { rpm: 1 });
    const one = subject("key:1", { rpm: 5 });
    const two = subject("key:2", { rpm: 5 });
    expect((await store.admit([one, team])).ok).toBe(true);
    const refusal = refused(await store.admit([two, team]));
    expect(refusal).toMatchObject({ kind: "rpm", subject: { id: "team:x" } });
    // The tighter limit is the one the headers show.
    expect(refusal!.headers).toMatchObject({ "x-ratelimit-limit-requests": "1", "x-ratelimit-remaining-requests": "0" });
    const alone = await store.admit([two]);
    expect(alone.headers["x-ratelimit-remaining-requests"]).toBe("4");
  });
});

describe("x-ratelimit-reset-* durations", () => {
  it("writes them as OpenAI does", () => {
    expect([0, 250, 1000, 1500, 45_000, 60_000, 90_500, 3_723_000].map(resetText)).toEqual(["0ms", "250ms", "1s", "1.5s", "45s", "1m0s", "1m30.5s", "1h2m3s"]);
  });
});
