import type { ChatCompletion, ChatCompletionChunk, ChatUsage } from "@dheera/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { assembleChunks } from "./__fixtures__/assemble-chunks.js";
import { collect, fromArray } from "./__fixtures__/stream-fixtures.js";
import { chatChunksToResponsesStream } from "./chat-chunks-to-responses-stream.js";
import { chatCompletionToResponse } from "./chat-completion-to-response.js";
import { responsesStreamToChatChunks } from "./responses-stream-to-chat-chunks.js";
import { responsesToChatCompletion } from "./responses-to-chat-completion.js";

/*
 * Property: for any text split into any deltas (empty ones included), any reasoning text and
 * any parallel tool calls with arguments split into any pieces, streaming through direction B
 * (chat chunks -> Responses events) and then direction A (Responses events -> chat chunks)
 * reassembles to the same content, reasoning, tool calls, finish_reason and usage as the
 * non-streamed path (completion -> Response -> completion), and both equal the input.
 */

const pieces = (maxLength = 6) => fc.array(fc.string({ unit: "grapheme", maxLength: 8 }), { maxLength });

const toolCall = fc.record({
  id: fc.stringMatching(/^call_[A-Za-z0-9]{1,10}$/),
  name: fc.stringMatching(/^[a-z_]{1,12}$/),
  args: pieces(5),
});

const answer = fc.record({
  text: pieces(),
  reasoning: pieces(4),
  calls: fc.uniqueArray(toolCall, { maxLength: 3, selector: (c) => c.id }),
  truncated: fc.boolean(),
  usage: fc.record({ prompt: fc.nat({ max: 10_000 }), completion: fc.nat({ max: 10_000 }), cached: fc.nat({ max: 100 }), reasoning: fc.nat({ max: 100 }) }),
});

type Answer = typeof answer extends fc.Arbitrary<infer T> ? T : never;

const ID = "chatcmpl-prop";
const CREATED = 1787659600;

function usageOf(a: Answer): ChatUsage {
  return {
    prompt_tokens: a.usage.prompt,
    completion_tokens: a.usage.completion,
    total_tokens: a.usage.prompt + a.usage.completion,
    prompt_tokens_details: { cached_tokens: a.usage.cached },
    completion_tokens_details: { reasoning_tokens: a.usage.reasoning },
  };
}

const finishOf = (a: Answer) => (a.truncated ? "length" : a.calls.length > 0 ? "tool_calls" : "stop");

function chunksOf(a: Answer): ChatCompletionChunk[] {
  const chunk = (delta: Record<string, unknown>, finish: ChatCompletionChunk["choices"][number]["finish_reason"] = null): ChatCompletionChunk => ({
    id: ID,
    object: "chat.completion.chunk",
    created: CREATED,
    model: "gpt-4o",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  return [
    chunk({ role: "assistant", content: "" }),
    ...a.reasoning.map((r) => chunk({ reasoning_content: r })),
    ...a.text.map((t) => chunk({ content: t })),
    ...a.calls.flatMap((c, index) => [
      chunk({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: c.args[0] ?? "" } }] }),
      ...c.args.slice(1).map((piece) => chunk({ tool_calls: [{ index, function: { arguments: piece } }] })),
    ]),
    chunk({}, finishOf(a)),
    { id: ID, object: "chat.completion.chunk", created: CREATED, model: "gpt-4o", choices: [], usage: usageOf(a) },
  ];
}

function completionOf(a: Answer): ChatCompletion {
  const message: Record<string, unknown> = {
    role: "assistant",
    content: a.text.join("") === "" && a.calls.length > 0 ? null : a.text.join(""),
    refusal: null,
  };
  if (a.reasoning.join("") !== "") message.reasoning_content = a.reasoning.join("");
  if (a.calls.length > 0) message.tool_calls = a.calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.args.join("") } }));
  return {
    id: ID,
    object: "chat.completion",
    created: CREATED,
    model: "gpt-4o",
    choices: [{ index: 0, message: message as ChatCompletion["choices"][number]["message"], logprobs: null, finish_reason: finishOf(a) }],
    usage: usageOf(a),
  };
}

describe("chat stream -> Responses events -> chat stream", () => {
  test("reassembles the same content, reasoning, tool calls, finish reason and usage as the non-streamed path", async () => {
    await fc.assert(
      fc.asyncProperty(answer, async (a) => {
        const context = { model: "dep1", includeUsage: true };
        const events = chatChunksToResponsesStream(fromArray(chunksOf(a)), context);
        const streamed = assembleChunks(await collect(responsesStreamToChatChunks(events, context)));

        const nonStreamed = responsesToChatCompletion(chatCompletionToResponse(completionOf(a), context), context);
        const choice = nonStreamed.choices[0]!;
        const message = choice.message as Record<string, unknown> & typeof choice.message;

        const expectedCalls = a.calls.map((c) => ({ id: c.id, name: c.name, arguments: c.args.join("") }));
        expect(streamed.content).toBe(a.text.join(""));
        expect(message.content ?? "").toBe(a.text.join(""));
        expect(streamed.reasoning).toBe(a.reasoning.join(""));
        expect(message.reasoning_content ?? "").toBe(a.reasoning.join(""));
        expect(streamed.toolCalls).toEqual(expectedCalls);
        expect((message.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }))).toEqual(expectedCalls);
        expect(streamed.finishReasons).toEqual([finishOf(a)]);
        expect(choice.finish_reason).toBe(finishOf(a));
        expect(streamed.usage).toEqual(usageOf(a));
        expect(nonStreamed.usage).toEqual(usageOf(a));
      }),
      { numRuns: 300 },
    );
  });
});
