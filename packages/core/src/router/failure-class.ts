import { DheeraError, isRetryableError } from "../errors/dheera-error.js";
import { isAbortError } from "../errors/to-openai-error.js";
import type { RetryClass } from "./router-settings.js";

/**
 * What a failed attempt means for routing. `deployment` failures (the upstream is down, slow,
 * overloaded or misconfigured) count against the deployment's health and are worth another
 * attempt; `client` failures (the request itself is wrong) are answered as they are; context
 * window and content filter refusals go to their own fallback lists.
 */
export type FailureKind =
  | "rate_limited"
  | "server"
  | "timeout"
  | "connection"
  | "misconfigured"
  | "context_window"
  | "content_policy"
  | "client"
  | "aborted"
  | "unknown";

export interface FailureClass {
  kind: FailureKind;
  /** The deployment is at fault: its health counts it, and another attempt may succeed. */
  deploymentFault: boolean;
  /** The retry_policy key whose count applies; null: never retried. */
  retryClass: RetryClass | null;
  /** The upstream's `retry-after-ms` / `retry-after`, in ms, when it sent one. */
  retryAfterMs: number | undefined;
}

/**
 * Classifies an attempt's error. `pinned`: the request must stay on this deployment (it holds the
 * state the request names), so a 404 means the state is gone, not that the deployment is wrong.
 */
export function classifyFailure(err: unknown, pinned = false): FailureClass {
  if (isAbortError(err)) return { kind: "aborted", deploymentFault: false, retryClass: null, retryAfterMs: undefined };
  if (!DheeraError.isInstance(err)) return { kind: "unknown", deploymentFault: false, retryClass: null, retryAfterMs: undefined };
  const retryAfterMs = retryAfterOf(err.headers);
  const code = err.code ?? "";
  if (code === "context_length_exceeded" || code === "string_above_max_length" && err.param === "input") {
    return { kind: "context_window", deploymentFault: false, retryClass: null, retryAfterMs };
  }
  if (code === "content_filter" || code === "content_policy_violation") {
    return { kind: "content_policy", deploymentFault: false, retryClass: "ContentPolicyViolationErrorRetries", retryAfterMs };
  }
  // Our transport's own errors: unreachable, reset before the answer, no answer in time.
  if (err.type === "api_connection_error") return { kind: "connection", deploymentFault: true, retryClass: "InternalServerErrorRetries", retryAfterMs };
  if (err.type === "timeout_error") return { kind: "timeout", deploymentFault: true, retryClass: "TimeoutErrorRetries", retryAfterMs };
  // The error's own word on being transient (DheeraError.isRetryable) decides; the status only picks the class.
  if (isRetryableError(err)) {
    if (err.status === 429) return { kind: "rate_limited", deploymentFault: true, retryClass: "RateLimitErrorRetries", retryAfterMs };
    if (err.status === 408 || err.status === 504) return { kind: "timeout", deploymentFault: true, retryClass: "TimeoutErrorRetries", retryAfterMs };
    return { kind: "server", deploymentFault: true, retryClass: "InternalServerErrorRetries", retryAfterMs };
  }
  if (!pinned && (err.status === 401 || err.status === 403 || err.status === 404)) {
    return { kind: "misconfigured", deploymentFault: true, retryClass: "AuthenticationErrorRetries", retryAfterMs };
  }
  return { kind: "client", deploymentFault: false, retryClass: err.status >= 400 && err.status < 500 ? "BadRequestErrorRetries" : null, retryAfterMs };
}

/** `retry-after-ms` wins (Azure and OpenAI send both); `retry-after` is seconds or an HTTP date. */
export function retryAfterOf(headers: Readonly<Record<string, string>> | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const msValue = headers["retry-after-ms"];
  if (msValue !== undefined) {
    const n = Number(msValue);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const value = headers["retry-after"];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
