import { describe, expect, it } from "vitest";
import { UpstreamConnectionError, UpstreamError } from "../errors/dheera-error.js";
import { classifyFailure, type FailureKind } from "./failure-class.js";

// The kinds the router retries because the upstream may answer next time.
const TRANSIENT: ReadonlySet<FailureKind> = new Set(["rate_limited", "server", "timeout", "connection"]);

describe("classifyFailure and DheeraError.isRetryable", () => {
  it("agree on every upstream 4xx and 5xx, pinned or not", () => {
    const disagreements = [];
    for (let status = 400; status < 600; status++) {
      const err = new UpstreamError(`HTTP ${status}`, { status });
      for (const pinned of [false, true]) {
        if (TRANSIENT.has(classifyFailure(err, pinned).kind) !== err.isRetryable) disagreements.push({ status, pinned, isRetryable: err.isRetryable });
      }
    }
    expect(disagreements).toEqual([]);
  });

  it("agree on a refused connection and on a timeout", () => {
    for (const err of [new UpstreamConnectionError("connect ECONNREFUSED"), new UpstreamError("no answer in time", { status: 504, type: "timeout_error" })]) {
      expect(err.isRetryable).toBe(true);
      expect(TRANSIENT.has(classifyFailure(err).kind)).toBe(true);
    }
  });

  it("keep the retry class per status", () => {
    expect(classifyFailure(new UpstreamError("x", { status: 429 })).retryClass).toBe("RateLimitErrorRetries");
    expect(classifyFailure(new UpstreamError("x", { status: 408 })).retryClass).toBe("TimeoutErrorRetries");
    expect(classifyFailure(new UpstreamError("x", { status: 503 })).retryClass).toBe("InternalServerErrorRetries");
    expect(classifyFailure(new UpstreamError("x", { status: 409 })).kind).toBe("client");
  });
});
