import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ConfigurationError,
  DheeraError,
  InvalidRequestError,
  NotFoundError,
  ProviderNotInstalledError,
  RateLimitError,
  UnsupportedOperationError,
  UpstreamConnectionError,
  UpstreamError,
  UpstreamTimeoutError,
} from "./dheera-error.js";
import { isAbortError, toOpenAIError } from "./to-openai-error.js";

describe("toOpenAIError", () => {
  it.each([
    ["InvalidRequestError", new InvalidRequestError("bad temperature", { param: "temperature", code: "invalid_value" }), 400, "invalid_request_error", "invalid_value", "temperature"],
    ["AuthenticationError", new AuthenticationError("no key", { code: "invalid_api_key" }), 401, "invalid_request_error", "invalid_api_key", null],
    ["NotFoundError", new NotFoundError("Response with id 'resp_1' not found."), 404, "invalid_request_error", null, null],
    ["RateLimitError", new RateLimitError("Rate limit reached", { code: "rate_limit_exceeded" }), 429, "rate_limit_error", "rate_limit_exceeded", null],
    ["UpstreamError", new UpstreamError("The server is overloaded", { status: 503, code: "slow_down" }), 503, "server_error", "slow_down", null],
    ["UpstreamError with the upstream's type", new UpstreamError("filtered", { status: 400, type: "invalid_request_error", code: "content_filter", param: "prompt" }), 400, "invalid_request_error", "content_filter", "prompt"],
    ["UpstreamConnectionError", new UpstreamConnectionError("Could not reach the upstream h:1."), 502, "api_connection_error", "upstream_unreachable", null],
    ["UpstreamTimeoutError", new UpstreamTimeoutError("The upstream h:1 did not answer in time."), 504, "timeout_error", "upstream_timeout", null],
    ["ConfigurationError", new ConfigurationError("api_base is required", { param: "api_base" }), 400, "invalid_request_error", "configuration_error", "api_base"],
    ["ProviderNotInstalledError", new ProviderNotInstalledError("nope", "@dheera/nope"), 400, "invalid_request_error", "provider_not_installed", "model"],
    ["UnsupportedOperationError", new UnsupportedOperationError("chat only"), 400, "invalid_request_error", "unsupported_operation", null],
    ["DheeraError", new DheeraError("teapot", { status: 418 }), 418, "invalid_request_error", null, null],
  ])("maps %s to its status, type, code and param", (_name, err, status, type, code, param) => {
    expect(toOpenAIError(err)).toStrictEqual({
      status,
      headers: {},
      body: { error: { message: err.message, type, code, param } },
    });
  });

  it("says exactly how to install a missing provider", () => {
    expect(toOpenAIError(new ProviderNotInstalledError("nope", "@dheera/nope")).body.error.message).toBe(
      'Provider "nope" is not installed. Run: npm install @dheera/nope',
    );
  });

  it("keeps the headers to forward (retry-after)", () => {
    const result = toOpenAIError(new RateLimitError("slow down", { headers: { "retry-after": "6", "retry-after-ms": "5400" } }));
    expect(result.headers).toStrictEqual({ "retry-after": "6", "retry-after-ms": "5400" });
  });

  it("returns a copy of the headers, so a caller cannot change the error", () => {
    const err = new RateLimitError("slow down", { headers: { "retry-after": "6" } });
    toOpenAIError(err).headers["retry-after"] = "0";
    expect(err.headers["retry-after"]).toBe("6");
  });

  it("turns an unknown error into a 500 whose message does not echo the original", () => {
    const secret = "postgres://dheera:hunter2@db.internal/keys";
    const result = toOpenAIError(new Error(`connect failed: ${secret}`));
    expect(result).toStrictEqual({
      status: 500,
      headers: {},
      body: { error: { message: "Internal server error", type: "server_error", param: null, code: "internal_error" } },
    });
    expect(JSON.stringify(result)).not.toContain("hunter2");
  });

  it.each([["a string", "sk-live-key"], ["undefined", undefined], ["null", null], ["a number", 42]])("turns a thrown %s into the generic 500", (_label, value) => {
    expect(toOpenAIError(value).status).toBe(500);
    expect(JSON.stringify(toOpenAIError(value))).not.toContain("sk-live-key");
  });

  it("turns an AbortError (DOMException or undici's) into 499", () => {
    for (const err of [new DOMException("aborted", "AbortError"), Object.assign(new Error("Request aborted"), { name: "AbortError", code: "UND_ERR_ABORTED" })]) {
      expect(toOpenAIError(err)).toMatchObject({ status: 499, body: { error: { code: "request_aborted", type: "invalid_request_error" } } });
    }
  });

  it("turns a caller's AbortSignal.timeout() into 504", () => {
    expect(toOpenAIError(new DOMException("timed out", "TimeoutError"))).toMatchObject({ status: 504, body: { error: { type: "timeout_error" } } });
  });

  it("maps an error from another copy of @dheera/core like its own", async () => {
    const copyPath: string = "./dheera-error.js?another-copy";
    const copy = (await import(/* @vite-ignore */ copyPath)) as typeof import("./dheera-error.js");
    const result = toOpenAIError(new copy.RateLimitError("slow down", { headers: { "retry-after": "2" } }));
    expect(result).toStrictEqual({
      status: 429,
      headers: { "retry-after": "2" },
      body: { error: { message: "slow down", type: "rate_limit_error", param: null, code: null } },
    });
  });

  it("still produces a complete OpenAI body from a structural copy that lost its message", () => {
    const copy = { ...new UpstreamTimeoutError("late") }; // spread drops Error's own non-enumerable message
    const result = toOpenAIError(copy);
    expect(result.status).toBe(504);
    expect(result.body.error).toStrictEqual({ message: "The request failed.", type: "timeout_error", param: null, code: "upstream_timeout" });
  });

  it("never answers with a status outside 400-599", () => {
    expect(toOpenAIError(new DheeraError("odd", { status: 200 })).status).toBe(500);
    expect(toOpenAIError(new DheeraError("odd", { status: Number.NaN })).status).toBe(500);
  });
});

describe("isAbortError", () => {
  it("recognises errors by their name only", () => {
    expect(isAbortError(new DOMException("x", "AbortError"))).toBe(true);
    expect(isAbortError(new DOMException("x", "TimeoutError"))).toBe(false);
    expect(isAbortError(new Error("AbortError"))).toBe(false);
    expect(isAbortError(undefined)).toBe(false);
  });
});
