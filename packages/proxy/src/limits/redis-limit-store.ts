import { randomUUID } from "node:crypto";
import { DheeraError } from "@dheera/core";
import type { Redis } from "ioredis";
import type { Admission, LimitKind, LimitStore, LimitSubject, Lease } from "./limit-store.js";
import { MemoryLimitStore } from "./memory-limit-store.js";
import { rateLimitHeaders } from "./rate-limit-headers.js";
import { ADMIT_SCRIPT, RENEW_SCRIPT, SETTLE_SCRIPT } from "./redis-scripts.js";

const MINUTE_MS = 60_000;
/** A parallel slot is held this long unless the process holding it renews it: a crashed replica's slots free themselves. */
const LEASE_MS = 120_000;
const RENEW_EVERY_MS = 30_000;

export interface RedisLimitStoreOptions {
  prefix: string;
  /** fail_open: count in this process while Redis is away; fail_closed: refuse (503). */
  failureMode: "fail_open" | "fail_closed";
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
}

type Scripted = Redis & {
  dheeraAdmit(...args: (string | number)[]): Promise<(string | number)[]>;
  dheeraSettle(...args: (string | number)[]): Promise<number>;
  dheeraRenew(...args: (string | number)[]): Promise<number>;
};

interface HeldLease {
  parallelKeys: string[];
}

/**
 * The limit counters shared by every replica, in Redis: one atomic script admits a call against
 * all its subjects, so N replicas admit exactly a limit between them. While Redis cannot be
 * reached, calls are counted in this process (fail_open) or refused with 503 (fail_closed); the
 * client reconnects by itself and the counting moves back to Redis when it answers again.
 */
export class RedisLimitStore implements LimitStore {
  readonly backend = "redis" as const;
  readonly #redis: Scripted;
  readonly #local = new MemoryLimitStore();
  readonly #held = new Map<string, HeldLease>();
  /** The database's spend per subject and budget period, read once per period. */
  readonly #bases = new Map<string, { period: number; value: number | undefined; reading: Promise<void> | undefined }>();
  readonly #renewTimer: NodeJS.Timeout;
  #up = false;
  /** Why Redis is not used now; said once per outage. */
  #downReason: string | undefined;
  #said = false;
  #closed = false;

  constructor(
    redis: Redis,
    private readonly options: RedisLimitStoreOptions,
  ) {
    redis.defineCommand("dheeraAdmit", { lua: ADMIT_SCRIPT });
    redis.defineCommand("dheeraSettle", { lua: SETTLE_SCRIPT });
    redis.defineCommand("dheeraRenew", { lua: RENEW_SCRIPT });
    this.#redis = redis as Scripted;
    redis.on("ready", () => this.#markUp());
    redis.on("error", (err: Error) => this.#markDown(err));
    redis.on("end", () => this.#markDown(new Error("the connection ended")));
    this.#renewTimer = setInterval(() => this.#renew(), RENEW_EVERY_MS);
    this.#renewTimer.unref();
  }

  admit(subjects: readonly LimitSubject[], now?: number): Admission | Promise<Admission> {
    if (!this.#up) return this.#whileDown(subjects, now);
    const reads = this.#baseReads(subjects);
    const run = () => this.#admit(subjects, now ?? Date.now()).catch((err: unknown) => {
      this.#markDown(err);
      return this.#whileDown(subjects, now);
    });
    return reads === undefined ? run() : Promise.all(reads).then(run);
  }

  async budgetSpent(subject: LimitSubject): Promise<number | null> {
    if (subject.budget === null) return null;
    if (!this.#up) return this.#local.budgetSpent(subject);
    const reads = this.#baseReads([subject]);
    if (reads !== undefined) await Promise.all(reads);
    try {
      const stored = await this.#redis.get(this.#budgetKey(subject));
      if (stored !== null) return Number(stored);
    } catch (err) {
      this.#markDown(err);
      return this.#local.budgetSpent(subject);
    }
    // No call in this period yet: what the database says.
    return this.#bases.get(subject.id)?.value ?? null;
  }

  status() {
    if (this.#up) return { backend: "redis" as const, healthy: true };
    const doing = this.options.failureMode === "fail_open" ? "counting in this process" : "refusing calls of keys with limits";
    return { backend: "redis" as const, healthy: false, detail: `${this.#downReason ?? "not connected"}; ${doing}` };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#renewTimer);
    this.#redis.disconnect();
  }

  async #admit(subjects: readonly LimitSubject[], now: number): Promise<Admission> {
    const minute = Math.floor(now / MINUTE_MS);
    const windowEndsIn = (minute + 1) * MINUTE_MS - now;
    const lease = randomUUID();
    const keys: string[] = [];
    const args: (string | number)[] = [now, lease, now + LEASE_MS, subjects.length];
    for (const s of subjects) {
      keys.push(this.#key("r", s.id, minute), this.#key("t", s.id, minute), this.#key("p", s.id), this.#budgetKey(s));
      const b = s.budget;
      args.push(s.rpm ?? -1, s.tpm ?? -1, s.maxParallel ?? -1, b ? b.max : -1, b ? String(this.#bases.get(s.id)?.value ?? 0) : "0", b ? Math.max(1000, b.periodEnd - now + MINUTE_MS) : 1000);
    }
    const reply = await this.#redis.dheeraAdmit(keys.length, ...keys, ...args);
    if (Number(reply[0]) === 0) {
      const uses = subjects.map((subject, i) => ({ subject, requests: Number(reply[1 + 2 * i]), tokens: Number(reply[2 + 2 * i]) }));
      const parallelKeys = subjects.filter((s) => s.maxParallel !== null).map((s) => this.#key("p", s.id));
      if (parallelKeys.length > 0) this.#held.set(lease, { parallelKeys });
      return { ok: true, lease: this.#lease(lease, subjects, parallelKeys), headers: rateLimitHeaders(uses, windowEndsIn) };
    }
    const index = Number(reply[0]) - 1;
    const subject = subjects[index]!;
    const kind = String(reply[1]) as LimitKind;
    const used = Number(reply[2]);
    const headers = rateLimitHeaders([{ subject, requests: Number(reply[3]), tokens: Number(reply[4]) }], windowEndsIn);
    const limit = kind === "budget" ? subject.budget!.max : kind === "rpm" ? subject.rpm! : kind === "tpm" ? subject.tpm! : subject.maxParallel!;
    const retryAfterMs = kind === "budget" ? subject.budget!.periodEnd - now : kind === "max_parallel" ? 1000 : windowEndsIn;
    return { ok: false, kind, subject, limit, used, retryAfterMs, headers };
  }

  #lease(id: string, subjects: readonly LimitSubject[], parallelKeys: string[]): Lease {
    let settled = false;
    return {
      settle: ({ totalTokens, cost }) => {
        if (settled) return;
        settled = true;
        this.#held.delete(id);
        const minute = Math.floor(Date.now() / MINUTE_MS);
        const keys: string[] = [];
        for (const s of subjects) keys.push(this.#key("t", s.id, minute), this.#key("p", s.id), this.#budgetKey(s));
        if (totalTokens <= 0 && cost <= 0 && parallelKeys.length === 0) return;
        // Fire and forget: the answer is already on its way; a lost update costs one call's count.
        this.#redis.dheeraSettle(keys.length, ...keys, id, Math.round(totalTokens), cost, subjects.length).catch((err: unknown) => this.#markDown(err));
      },
    };
  }

  /** The database's spend for each budget's period, read once (shared by concurrent first calls). */
  #baseReads(subjects: readonly LimitSubject[]): Promise<void>[] | undefined {
    let reads: Promise<void>[] | undefined;
    for (const s of subjects) {
      const budget = s.budget;
      if (budget === null) continue;
      let base = this.#bases.get(s.id);
      if (base === undefined || base.period !== budget.periodStart) {
        base = { period: budget.periodStart, value: undefined, reading: undefined };
        this.#bases.set(s.id, base);
      }
      if (base.value !== undefined) continue;
      const b = base;
      b.reading ??= budget.spentInDatabase().then(
        (value) => {
          b.value = value;
          b.reading = undefined;
        },
        () => {
          // Unreadable: Redis's own count (if any) stands; the next call tries the database again.
          b.reading = undefined;
        },
      );
      (reads ??= []).push(b.reading);
    }
    return reads;
  }

  #whileDown(subjects: readonly LimitSubject[], now: number | undefined): Admission | Promise<Admission> {
    if (this.options.failureMode === "fail_closed") {
      return Promise.reject(
        new DheeraError("Rate limits cannot be checked right now (the proxy's Redis is unavailable); try again shortly.", {
          status: 503,
          type: "api_error",
          code: "rate_limit_store_unavailable",
          headers: { "retry-after": "1" },
        }),
      );
    }
    return this.#local.admit(subjects, now);
  }

  #markUp(): void {
    if (this.#up) return;
    this.#up = true;
    this.#downReason = undefined;
    // Budgets are read from the database again: what was spent meanwhile is in the spend rows.
    this.#bases.clear();
    if (this.#said) this.options.info("Redis is reachable again: rate limits are shared across replicas again");
    this.#said = false;
  }

  #markDown(err: unknown): void {
    if (this.#closed) return;
    const reason = err instanceof Error ? err.message : String(err);
    this.#up = false;
    this.#downReason ??= reason;
    if (this.#said) return;
    this.#said = true;
    this.options.warn(
      this.options.failureMode === "fail_open"
        ? "Redis is unreachable: counting rate limits in this process until it is back"
        : "Redis is unreachable: refusing calls of keys with limits (503) until it is back (redis_failure_mode: fail_closed)",
      { err: { message: reason } },
    );
  }

  #renew(): void {
    if (!this.#up || this.#held.size === 0) return;
    const keys = [...new Set([...this.#held.values()].flatMap((h) => h.parallelKeys))];
    this.#redis.dheeraRenew(keys.length, ...keys, Date.now() + LEASE_MS, ...this.#held.keys()).catch((err: unknown) => this.#markDown(err));
  }

  #key(kind: string, id: string, minute?: number): string {
    return minute === undefined ? `${this.options.prefix}${kind}:${id}` : `${this.options.prefix}${kind}:${id}:${minute}`;
  }

  #budgetKey(s: LimitSubject): string {
    return s.budget ? `${this.options.prefix}b:${s.id}:${s.budget.periodStart}` : `${this.options.prefix}b:${s.id}:none`;
  }
}

/** Opens the connection without waiting for it: until Redis answers, the store counts locally (or refuses). */
export async function openRedisLimitStore(url: string, options: RedisLimitStoreOptions): Promise<RedisLimitStore> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(url, {
    lazyConnect: true,
    // Fail fast instead of queueing behind a dead connection: a request must not wait on Redis.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(100 * times, 2000),
  });
  const store = new RedisLimitStore(redis, options);
  // A Redis that is down at start is said (once) by the store; the client keeps retrying.
  await redis.connect().catch(() => undefined);
  return store;
}
