import assert from "node:assert/strict";
import { AuthenticationError, DheeraError, NotFoundError, RateLimitError, UpstreamConnectionError } from "../../errors/dheera-error.js";
import type { Deployment } from "../../provider/deployment.js";
import { closedPort } from "../test-server.js";
import type { ConformanceCheck, ConformanceContext, ProviderConformanceOptions } from "./conformance-options.js";
import type { SyntheticAnswer } from "./recording-transport.js";

/*
 * Error mapping, checked provider-agnostically: the suite's transport answers the provider's
 * next upstream call itself (in the upstream's dialect, `errorBody`), or sends it to a closed
 * port, and the error the operation throws is what the router and the error body rely on.
 */

type ErrorKind = abstract new (...args: never[]) => DheeraError;
interface Expected {
  kind?: ErrorKind;
  retryable: boolean;
  headers?: Record<string, string>;
}

/** OpenAI's error body; its 401 quotes the refused key, as OpenAI's does. */
export function openAIErrorBody(status: number, secrets: readonly string[]): string {
  const message = status === 401 ? `Incorrect API key provided: ${secrets.join(", ") || "(none)"}.` : `synthetic ${status}`;
  const type = status === 429 ? "rate_limit_error" : status >= 500 ? "server_error" : "invalid_request_error";
  const code = status === 401 ? "invalid_api_key" : null;
  return JSON.stringify({ error: { message, type, param: null, code } });
}

export function errorChecks(options: ProviderConformanceOptions): ConformanceCheck[] {
  const { models } = options;
  const anyModel = (models.responses ?? models.chat)!;
  const answer = (ctx: ConformanceContext, status: number, headers: Record<string, string> = {}): SyntheticAnswer => {
    const given = (options.errorBody ?? openAIErrorBody)(status, ctx.secrets);
    const { body, headers: own } = typeof given === "string" ? { body: given, headers: {} } : given;
    return { status, body, headers: { ...own, ...headers } };
  };

  const errorCase = (status: number, expected: Expected, via: "create" | "stream" = "create"): ConformanceCheck => ({
    name: `maps an upstream ${status}${via === "stream" ? " (on a stream request)" : ""} to ${expected.kind?.name ?? "a DheeraError"} (retryable: ${expected.retryable})${status === 401 ? ", the refused key not shown" : ""}`,
    async run(ctx) {
      const d = ctx.deployment(anyModel);
      ctx.recorder.answerNext(answer(ctx, status, expected.headers));
      const err = await rejection(via === "create" ? callAny(d) : streamAny(d), `an upstream ${status} did not fail the call`);
      assertDheeraError(err, `an upstream ${status}`);
      // By name too: a provider may bring its own copy of @dheera/core, where instanceof fails.
      if (expected.kind) assert.ok(err instanceof expected.kind || (err as Error).name === expected.kind.name, `an upstream ${status} must be a ${expected.kind.name}, got ${err.name}`);
      assert.equal(err.status, status, "the error keeps the upstream's status");
      assert.equal(err.provider, options.plugin.id, "the error names its provider");
      assert.equal(err.isRetryable, expected.retryable, `isRetryable for ${status}`);
      for (const [name, value] of Object.entries(expected.headers ?? {})) assert.equal(err.headers[name], value, `the error keeps the upstream's ${name} header`);
      assertNoSecret(err, ctx.secrets);
    },
  });

  return [
    errorCase(400, { retryable: false }),
    errorCase(401, { kind: AuthenticationError, retryable: false }),
    errorCase(404, { kind: NotFoundError, retryable: false }),
    errorCase(429, { kind: RateLimitError, retryable: true, headers: { "retry-after": "3" } }),
    errorCase(500, { retryable: true }),
    errorCase(503, { retryable: true }),
    // Hosts stream most calls: a refusal before the first event is mapped the same way.
    errorCase(429, { kind: RateLimitError, retryable: true, headers: { "retry-after": "3" } }, "stream"),
    errorCase(401, { kind: AuthenticationError, retryable: false }, "stream"),
    {
      name: "an unreachable upstream is an UpstreamConnectionError, retryable",
      async run(ctx) {
        const d = ctx.deployment(anyModel);
        ctx.recorder.redirectNext(`http://127.0.0.1:${await closedPort()}/`);
        const err = await rejection(callAny(d), "a refused connection did not fail the call");
        assertDheeraError(err, "a refused connection");
        assert.ok(err instanceof UpstreamConnectionError || err.name === UpstreamConnectionError.name || err.type === "api_connection_error", `a refused connection must be an UpstreamConnectionError, got ${err.name} (${err.type})`);
        assert.equal(err.isRetryable, true);
        assert.equal(err.provider ?? options.plugin.id, options.plugin.id, "the error names no other provider");
        assertNoSecret(err, ctx.secrets);
      },
    },
  ];
}

const USER = (content: string) => ({ role: "user" as const, content });

/** A non-streaming call on whichever API the deployment serves. */
export function callAny(d: Deployment, signal?: AbortSignal): Promise<unknown> {
  const options = signal ? { signal } : undefined;
  return d.responses ? d.responses.create({ model: "m", input: "hi" }, options) : d.chat!.create({ model: "m", messages: [USER("hi")] }, options);
}

/** A streaming call read to its end, on whichever API the deployment serves. */
async function streamAny(d: Deployment): Promise<void> {
  const result = d.responses ? await d.responses.stream({ model: "m", input: "hi" }) : await d.chat!.stream({ model: "m", messages: [USER("hi")], stream: true });
  for await (const _ of result.stream as AsyncIterable<unknown>) void _;
}

export async function rejection(call: Promise<unknown>, message: string): Promise<unknown> {
  return call.then(
    () => assert.fail(message),
    (e: unknown) => e,
  );
}

function assertDheeraError(err: unknown, what: string): asserts err is DheeraError {
  assert.ok(DheeraError.isInstance(err), `${what} must become a DheeraError, got ${String(err)}`);
}

function assertNoSecret(err: DheeraError, secrets: readonly string[]): void {
  const shown = JSON.stringify({ message: err.message, headers: err.headers, upstreamError: err.upstreamError, code: err.code, param: err.param });
  for (const secret of secrets) assert.ok(!shown.includes(secret), "a secret from the settings appears in the error");
}
