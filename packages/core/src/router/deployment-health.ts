import type { FailureClass } from "./failure-class.js";

export type Admission = "yes" | "reluctantly" | "no";

/** Why a deployment is left out for a while. */
export type CooldownReason = "failures" | "rate_limited" | "misconfigured";

export interface HealthRules {
  /** Failures in a row a deployment may have before it cools down. */
  allowedFails: number;
  cooldownMs: number;
  /** Longest `retry-after` waited out; a 429 asking for longer cools the deployment for that long. */
  maxRetryWaitMs: number;
  /** A group of one is never left out: cooling its only deployment down helps nobody. */
  canCoolDown: boolean;
}

const WINDOW_MS = 60_000;
/** Latency samples are averaged with this weight for the newest (latency-based routing). */
const EWMA = 0.3;

/**
 * One deployment's health and load on this process: what the routing strategies and the
 * cooldown rule read. A circuit breaker, with LiteLLM's knobs:
 *
 * - closed: every request may go there. After a failure it is *suspect*: it takes at most
 *   `allowedFails + 1 - failsInARow` requests at a time until one succeeds, so a burst of
 *   concurrent requests cannot all land on a deployment that just broke.
 * - open (cooling down) for `cooldownMs` once it failed more than `allowedFails` times in a row,
 *   or more than `allowedFails` times in the current minute with at least half its requests
 *   failing; at once when it answers 401/403/404 (misconfigured) or a 429 whose retry-after is
 *   longer than the router waits (then for that long).
 * - half-open after the cooldown: one trial request at a time; a success closes it, a failure
 *   opens it again.
 *
 * Sporadic faults under heavy traffic (a few percent) neither fail in a row nor make half the
 * minute's requests, so they never open the breaker.
 */
export class DeploymentHealth {
  inFlight = 0;
  failsInARow = 0;
  cooldownUntil = 0;
  cooldownReason: CooldownReason | undefined;
  /** Latency of successful non-streamed attempts, and time to first byte of streams, ms (EWMA). */
  latencyMs: number | undefined;
  ttftMs: number | undefined;
  #windowStart = 0;
  #requests = 0;
  #fails = 0;
  #tokens = 0;
  #halfOpen = false;
  lastError: string | undefined;

  constructor(
    private readonly rules: HealthRules,
    /** Told when this deployment starts cooling down here (to share it with other processes). */
    private readonly onCooldown?: (until: number, reason: CooldownReason) => void,
  ) {}

  /**
   * A cooldown another process started (shared through Redis by the proxy): the deployment is
   * left out until `until` here too. Counters are not touched; a later cooldown is never shortened.
   */
  coolDownFrom(until: number, reason: CooldownReason, now: number): void {
    if (!this.rules.canCoolDown || until <= now || until <= this.cooldownUntil) return;
    this.cooldownUntil = until;
    this.cooldownReason = reason;
    this.#halfOpen = false;
  }

  /**
   * Whether a new request may go here now: `no` while cooling down (or half-open with its trial
   * in flight), `reluctantly` while suspect and at its share, else `yes`. A router takes a
   * reluctant deployment only when no other will do.
   */
  admission(now: number): Admission {
    if (!this.rules.canCoolDown) return "yes";
    if (this.cooldownUntil > now) return "no";
    if (this.cooldownUntil !== 0) {
      // The cooldown just ended: half-open.
      this.cooldownUntil = 0;
      this.#halfOpen = true;
    }
    if (this.#halfOpen) return this.inFlight === 0 ? "yes" : "no";
    if (this.failsInARow === 0) return "yes";
    return this.inFlight < this.rules.allowedFails + 1 - this.failsInARow ? "yes" : "reluctantly";
  }

  coolingDown(now: number): boolean {
    return this.cooldownUntil > now;
  }

  /** Requests and tokens this minute (usage-based routing). */
  usage(now: number): { requests: number; tokens: number } {
    this.#roll(now);
    return { requests: this.#requests, tokens: this.#tokens };
  }

  /** When this deployment's usage minute is over (usage-based routing counts per minute). */
  windowEndsAt(now: number): number {
    this.#roll(now);
    return this.#windowStart + WINDOW_MS;
  }

  started(now: number): void {
    this.#roll(now);
    this.inFlight++;
    this.#requests++;
  }

  /** The attempt ended: `failure` when the deployment was at fault, else it worked. */
  ended(now: number, outcome: { failure?: FailureClass; latencyMs?: number; ttftMs?: number }): void {
    this.inFlight--;
    this.#roll(now);
    const { failure } = outcome;
    if (!failure) {
      this.failsInARow = 0;
      this.#halfOpen = false;
      if (outcome.latencyMs !== undefined) this.latencyMs = ewma(this.latencyMs, outcome.latencyMs);
      if (outcome.ttftMs !== undefined) this.ttftMs = ewma(this.ttftMs, outcome.ttftMs);
      return;
    }
    this.failsInARow++;
    this.#fails++;
    this.lastError = failure.kind;
    if (!this.rules.canCoolDown) return;
    if (failure.kind === "misconfigured") return this.#open(now, this.rules.cooldownMs, "misconfigured");
    if (failure.kind === "rate_limited" && failure.retryAfterMs !== undefined && failure.retryAfterMs > this.rules.maxRetryWaitMs) {
      return this.#open(now, Math.min(failure.retryAfterMs, 10 * 60_000), "rate_limited");
    }
    const inARow = this.failsInARow > this.rules.allowedFails;
    const share = this.#fails > this.rules.allowedFails && this.#fails * 2 >= this.#requests;
    if (this.#halfOpen || inARow || share) this.#open(now, this.rules.cooldownMs, failure.kind === "rate_limited" ? "rate_limited" : "failures");
  }

  /** The attempt ended in a way that says nothing about the deployment (the caller left). */
  abandoned(): void {
    this.inFlight--;
  }

  /** Tokens a finished request used (usage-based routing). */
  addTokens(now: number, tokens: number): void {
    this.#roll(now);
    this.#tokens += tokens;
  }

  #open(now: number, forMs: number, reason: CooldownReason): void {
    this.cooldownUntil = now + Math.max(1, forMs);
    this.cooldownReason = reason;
    this.failsInARow = 0;
    this.#halfOpen = false;
    this.#fails = 0;
    this.onCooldown?.(this.cooldownUntil, reason);
  }

  #roll(now: number): void {
    if (now - this.#windowStart < WINDOW_MS) return;
    this.#windowStart = now;
    this.#requests = 0;
    this.#fails = 0;
    this.#tokens = 0;
  }
}

function ewma(previous: number | undefined, sample: number): number {
  return previous === undefined ? sample : previous + EWMA * (sample - previous);
}
