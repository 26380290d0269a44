import assert from "node:assert/strict";
import type { z } from "zod";
import { StreamAccounting } from "../../cost/stream-accounting.js";
import { normalizeUsage, type TokenUsage } from "../../cost/token-usage.js";
import type { WireStreamResult } from "../../provider/deployment.js";
import { decodeSse } from "../../sse/sse-decoder.js";
import { chatCompletionChunkSchema, type ChatCompletionChunk } from "../../wire/chat-completion.js";
import { TERMINAL_RESPONSE_EVENT_TYPES } from "../../wire/responses-stream-events.js";

/*
 * What hosts rely on in a stream, read the two ways they read it: as events (the SDK iterates
 * `result.stream`) and as SSE bytes (the proxy relays `result.stream.toSse()` and reads usage on
 * the side, or takes the provider's `accounting`).
 */

export function assertShape<T>(schema: z.ZodType<T>, value: unknown, what: string): void {
  const parsed = schema.safeParse(value);
  assert.ok(parsed.success, `not a valid ${what}: ${parsed.success ? "" : parsed.error.message}`);
}

type ResponsesEvent = { type: string; sequence_number?: number; response?: { id?: string; usage?: unknown } };

/** `response.created` first, sequence numbers increasing, exactly one terminal event, last. */
export function assertResponsesEventOrder(events: readonly ResponsesEvent[]): void {
  assert.ok(events.length >= 3, `a stream of at least created, a delta and a terminal event; got ${events.map((e) => e.type).join(", ")}`);
  for (const event of events) assert.equal(typeof event.type, "string", "every event has a type");
  assert.equal(events[0]!.type, "response.created", "the first event");
  const terminals = events.filter((e) => TERMINAL_RESPONSE_EVENT_TYPES.has(e.type));
  assert.equal(terminals.length, 1, `exactly one terminal event; got ${terminals.map((e) => e.type).join(", ") || "none"}`);
  assert.equal(events.at(-1), terminals[0], "the terminal event is the last one");
  const numbers = events.map((e) => e.sequence_number);
  if (numbers.some((n) => n !== undefined)) {
    assert.ok(numbers.every((n) => typeof n === "number"), "either every event has a sequence_number or none has");
    for (let i = 1; i < numbers.length; i++) assert.ok(numbers[i]! > numbers[i - 1]!, `sequence_number increases (event ${i}: ${numbers[i - 1]} then ${numbers[i]})`);
  }
}

/** The answer's chunks share one id, the last choice chunk has a finish_reason; answers the usage seen, if any. */
export function assertChatChunks(chunks: readonly unknown[]): TokenUsage | null {
  for (const chunk of chunks) assertShape(chatCompletionChunkSchema, chunk, "chat.completion.chunk");
  const valid = chunks as ChatCompletionChunk[];
  // Chunks that carry nothing but upstream metadata (Azure's prompt filter results, with an
  // empty id and no choices) are not part of the answer.
  const answer = valid.filter((c) => c.choices.length > 0 || c.usage);
  assert.ok(answer.length > 0, "the stream has chunks with choices");
  assert.equal(new Set(answer.map((c) => c.id)).size, 1, "every chunk of the answer has the same id");
  const withChoices = valid.filter((c) => c.choices.length > 0);
  assert.ok(withChoices.at(-1)?.choices[0]?.finish_reason, "the last choice chunk has a finish_reason");
  return valid.map((c) => normalizeUsage(c.usage)).find((u) => u) ?? null;
}

/** The usage a host reports once the stream has ended: from the events, else what the provider read. */
export function streamUsage(seen: TokenUsage | null, result: Pick<WireStreamResult<unknown>, "usage" | "accounting">): TokenUsage | null {
  return seen ?? result.usage?.() ?? result.accounting?.usage ?? null;
}

/** The SSE messages of a stream as the proxy relays them, each also fed to accounting as the proxy's tap does. */
export async function readSse(result: WireStreamResult<unknown>, api: "responses" | "chat"): Promise<{ messages: { event?: string; data: string }[]; accounting: StreamAccounting }> {
  const accounting = new StreamAccounting(api);
  const messages: { event?: string; data: string }[] = [];
  for await (const message of decodeSse(result.stream.toSse())) {
    messages.push(message.event === undefined ? { data: message.data } : { event: message.event, data: message.data });
    if (message.data !== "[DONE]") accounting.observe(parseData(message.data));
  }
  return { messages, accounting };
}

export function parseData(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    assert.fail(`an SSE message's data is not JSON: ${data.slice(0, 120)}`);
  }
}
