import type { ResponseObject } from "@dheera/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { chatCompletionToResponse } from "./chat-completion-to-response.js";
import { responsesToChatCompletion } from "./responses-to-chat-completion.js";

/*
 * Property: chatCompletionToResponse(responsesToChatCompletion(r)) keeps what a client reads
 * from r: the concatenated output text, the refusal, the function calls (call_id, name,
 * arguments, in order), the usage numbers (input, output, total, cached, reasoning), the status
 * and the incomplete reason. Reasoning summaries come back as one summary holding their texts
 * joined by "\n\n". Item ids are regenerated (Chat has none), and several message items become
 * one (Chat has one message).
 */

const text = fc.string({ unit: "grapheme", maxLength: 20 });
const count = fc.nat({ max: 100_000 });

const call = fc
  .record({ call: fc.stringMatching(/^call_[A-Za-z0-9]{1,10}$/), name: fc.stringMatching(/^[a-z_]{1,12}$/), args: fc.json({ maxDepth: 2 }) })
  .map(({ call: callId, name, args }) => ({ type: "function_call", id: `fc_${callId.slice(5)}`, call_id: callId, name, arguments: args, status: "completed" }));

const message = fc
  .record({ texts: fc.array(text, { minLength: 1, maxLength: 3 }), refusal: fc.option(fc.string({ minLength: 1, maxLength: 10 }), { nil: undefined }) })
  .map(({ texts, refusal }) => ({
    type: "message",
    id: "msg_1",
    role: "assistant",
    status: "completed",
    content: [...texts.map((t) => ({ type: "output_text", text: t, annotations: [] })), ...(refusal ? [{ type: "refusal", refusal }] : [])],
  }));

const reasoning = fc
  .array(fc.string({ minLength: 1, maxLength: 15 }), { minLength: 1, maxLength: 3 })
  .map((summaries) => ({ type: "reasoning", id: "rs_1", summary: summaries.map((t) => ({ type: "summary_text", text: t })) }));

const response: fc.Arbitrary<ResponseObject> = fc
  .record({
    id: fc.stringMatching(/^resp_[A-Za-z0-9]{1,16}$/),
    reasoning: fc.option(reasoning, { nil: undefined }),
    message: fc.option(message, { nil: undefined }),
    calls: fc.array(call, { maxLength: 3 }),
    ending: fc.constantFrom<[string, string | null]>(["completed", null], ["incomplete", "max_output_tokens"], ["incomplete", "content_filter"]),
    usage: fc.record({ input: count, output: count, cached: count, reasoning: count }),
  })
  .map((r) => ({
    id: r.id,
    object: "response" as const,
    created_at: 1787659560,
    status: r.ending[0],
    incomplete_details: r.ending[1] ? { reason: r.ending[1] } : null,
    error: null,
    model: "gpt-5.1",
    output: [...(r.reasoning ? [r.reasoning] : []), ...(r.message ? [r.message] : []), ...r.calls] as ResponseObject["output"],
    usage: {
      input_tokens: r.usage.input,
      input_tokens_details: { cached_tokens: r.usage.cached },
      output_tokens: r.usage.output,
      output_tokens_details: { reasoning_tokens: r.usage.reasoning },
      total_tokens: r.usage.input + r.usage.output,
    },
  }));

type Item = Record<string, unknown> & { content?: Record<string, unknown>[]; summary?: { text: string }[] };

/** What a client reads from a Response. */
function observe(r: ResponseObject) {
  const items = r.output as Item[];
  const parts = items.filter((i) => i.type === "message").flatMap((i) => i.content ?? []);
  return {
    text: parts.filter((p) => p.type === "output_text").map((p) => p.text).join(""),
    refusal: parts.filter((p) => p.type === "refusal").map((p) => p.refusal).join(""),
    reasoning: items.filter((i) => i.type === "reasoning").flatMap((i) => (i.summary ?? []).map((s) => s.text)).join("\n\n"),
    calls: items.filter((i) => i.type === "function_call").map((i) => ({ call_id: i.call_id, name: i.name, arguments: i.arguments })),
    status: r.status,
    incompleteReason: r.incomplete_details?.reason ?? null,
    usage: {
      input: r.usage?.input_tokens,
      output: r.usage?.output_tokens,
      total: r.usage?.total_tokens,
      cached: r.usage?.input_tokens_details?.cached_tokens,
      reasoning: r.usage?.output_tokens_details?.reasoning_tokens,
    },
  };
}

describe("response -> chat completion -> response", () => {
  test("preserves text, refusal, reasoning text, function calls, usage, status and incomplete reason", () => {
    fc.assert(
      fc.property(response, (r) => {
        const context = { model: "dep1" };
        const back = chatCompletionToResponse(responsesToChatCompletion(r, context), context);
        expect(observe(back)).toEqual(observe(r));
        expect(back.id).toBe(r.id);
      }),
      { numRuns: 300 },
    );
  });
});
