import assert from "node:assert/strict";
import type { z } from "zod";
import { AuthenticationError, DheeraError, NotFoundError, RateLimitError, UpstreamConnectionError } from "../../errors/dheera-error.js";
import { isAbortError } from "../../errors/to-openai-error.js";
import { priceEntrySchema } from "../../cost/price-entry.js";
import { normalizeUsage } from "../../cost/token-usage.js";
import type { Transport } from "../../http/transport.js";
import type { Deployment } from "../../provider/deployment.js";
import { parseModelReference } from "../../provider/model-reference.js";
import type { ProviderPlugin } from "../../provider/provider-plugin.js";
import { chatCompletionChunkSchema, chatCompletionSchema } from "../../wire/chat-completion.js";
import { responseObjectSchema } from "../../wire/response-object.js";
import { TERMINAL_RESPONSE_EVENT_TYPES } from "../../wire/responses-stream-events.js";
import { hasKeyDeep, recordingTransport, type RecordingTransport } from "./recording-transport.js";

/** What a provider author gives the suite. */
export interface ProviderConformanceOptions {
  /** The plugin under test (what the package default-exports). */
  plugin: ProviderPlugin;
  /**
   * Starts the upstream the provider talks to (its emulator, on loopback) and returns the
   * settings that point the provider at it, plus how to stop it. Called once per suite.
   */
  start(): Promise<{ settings: Record<string, unknown>; close(): Promise<void> }>;
  /** Model references to test: one that serves the Responses API, one that serves Chat; either may be left out. */
  models: { responses?: string; chat?: string };
  /** The responses deployment stores responses: retrieve, delete (and input items) are checked. Default false. */
  stored?: boolean;
  /**
   * The error body the upstream sends for a status, to check error mapping with answers in the
   * upstream's own dialect. Default: OpenAI's `{"error":{"message","type","param","code"}}`.
   */
  errorBody?: (status: number) => string;
  /** Prices: a model reference the provider prices, and one it does not (its price must be `null`, never 0). */
  prices?: { priced?: string; unpriced?: string };
  /**
   * Unknown request parameters reach the upstream untouched (checked with a probe parameter).
   * A provider whose upstream cannot take them opts out by saying why.
   */
  passThrough?: true | { skip: string };
  /** The transport under the recording one; default the host's `undiciTransport` equivalent the author passes. */
  transport: Transport;
}

export interface ConformanceContext {
  recorder: RecordingTransport;
  settings: Record<string, unknown>;
  /** Resolves a model reference with the suite's settings and recording transport. */
  deployment(reference: string, settings?: Record<string, unknown>): Deployment;
}

export interface ConformanceCheck {
  name: string;
  /** Why the check does not apply to this provider, when it does not. */
  skip?: string;
  run(ctx: ConformanceContext): Promise<void>;
}

const PROBE = "dheera_conformance_probe";
const USER = (content: string) => ({ role: "user" as const, content });

export function createConformanceContext(options: ProviderConformanceOptions, settings: Record<string, unknown>): ConformanceContext {
  const recorder = recordingTransport(options.transport);
  return {
    recorder,
    settings,
    deployment(reference, override) {
      const parsed = parseModelReference(reference);
      assert.ok(parsed, `"${reference}" is not a <provider>/<model> reference`);
      const valid = options.plugin.settingsSchema.parse(override ?? settings);
      return options.plugin.resolve(parsed, valid as never, { transport: recorder.transport, env: {} });
    },
  };
}

/** Every check, in order; a check that does not apply says why in `skip`. */
export function conformanceChecks(options: ProviderConformanceOptions): ConformanceCheck[] {
  const { models } = options;
  const noResponses = models.responses ? undefined : "no Responses model given";
  const noChat = models.chat ? undefined : "no Chat model given";
  const anyModel = (models.responses ?? models.chat)!;
  const errorBody = options.errorBody ?? ((status: number) => JSON.stringify({ error: { message: `synthetic ${status}`, type: status === 429 ? "rate_limit_error" : "invalid_request_error", param: null, code: null } }));
  const callAny = (d: Deployment, signal?: AbortSignal) =>
    d.responses ? d.responses.create({ model: "m", input: "hi" }, signal ? { signal } : undefined) : d.chat!.create({ model: "m", messages: [USER("hi")] }, signal ? { signal } : undefined);

  const errorCase = (status: number, expected: { kind?: new (...a: never[]) => DheeraError; retryable: boolean; headers?: Record<string, string> }): ConformanceCheck => ({
    name: `maps an upstream ${status} to ${expected.kind?.name ?? "a DheeraError"} (retryable: ${expected.retryable})`,
    async run(ctx) {
      const d = ctx.deployment(anyModel);
      ctx.recorder.answerNext({ status, headers: expected.headers ?? {}, body: errorBody(status) });
      const err = await callAny(d).then(
        () => assert.fail(`an upstream ${status} did not fail the call`),
        (e: unknown) => e,
      );
      assert.ok(DheeraError.isInstance(err), `an upstream ${status} must become a DheeraError, got ${String(err)}`);
      if (expected.kind) assert.ok(err instanceof expected.kind, `an upstream ${status} must be a ${expected.kind.name}, got ${err.name}`);
      assert.equal(err.status, status, "the error keeps the upstream's status");
      assert.equal(err.provider, options.plugin.id, "the error names its provider");
      assert.equal(err.isRetryable, expected.retryable, `isRetryable for ${status}`);
      for (const [name, value] of Object.entries(expected.headers ?? {})) assert.equal(err.headers[name], value, `the error keeps the upstream's ${name} header`);
      for (const secret of secretsOf(ctx.settings)) assert.ok(!JSON.stringify({ m: err.message, h: err.headers, u: err.upstreamError }).includes(secret), "a setting's secret appears in the error");
    },
  });

  return [
    {
      name: "responses.create answers a Response object with usage",
      ...(noResponses ? { skip: noResponses } : {}),
      async run(ctx) {
        const d = ctx.deployment(models.responses!);
        assert.ok(d.responses, "the deployment serves no Responses API");
        const { body, status } = await d.responses.create({ model: "m", input: "Tell me about a unicorn." });
        assert.equal(status, 200);
        shape(responseObjectSchema, body, "Response object");
        assert.ok(normalizeUsage(body.usage), "the Response carries usage");
      },
    },
    {
      name: "responses.stream: response.created first, sequence numbers in order, one terminal event last, usage known",
      ...(noResponses ? { skip: noResponses } : {}),
      async run(ctx) {
        const d = ctx.deployment(models.responses!);
        const result = await d.responses!.stream({ model: "m", input: "Tell me about a unicorn." });
        const events: { type: string; sequence_number?: number; response?: { usage?: unknown } }[] = [];
        for await (const event of result.stream) events.push(event as never);
        assert.ok(events.length >= 3, "a stream of at least created, a delta and a terminal event");
        assert.equal(events[0]!.type, "response.created", "the first event");
        const terminals = events.filter((e) => TERMINAL_RESPONSE_EVENT_TYPES.has(e.type));
        assert.equal(terminals.length, 1, "exactly one terminal event");
        assert.equal(events.at(-1), terminals[0], "the terminal event is the last one");
        const numbers = events.map((e) => e.sequence_number);
        if (numbers.every((n) => typeof n === "number")) {
          for (let i = 1; i < numbers.length; i++) assert.ok(numbers[i]! > numbers[i - 1]!, "sequence_number increases");
        }
        const usage = normalizeUsage(terminals[0]!.response?.usage) ?? result.usage?.() ?? result.accounting?.usage ?? null;
        assert.ok(usage, "the stream's usage is known once it ends");
      },
    },
    {
      name: "chat.create answers a chat.completion with usage",
      ...(noChat ? { skip: noChat } : {}),
      async run(ctx) {
        const d = ctx.deployment(models.chat!);
        assert.ok(d.chat, "the deployment serves no Chat Completions");
        const { body } = await d.chat.create({ model: "m", messages: [USER("Hello world")] });
        shape(chatCompletionSchema, body, "chat.completion");
        assert.ok(normalizeUsage(body.usage), "the chat.completion carries usage");
      },
    },
    {
      name: "chat.stream: the answer's chunks share one id, the last choice has a finish_reason, usage with include_usage",
      ...(noChat ? { skip: noChat } : {}),
      async run(ctx) {
        const d = ctx.deployment(models.chat!);
        const result = await d.chat!.stream({ model: "m", messages: [USER("Hello world")], stream: true, stream_options: { include_usage: true } });
        const chunks = [];
        for await (const chunk of result.stream) chunks.push(chunk);
        for (const chunk of chunks) shape(chatCompletionChunkSchema, chunk, "chat.completion.chunk");
        // Chunks that carry nothing but upstream metadata (Azure's prompt filter results, with an
        // empty id and no choices) are not part of the answer.
        const answer = chunks.filter((c) => c.choices.length > 0 || c.usage);
        assert.equal(new Set(answer.map((c) => c.id)).size, 1, "every chunk of the answer has the same id");
        const withChoices = chunks.filter((c) => c.choices.length > 0);
        assert.ok(withChoices.at(-1)?.choices[0]?.finish_reason, "the last choice chunk has a finish_reason");
        assert.ok(chunks.some((c) => normalizeUsage(c.usage)) || result.usage?.() || result.accounting?.usage, "usage is reported with include_usage");
      },
    },
    {
      name: "unknown request parameters reach the upstream untouched",
      ...(options.passThrough && options.passThrough !== true ? { skip: options.passThrough.skip } : {}),
      async run(ctx) {
        if (models.responses) {
          const d = ctx.deployment(models.responses);
          await d.responses!.create({ model: "m", input: "hi", [PROBE]: "x" });
          assert.ok(hasKeyDeep(ctx.recorder.exchanges.at(-1)!.json, PROBE), "a Responses request's unknown parameter did not reach the upstream");
        }
        if (models.chat) {
          const d = ctx.deployment(models.chat);
          await d.chat!.create({ model: "m", messages: [USER("hi")], [PROBE]: "x" });
          assert.ok(hasKeyDeep(ctx.recorder.exchanges.at(-1)!.json, PROBE), "a Chat request's unknown parameter did not reach the upstream");
        }
      },
    },
    {
      name: "stored responses: retrieve finds one, delete removes it, retrieve then answers NotFoundError",
      ...(noResponses ? { skip: noResponses } : options.stored ? {} : { skip: "the provider stores no responses (stored: false)" }),
      async run(ctx) {
        const d = ctx.deployment(models.responses!);
        const { body } = await d.responses!.create({ model: "m", input: "hi", store: true });
        const found = await d.responses!.retrieve(body.id);
        assert.equal(found.body.id, body.id);
        const items = await d.responses!.listInputItems(body.id);
        assert.ok(Array.isArray(items.body.data), "input items are a list");
        const deleted = await d.responses!.delete(body.id);
        assert.equal(deleted.body.deleted, true);
        const gone = await d.responses!.retrieve(body.id).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(gone instanceof NotFoundError, "a deleted response is NotFoundError");
      },
    },
    errorCase(400, { retryable: false }),
    errorCase(401, { kind: AuthenticationError, retryable: false }),
    errorCase(404, { kind: NotFoundError, retryable: false }),
    errorCase(429, { kind: RateLimitError, retryable: true, headers: { "retry-after": "3" } }),
    errorCase(500, { retryable: true }),
    errorCase(503, { retryable: true }),
    {
      name: "an unreachable upstream is an UpstreamConnectionError, retryable",
      async run(ctx) {
        const d = ctx.deployment(anyModel);
        ctx.recorder.redirectNext(`http://127.0.0.1:${await closedPort()}/`);
        const err = await callAny(d).then(
          () => assert.fail("a refused connection did not fail the call"),
          (e: unknown) => e,
        );
        assert.ok(err instanceof UpstreamConnectionError || (DheeraError.isInstance(err) && err.type === "api_connection_error"), `got ${String(err)}`);
        assert.equal((err as DheeraError).isRetryable, true);
      },
    },
    {
      name: "aborting a stream mid-way lets go of the upstream request",
      async run(ctx) {
        const d = ctx.deployment(anyModel);
        const controller = new AbortController();
        const result = d.responses
          ? await d.responses.stream({ model: "m", input: "Tell me a long story." }, { signal: controller.signal })
          : await d.chat!.stream({ model: "m", messages: [USER("Tell me a long story.")], stream: true }, { signal: controller.signal });
        const sent = ctx.recorder.exchanges.at(-1)!.request;
        const iterator = (result.stream as AsyncIterable<unknown>)[Symbol.asyncIterator]();
        await iterator.next();
        controller.abort();
        await iterator.return?.();
        assert.ok(sent.signal?.aborted, "the upstream request's signal was not aborted: the connection stays open");
      },
    },
    {
      name: "a call whose signal is already aborted rejects with an abort error, without hanging",
      async run(ctx) {
        const d = ctx.deployment(anyModel);
        const err = await callAny(d, AbortSignal.abort()).then(
          () => assert.fail("an aborted call succeeded"),
          (e: unknown) => e,
        );
        assert.ok(isAbortError(err), `expected an AbortError, got ${String(err)}`);
      },
    },
    {
      name: "prices: a priced model has a valid price, an unpriced one null (never 0)",
      ...(options.prices ? {} : { skip: "no prices given" }),
      async run(ctx) {
        if (options.prices?.priced) {
          const price = ctx.deployment(options.prices.priced).price;
          assert.ok(price, `${options.prices.priced} has no price`);
          shape(priceEntrySchema, price, "price entry");
        }
        if (options.prices?.unpriced) assert.equal(ctx.deployment(options.prices.unpriced).price ?? null, null, `${options.prices.unpriced} must be priced null`);
      },
    },
  ];
}

function shape<T>(schema: z.ZodType<T>, value: unknown, what: string): void {
  const parsed = schema.safeParse(value);
  assert.ok(parsed.success, `not a valid ${what}: ${parsed.success ? "" : parsed.error.message}`);
}

/** String settings whose names say they are secret: they must never reach an error. */
function secretsOf(settings: Record<string, unknown>): string[] {
  return Object.entries(settings)
    .filter(([k, v]) => /key|token|secret|password/i.test(k) && typeof v === "string" && v.length >= 6)
    .map(([, v]) => v as string);
}

async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
