import { describe, expect, it } from "vitest";
import { RateLimitError } from "../errors/dheera-error.js";
import { inBandFailure, loggedErrorOf, loggingPayloadSchema, type LoggingPayload } from "./logging-payload.js";

const payload: LoggingPayload = {
  id: "0b7e2f5e-4c55-4b0e-9a4e-6f1b0b9f3c11",
  call_type: "responses",
  model: "azure/gpt-4o",
  provider: "azure",
  deployment: "gpt-4o",
  api_base: "https://res.openai.azure.com",
  response_id: "resp_1",
  upstream_request_id: "req_1",
  start_time: "2026-01-01T00:00:00.000Z",
  end_time: "2026-01-01T00:00:01.250Z",
  latency_ms: 1250,
  time_to_first_token_ms: null,
  stream: false,
  usage: { input_tokens: 1000, cached_input_tokens: 200, cache_write_tokens: 0, output_tokens: 500, reasoning_tokens: 0, total_tokens: 1500 },
  cost: 0.00725,
  status: "success",
  error: null,
  metadata: { tenant: "acme" },
};

describe("loggingPayloadSchema", () => {
  it("accepts a complete payload", () => {
    expect(loggingPayloadSchema.parse(payload)).toStrictEqual(payload);
  });

  it("rejects a field it does not list (nothing rides along by accident)", () => {
    expect(loggingPayloadSchema.safeParse({ ...payload, api_key: "secret" }).success).toBe(false);
  });

  it("accepts a failure before any provider was resolved", () => {
    const failure = { ...payload, provider: null, deployment: null, api_base: null, response_id: null, upstream_request_id: null, usage: null, cost: null, status: "failure", error: { status: 400, type: "invalid_request_error", code: "invalid_model", message: "bad" } };
    expect(loggingPayloadSchema.parse(failure)).toStrictEqual(failure);
  });
});

describe("loggedErrorOf", () => {
  it("keeps a DheeraError's status, type, code and message", () => {
    expect(loggedErrorOf(new RateLimitError("Slow down.", { code: "rate_limit_exceeded" }))).toStrictEqual({ status: 429, type: "rate_limit_error", code: "rate_limit_exceeded", message: "Slow down." });
  });

  it("does not echo an unknown error's message (it may hold a secret)", () => {
    expect(loggedErrorOf(new Error("postgres://admin:hunter2@db"))).toStrictEqual({ status: 500, type: "server_error", code: "internal_error", message: "Internal server error" });
  });

  it("reports an abort as 499 request_aborted", () => {
    expect(loggedErrorOf(new DOMException("stop", "AbortError"))).toMatchObject({ status: 499, code: "request_aborted" });
  });
});

describe("inBandFailure", () => {
  it("logs a failure reported inside a 2xx answer as a 500 server_error with the upstream's code and message", () => {
    const logged = inBandFailure({ code: "rate_limit_exceeded", message: "The response failed." });
    expect(logged).toStrictEqual({ status: 500, type: "server_error", code: "rate_limit_exceeded", message: "The response failed." });
    expect(loggingPayloadSchema.shape.error.parse(logged)).toStrictEqual(logged);
  });
});
