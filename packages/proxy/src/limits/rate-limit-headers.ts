import type { LimitSubject, RateLimitHeaders } from "./limit-store.js";

/** What a subject has used of its minute, as `rateLimitHeaders` reads it. */
export interface WindowUse {
  readonly subject: LimitSubject;
  readonly requests: number;
  readonly tokens: number;
}

/**
 * OpenAI's pacing headers for the subjects of a call: for requests and for tokens, the subject
 * with the fewest left decides (its limit, what is left, when its minute ends). A trio is left
 * out when no subject has that limit.
 */
export function rateLimitHeaders(uses: readonly WindowUse[], windowEndsInMs: number): RateLimitHeaders {
  const headers: RateLimitHeaders = {};
  let requests: { limit: number; left: number } | undefined;
  let tokens: { limit: number; left: number } | undefined;
  for (const { subject, requests: used, tokens: usedTokens } of uses) {
    if (subject.rpm !== null) {
      const left = Math.max(0, subject.rpm - used);
      if (requests === undefined || left < requests.left) requests = { limit: subject.rpm, left };
    }
    if (subject.tpm !== null) {
      const left = Math.max(0, subject.tpm - usedTokens);
      if (tokens === undefined || left < tokens.left) tokens = { limit: subject.tpm, left };
    }
  }
  const reset = resetText(windowEndsInMs);
  if (requests) {
    headers["x-ratelimit-limit-requests"] = String(requests.limit);
    headers["x-ratelimit-remaining-requests"] = String(requests.left);
    headers["x-ratelimit-reset-requests"] = reset;
  }
  if (tokens) {
    headers["x-ratelimit-limit-tokens"] = String(tokens.limit);
    headers["x-ratelimit-remaining-tokens"] = String(tokens.left);
    headers["x-ratelimit-reset-tokens"] = reset;
  }
  return headers;
}

/** A duration as OpenAI writes it in `x-ratelimit-reset-*` (Go's style): `250ms`, `1.5s`, `6m0s`, `1h2m3s`. */
export function resetText(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = Number(((total % 60_000) / 1000).toFixed(3));
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
