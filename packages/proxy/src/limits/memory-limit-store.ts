import type { Admission, LimitKind, LimitStore, LimitSubject, Lease } from "./limit-store.js";
import { rateLimitHeaders, type WindowUse } from "./rate-limit-headers.js";

const MINUTE_MS = 60_000;

/** One subject's counters in this process. */
interface Counters {
  /** The minute (`floor(now / 60000)`) `requests` and `tokens` count in. */
  minute: number;
  requests: number;
  tokens: number;
  inFlight: number;
  /** The budget period (its start) `spent` counts in; NaN before the first budget check. */
  period: number;
  /** Spend in the database for `period` when first needed, plus what settled here since. */
  spent: number;
  /** Whether the database's part of `spent` is known (false: being read, or the read failed). */
  baseKnown: boolean;
  reading: Promise<void> | undefined;
}

/**
 * The limit counters of one process: the default, and what a Redis store falls back on while
 * Redis is away. Counting is synchronous; only the first check of a budget in a period waits,
 * for the database's spend so far (read once, shared by concurrent first calls).
 */
export class MemoryLimitStore implements LimitStore {
  readonly backend = "memory" as const;
  readonly #counters = new Map<string, Counters>();

  admit(subjects: readonly LimitSubject[], now?: number): Admission | Promise<Admission> {
    const at = now ?? Date.now();
    const reads = this.#budgetReads(subjects, at);
    // No promise when no budget read is pending: a call on the in-process counters takes no extra turn.
    if (reads === undefined) return this.admitNow(subjects, at);
    return Promise.all(reads).then(() => this.admitNow(subjects, now ?? Date.now()));
  }

  /** The admission once every budget's database spend is known (or given up on for now). */
  admitNow(subjects: readonly LimitSubject[], now: number): Admission {
    const minute = Math.floor(now / MINUTE_MS);
    const windowEndsIn = (minute + 1) * MINUTE_MS - now;
    const counters = subjects.map((s) => this.#of(s, minute));
    for (let i = 0; i < subjects.length; i++) {
      const subject = subjects[i]!;
      const c = counters[i]!;
      const refusal = refusalOf(subject, c, now, windowEndsIn);
      if (refusal) return { ok: false, subject, ...refusal, headers: rateLimitHeaders(uses(subjects, counters), windowEndsIn) };
    }
    for (const c of counters) {
      c.requests++;
      c.inFlight++;
    }
    return { ok: true, lease: this.#lease(subjects, counters), headers: rateLimitHeaders(uses(subjects, counters), windowEndsIn) };
  }

  async budgetSpent(subject: LimitSubject): Promise<number | null> {
    const budget = subject.budget;
    if (budget === null) return null;
    const now = Date.now();
    const reads = this.#budgetReads([subject], now);
    if (reads !== undefined) await Promise.all(reads);
    const c = this.#counters.get(subject.id);
    return c !== undefined && c.period === budget.periodStart && c.baseKnown ? c.spent : null;
  }

  status() {
    return { backend: "memory" as const, healthy: true };
  }

  async close(): Promise<void> {}

  /** Database reads a budget check must wait for; undefined when none (the usual case). */
  #budgetReads(subjects: readonly LimitSubject[], now: number): Promise<void>[] | undefined {
    let reads: Promise<void>[] | undefined;
    for (const subject of subjects) {
      const budget = subject.budget;
      if (budget === null) continue;
      const c = this.#of(subject, Math.floor(now / MINUTE_MS));
      if (c.period !== budget.periodStart) {
        c.period = budget.periodStart;
        c.spent = 0;
        c.baseKnown = false;
        c.reading = undefined;
      }
      if (c.baseKnown) continue;
      c.reading ??= budget.spentInDatabase().then(
        (spent) => {
          if (c.period !== budget.periodStart) return;
          c.spent += spent;
          c.baseKnown = true;
          c.reading = undefined;
        },
        // Unreadable (the database is down): count from what settled here; the next call tries again.
        () => {
          c.reading = undefined;
        },
      );
      (reads ??= []).push(c.reading);
    }
    return reads;
  }

  #of(subject: LimitSubject, minute: number): Counters {
    let c = this.#counters.get(subject.id);
    if (c === undefined) {
      c = { minute, requests: 0, tokens: 0, inFlight: 0, period: Number.NaN, spent: 0, baseKnown: false, reading: undefined };
      this.#counters.set(subject.id, c);
    } else if (c.minute !== minute) {
      c.minute = minute;
      c.requests = 0;
      c.tokens = 0;
    }
    return c;
  }

  #lease(subjects: readonly LimitSubject[], counters: Counters[]): Lease {
    let settled = false;
    return {
      settle: ({ totalTokens, cost }) => {
        if (settled) return;
        settled = true;
        const minute = Math.floor(Date.now() / MINUTE_MS);
        for (let i = 0; i < counters.length; i++) {
          const c = this.#of(subjects[i]!, minute);
          c.inFlight = Math.max(0, c.inFlight - 1);
          c.tokens += totalTokens;
          c.spent += cost;
        }
      },
    };
  }
}

function refusalOf(subject: LimitSubject, c: Counters, now: number, windowEndsIn: number): { kind: LimitKind; limit: number; used: number; retryAfterMs: number } | undefined {
  const budget = subject.budget;
  if (budget !== null && c.spent >= budget.max) return { kind: "budget", limit: budget.max, used: c.spent, retryAfterMs: budget.periodEnd - now };
  if (subject.maxParallel !== null && c.inFlight >= subject.maxParallel) return { kind: "max_parallel", limit: subject.maxParallel, used: c.inFlight, retryAfterMs: 1000 };
  if (subject.rpm !== null && c.requests >= subject.rpm) return { kind: "rpm", limit: subject.rpm, used: c.requests, retryAfterMs: windowEndsIn };
  if (subject.tpm !== null && c.tokens >= subject.tpm) return { kind: "tpm", limit: subject.tpm, used: c.tokens, retryAfterMs: windowEndsIn };
  return undefined;
}

function uses(subjects: readonly LimitSubject[], counters: readonly Counters[]): WindowUse[] {
  return subjects.map((subject, i) => ({ subject, requests: counters[i]!.requests, tokens: counters[i]!.tokens }));
}
