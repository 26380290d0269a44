import { describe, expect, it } from "vitest";
import { AuthenticationError, NotFoundError, RateLimitError, UpstreamError } from "../errors/dheera-error.js";
import { mapOpenAIStyleError } from "./openai-style-error.js";

const map = (status: number, bodyText: string, headers: Record<string, string> = {}, secrets: string[] = []) =>
  mapOpenAIStyleError({ status, bodyText, headers, secrets }, { provider: "openai", displayName: "OpenAI" });

describe("mapOpenAIStyleError", () => {
  it("reads OpenAI's envelope, keeping type, code, param and the object itself", () => {
    const err = map(400, JSON.stringify({ error: { message: "Unknown parameter: 'foo'.", type: "invalid_request_error", param: "foo", code: "unknown_parameter", extra: 1 } }));
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ status: 400, type: "invalid_request_error", code: "unknown_parameter", param: "foo", provider: "openai", message: "Unknown parameter: 'foo'." });
    expect(err.upstreamError).toMatchObject({ extra: 1 });
    expect(err.isRetryable).toBe(false);
  });

  it.each([
    ["Ollama's bare string", 404, '{"error":"model \\"llama9\\" not found, try pulling it first"}', 'model "llama9" not found, try pulling it first', NotFoundError],
    ["vLLM's top-level error object", 400, '{"object":"error","message":"max_tokens must be at least 1","type":"BadRequestError","param":null,"code":400}', "max_tokens must be at least 1", UpstreamError],
    ["FastAPI's detail", 404, '{"detail":"Not Found"}', "Not Found", NotFoundError],
    ["an HTML page from a gateway", 502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "OpenAI returned HTTP 502: 502 Bad Gateway", UpstreamError],
  ])("reads %s", (_, status, body, message, kind) => {
    const err = map(status, body);
    expect(err).toBeInstanceOf(kind);
    expect(err.message).toBe(message);
  });

  it("maps 401 and 429 to their classes, keeps retry headers and the request id, and says which are retryable", () => {
    const auth = map(401, '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}');
    expect(auth).toBeInstanceOf(AuthenticationError);
    expect(auth.isRetryable).toBe(false);
    const limited = map(429, '{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}', { "Retry-After": "2", "x-request-id": "req_1", "set-cookie": "x" });
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited.headers).toEqual({ "retry-after": "2" });
    expect(limited.upstreamRequestId).toBe("req_1");
    expect(limited.isRetryable).toBe(true);
    expect(map(503, "").isRetryable).toBe(true);
  });

  it("never lets a secret through, in the body or in headers", () => {
    const err = map(400, JSON.stringify({ error: { message: "bad key sk-live-123456 in request" } }), { "x-ratelimit-note": "sk-live-123456" }, ["sk-live-123456"]);
    expect(JSON.stringify({ m: err.message, h: err.headers, u: err.upstreamError })).not.toContain("sk-live-123456");
  });
});
