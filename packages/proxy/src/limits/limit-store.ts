/*
 * Rate limits and budgets of virtual keys and teams: the contract between the request path
 * (auth resolves a key into subjects, admits the call, settles it when done) and the counters,
 * which live in the process by default and in Redis when `redis_url` is set, so that N replicas
 * admit exactly the limit between them.
 */

/** One party whose limits a call counts against: a virtual key, or the team it belongs to. */
export interface LimitSubject {
  /** Stable and unique across kinds: `key:<key_id>` or `team:<team_id>`. */
  readonly id: string;
  /** For messages: `key 'alias'` or `team 'name'`. */
  readonly label: string;
  /** Requests admitted per fixed minute window (aligned to the minute); null = no limit. */
  readonly rpm: number | null;
  /** Tokens (total_tokens of finished calls) per fixed minute window; null = no limit. */
  readonly tpm: number | null;
  /** Calls in flight at once; null = no limit. */
  readonly maxParallel: number | null;
  /** USD per budget period; null = no budget. */
  readonly budget: BudgetLimit | null;
}

export interface BudgetLimit {
  /** USD. */
  readonly max: number;
  /** The current period [start, end), ms since the epoch (from budget_duration, anchored at the key's or team's creation). */
  readonly periodStart: number;
  readonly periodEnd: number;
  /**
   * What the database says was spent in this period when the counter is first needed (spend
   * rows already written, by every replica). The store calls it at most once per subject and
   * period (and again after a Redis outage), never per request once known.
   */
  spentInDatabase(): Promise<number>;
}

/** OpenAI's pacing headers, for successes and 429s alike. Absent members are not sent. */
export type RateLimitHeaders = Partial<
  Record<
    | "x-ratelimit-limit-requests"
    | "x-ratelimit-remaining-requests"
    | "x-ratelimit-reset-requests"
    | "x-ratelimit-limit-tokens"
    | "x-ratelimit-remaining-tokens"
    | "x-ratelimit-reset-tokens",
    string
  >
>;

export type LimitKind = "rpm" | "tpm" | "max_parallel" | "budget";

export type Admission =
  | { readonly ok: true; readonly lease: Lease; readonly headers: RateLimitHeaders }
  | {
      readonly ok: false;
      readonly kind: LimitKind;
      readonly subject: LimitSubject;
      /** The limit (a count, tokens or USD) and what is used of it now. */
      readonly limit: number;
      readonly used: number;
      /** When trying again can succeed: the window's end, the budget period's end; for max_parallel 1 s. */
      readonly retryAfterMs: number;
      readonly headers: RateLimitHeaders;
    };

/** What a call holds from admission to settlement (its parallel slots). Settle exactly once. */
export interface Lease {
  /** Counts the call's tokens and cost and frees its parallel slots. Never throws, never waits on the caller. */
  settle(usage: { totalTokens: number; cost: number }): void;
}

export interface LimitStore {
  /** "memory" or "redis"; "redis (degraded: local counters)" style detail comes from `status()`. */
  readonly backend: "memory" | "redis";
  /**
   * All or nothing across `subjects`: either every subject has room for one more request (rpm,
   * max_parallel), is under its tpm for the window and under its budget, and the request is counted
   * against every one of them; or nothing is counted and the first limit hit is named. Answered
   * at once when nothing needs waiting for (the in-process counters' usual case), else later.
   */
  admit(subjects: readonly LimitSubject[], now?: number): Admission | Promise<Admission>;
  /**
   * What `subject` has spent of its budget in the current period, as admission counts it (the
   * database's spend when first read, plus what settled since); null while that is not known.
   */
  budgetSpent(subject: LimitSubject): Promise<number | null>;
  /** For /health/readiness. */
  status(): { backend: "memory" | "redis"; healthy: boolean; detail?: string };
  close(): Promise<void>;
}
