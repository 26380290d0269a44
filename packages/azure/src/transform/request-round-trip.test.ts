import type { ChatCompletionRequest, ChatMessage, ChatTool } from "@dheera/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { chatToResponsesRequest } from "./chat-to-responses-request.js";
import { responsesToChatRequest } from "./responses-to-chat-request.js";

/*
 * Property: responsesToChatRequest(chatToResponsesRequest(x)) gives back x, up to these
 * normalisations (each a documented mapping decision, not a loss):
 *  - all system messages (string content) become ONE leading system message, joined by "\n\n"
 *    (Responses has one `instructions`);
 *  - a function tool without `strict` comes back with `strict: false` (made explicit because
 *    Responses defaults to strict);
 *  - `max_tokens` comes back as `max_completion_tokens` (limits start at 16, the Responses minimum; smaller ones are raised, see the request tests).
 * Everything else is preserved exactly: message order, roles, user text (string or text parts),
 * assistant text, assistant tool calls (id, name, arguments) and their pairing with text in one
 * turn, tool results, tools, tool_choice, response_format, reasoning_effort, and no warnings.
 * Conversations never hold two assistant messages in a row (Responses items cannot tell where
 * one such turn ends), which is what real conversations look like.
 */

const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 });
const name = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,15}$/);
const callId = fc.stringMatching(/^call_[A-Za-z0-9]{1,12}$/);
const jsonArgs = fc.json({ maxDepth: 2 });

const userMessage: fc.Arbitrary<ChatMessage> = fc.oneof(
  text.map((content) => ({ role: "user" as const, content })),
  fc.array(text, { minLength: 1, maxLength: 3 }).map((parts) => ({ role: "user" as const, content: parts.map((t) => ({ type: "text" as const, text: t })) })),
  text.map((content) => ({ role: "developer" as const, content })),
);

const toolCall = fc.record({ id: callId, name, arguments: jsonArgs }).map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.arguments } }));

/** An assistant answer: text, or tool calls (maybe with text) followed by their results and maybe a final text. */
const assistantTurn: fc.Arbitrary<ChatMessage[]> = fc.oneof(
  text.map((content) => [{ role: "assistant" as const, content }]),
  fc
    .record({
      preamble: fc.option(text, { nil: null }),
      calls: fc.array(toolCall, { minLength: 1, maxLength: 3 }),
      results: fc.array(text, { minLength: 3, maxLength: 3 }),
      answer: fc.option(text, { nil: undefined }),
    })
    .map(({ preamble, calls, results, answer }) => [
      { role: "assistant" as const, content: preamble, tool_calls: calls },
      ...calls.map((call, i) => ({ role: "tool" as const, tool_call_id: call.id, content: results[i]! })),
      ...(answer === undefined ? [] : [{ role: "assistant" as const, content: answer }]),
    ]),
);

const conversation = fc
  .record({
    systems: fc.array(text, { maxLength: 2 }),
    turns: fc.array(fc.tuple(userMessage, fc.option(assistantTurn, { nil: undefined })), { minLength: 1, maxLength: 4 }),
  })
  .map(({ systems, turns }) => ({
    systems,
    messages: [
      ...systems.map((content) => ({ role: "system" as const, content })),
      ...turns.flatMap(([user, assistant]) => [user, ...(assistant ?? [])]),
    ] as ChatMessage[],
  }));

const tool: fc.Arbitrary<ChatTool> = fc
  .record(
    {
      name,
      description: text,
      parameters: fc.constant({ type: "object", properties: { q: { type: "string" } }, required: ["q"] }),
      strict: fc.boolean(),
    },
    { requiredKeys: ["name"] },
  )
  .map((fn) => ({ type: "function" as const, function: fn }));

const toolChoice = fc.oneof(
  fc.constantFrom("none" as const, "auto" as const, "required" as const),
  name.map((n) => ({ type: "function" as const, function: { name: n } })),
);

const responseFormat = fc.oneof(
  fc.constant({ type: "text" as const }),
  fc.constant({ type: "json_object" as const }),
  fc
    .record(
      { name, schema: fc.constant({ type: "object", properties: { a: { type: "number" } } }), strict: fc.boolean(), description: text },
      { requiredKeys: ["name", "schema"] },
    )
    .map((json_schema) => ({ type: "json_schema" as const, json_schema })),
);

const request = fc.record(
  {
    conversation,
    tools: fc.array(tool, { maxLength: 3 }),
    tool_choice: toolChoice,
    response_format: responseFormat,
    limit: fc.record({ key: fc.constantFrom("max_completion_tokens", "max_tokens"), value: fc.integer({ min: 16, max: 100_000 }) }),
    reasoning_effort: fc.constantFrom("minimal", "low", "medium", "high"),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
  },
  { requiredKeys: ["conversation"] },
);

describe("chat request -> responses request -> chat request", () => {
  test("preserves messages, tool calls, tools, tool_choice, response format, token limit and effort", () => {
    fc.assert(
      fc.property(request, (r) => {
        const original: ChatCompletionRequest = {
          model: "dep1",
          messages: r.conversation.messages,
          ...(r.tools ? { tools: r.tools } : {}),
          ...(r.tool_choice !== undefined ? { tool_choice: r.tool_choice } : {}),
          ...(r.response_format ? { response_format: r.response_format } : {}),
          ...(r.limit ? { [r.limit.key]: r.limit.value } : {}),
          ...(r.reasoning_effort ? { reasoning_effort: r.reasoning_effort } : {}),
          ...(r.temperature !== undefined ? { temperature: r.temperature } : {}),
        };
        const warnings: string[] = [];
        const context = { model: "dep1", warn: (w: string) => warnings.push(w) };
        const back = responsesToChatRequest(chatToResponsesRequest(original, context), context);

        const expected: Record<string, unknown> = {
          model: "dep1",
          messages: [
            ...(r.conversation.systems.length > 0 ? [{ role: "system", content: r.conversation.systems.join("\n\n") }] : []),
            ...r.conversation.messages.filter((m) => m.role !== "system"),
          ],
        };
        if (r.tools) {
          expected.tools = r.tools.map((t) => {
            const fn = t.function as { strict?: boolean };
            return { ...t, function: { ...fn, strict: fn.strict ?? false } };
          });
        }
        if (r.tool_choice !== undefined) expected.tool_choice = r.tool_choice;
        if (r.response_format) expected.response_format = r.response_format;
        if (r.limit) expected.max_completion_tokens = r.limit.value;
        if (r.reasoning_effort) expected.reasoning_effort = r.reasoning_effort;
        if (r.temperature !== undefined) expected.temperature = r.temperature;

        expect(back).toEqual(expected);
        expect(warnings).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
