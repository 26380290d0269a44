import { DheeraError, knownResponseStreamEventSchema, type ChatCompletionChunk, type ResponseStreamEvent } from "@dheera/core";
import { describe, expect, test } from "vitest";
import { chatFixture, collect, fromArray } from "./__fixtures__/stream-fixtures.js";
import { chatChunksToResponsesStream } from "./chat-chunks-to-responses-stream.js";
import type { ResponsesEchoContext } from "./response-object-builder.js";

type Event = ResponseStreamEvent & Record<string, unknown>;

const run = async (chunks: ChatCompletionChunk[], context: Partial<ResponsesEchoContext> = {}) =>
  (await collect(chatChunksToResponsesStream(fromArray(chunks), { model: "my-model", ...context }))) as Event[];

async function runUntilError(chunks: ChatCompletionChunk[]): Promise<{ events: Event[]; error: unknown }> {
  const events: Event[] = [];
  try {
    for await (const event of chatChunksToResponsesStream(fromArray(chunks), { model: "my-model" })) events.push(event as Event);
  } catch (error) {
    return { events, error };
  }
  throw new Error("the stream did not fail");
}

const types = (events: Event[]) => events.map((e) => e.type);
const final = (events: Event[]) => events.at(-1)!.response as Record<string, unknown> & { output: Record<string, unknown>[] };

function chunk(delta: Record<string, unknown>, finish: string | null = null, index = 0): ChatCompletionChunk {
  return { id: "chatcmpl-T1", object: "chat.completion.chunk", created: 1787659600, model: "gpt-4o", choices: [{ index, delta, logprobs: null, finish_reason: finish as null }] };
}

describe("chatChunksToResponsesStream: event order (reference section 3.3)", () => {
  test("plain text: created, in_progress, item added, part added, deltas, text done, part done, item done, completed", async () => {
    const events = await run(chatFixture("text"));
    expect(types(events)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
  });

  test("sequence_number starts at 0 and increments by one across all events", async () => {
    const events = await run(chatFixture("azure-parallel-tool-calls"));
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  });

  test("every event matches core's Responses stream event schema", async () => {
    for (const name of ["text", "azure-parallel-tool-calls", "reasoning-length"]) {
      for (const event of await run(chatFixture(name))) expect(knownResponseStreamEventSchema.safeParse(event).success, `${name} ${event.type}`).toBe(true);
    }
  });

  test("plain text: ids, indexes and texts agree across the events", async () => {
    const events = await run(chatFixture("text"));
    expect(events[0]!.response).toMatchObject({ id: "resp_B9xText", object: "response", status: "in_progress", output: [], usage: null, model: "my-model" });
    expect(events[2]).toMatchObject({ output_index: 0, item: { id: "msg_B9xText", type: "message", status: "in_progress", role: "assistant", content: [] } });
    expect(events[3]).toMatchObject({ item_id: "msg_B9xText", output_index: 0, content_index: 0, part: { type: "output_text", annotations: [], text: "" } });
    expect(events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta)).toEqual(["Hel", "lo", ", world", "!"]);
    expect(events[8]).toMatchObject({ text: "Hello, world!" });
    expect(events[9]).toMatchObject({ part: { type: "output_text", annotations: [], text: "Hello, world!" } });
    expect(events[10]).toMatchObject({ item: { id: "msg_B9xText", status: "completed", content: [{ type: "output_text", annotations: [], text: "Hello, world!" }] } });
    expect(final(events)).toMatchObject({
      id: "resp_B9xText",
      status: "completed",
      output: [events[10]!.item],
      usage: { input_tokens: 12, output_tokens: 4, total_tokens: 16, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } },
    });
  });

  test("parallel tool calls: one added/args-delta*/args-done/item-done block per call, sequential", async () => {
    const events = await run(chatFixture("azure-parallel-tool-calls"));
    expect(types(events)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events[2]).toMatchObject({ output_index: 0, item: { id: "fc_Paris1", type: "function_call", status: "in_progress", arguments: "", call_id: "call_Paris1", name: "get_weather" } });
    expect(events[6]).toMatchObject({ item_id: "fc_Paris1", output_index: 0, arguments: '{"city": "Paris"}' });
    expect(events[8]).toMatchObject({ output_index: 1, item: { id: "fc_Rome2", call_id: "call_Rome2", name: "get_time" } });
    expect(final(events).output).toEqual([
      { id: "fc_Paris1", type: "function_call", status: "completed", arguments: '{"city": "Paris"}', call_id: "call_Paris1", name: "get_weather" },
      { id: "fc_Rome2", type: "function_call", status: "completed", arguments: '{"tz": "Europe/Rome"}', call_id: "call_Rome2", name: "get_time" },
    ]);
  });

  test("Azure: the empty-id prompt-filter chunk starts nothing and its results become content_filters", async () => {
    const events = await run(chatFixture("azure-parallel-tool-calls"));
    expect(events[0]!.response).toMatchObject({ id: "resp_B9xTools", created_at: 1787659600 });
    expect(final(events).content_filters).toEqual([
      { blocked: false, source_type: "prompt", content_filter_results: { hate: { filtered: false, severity: "safe" }, jailbreak: { filtered: false, detected: false } } },
    ]);
    expect(final(events).usage).toMatchObject({ input_tokens_details: { cached_tokens: 64 } });
  });

  test("reasoning_content becomes a reasoning item with summary events before the message", async () => {
    const events = await run(chatFixture("reasoning-length"));
    expect(types(events).slice(2, 10)).toEqual([
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
    ]);
    expect(final(events).output[0]).toEqual({ type: "reasoning", id: "rs_B9xReason", summary: [{ type: "summary_text", text: "Thinking..." }] });
    expect(final(events).output[1]).toMatchObject({ type: "message", id: "msg_B9xReason" });
  });

  test("finish length ends with response.incomplete, reason max_output_tokens, the cut item incomplete", async () => {
    const events = await run(chatFixture("reasoning-length"));
    expect(events.at(-1)!.type).toBe("response.incomplete");
    expect(final(events)).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, usage: { output_tokens_details: { reasoning_tokens: 6 } } });
    expect(final(events).output.map((i) => i.status)).toEqual([undefined, "incomplete"]);
    expect(events.at(-2)).toMatchObject({ type: "response.output_item.done", item: { status: "incomplete" } });
  });

  test("finish content_filter ends with response.incomplete, reason content_filter", async () => {
    const events = await run([chunk({ role: "assistant", content: "" }), chunk({ content: "Here" }), chunk({}, "content_filter")]);
    expect(events.at(-1)).toMatchObject({ type: "response.incomplete", response: { incomplete_details: { reason: "content_filter" } } });
  });

  test("the response echoes the request from the context", async () => {
    const events = await run(chatFixture("text"), { request: { model: "m", instructions: "Be brief.", tool_choice: "none" } });
    expect(events[0]!.response).toMatchObject({ instructions: "Be brief.", tool_choice: "none" });
    expect(final(events)).toMatchObject({ instructions: "Be brief.", tool_choice: "none" });
  });
});

describe("chatChunksToResponsesStream: shapes", () => {
  test("text then refusal: two content parts, indexes 0 and 1", async () => {
    const events = await run([chunk({ role: "assistant", content: "" }), chunk({ content: "Hmm. " }), chunk({ refusal: "No." }), chunk({}, "stop")]);
    expect(types(events).slice(2, -1)).toEqual([
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.content_part.added",
      "response.refusal.delta",
      "response.refusal.done",
      "response.content_part.done",
      "response.output_item.done",
    ]);
    expect(events[7]).toMatchObject({ content_index: 1, part: { type: "refusal", refusal: "" } });
    expect(final(events).output[0]!.content).toEqual([
      { type: "output_text", annotations: [], text: "Hmm. " },
      { type: "refusal", refusal: "No." },
    ]);
  });

  test("text then a tool call: message item at output_index 0, call at 1", async () => {
    const events = await run([
      chunk({ role: "assistant", content: "Checking." }),
      chunk({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }] }),
      chunk({}, "tool_calls"),
    ]);
    expect(final(events).output.map((i) => [i.type, i.id])).toEqual([
      ["message", "msg_T1"],
      ["function_call", "fc_1"],
    ]);
    expect(events.filter((e) => e.type === "response.output_item.added").map((e) => e.output_index)).toEqual([0, 1]);
  });

  test("a call whose id and name arrive in separate deltas opens once both are known, without losing arguments", async () => {
    const events = await run([
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] }),
      chunk({ tool_calls: [{ index: 0, id: "call_late" }] }),
      chunk({ tool_calls: [{ index: 0, function: { name: "f", arguments: ":1}" } }] }),
      chunk({}, "tool_calls"),
    ]);
    const added = events.find((e) => e.type === "response.output_item.added")!;
    expect(added.item).toMatchObject({ call_id: "call_late", name: "f" });
    expect(events.filter((e) => e.type === "response.function_call_arguments.delta").map((e) => e.delta).join("")).toBe('{"a":1}');
    expect(final(events).output[0]).toMatchObject({ arguments: '{"a":1}' });
  });

  test("interleaved parallel call deltas still reach the final response, with a warning", async () => {
    const warnings: string[] = [];
    const events = await run(
      [
        chunk({ tool_calls: [{ index: 0, id: "call_a", function: { name: "a", arguments: "{" } }] }),
        chunk({ tool_calls: [{ index: 1, id: "call_b", function: { name: "b", arguments: "{}" } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: "}" } }] }),
        chunk({}, "tool_calls"),
      ],
      { warn: (w) => warnings.push(w) },
    );
    expect(final(events).output.map((i) => i.arguments)).toEqual(["{}", "{}"]);
    expect(warnings).toHaveLength(1);
  });

  test("url_citation annotations in a delta become annotation.added events and part annotations", async () => {
    const citation = { type: "url_citation", url_citation: { start_index: 0, end_index: 2, url: "https://x.test", title: "X" } };
    const events = await run([chunk({ content: "Hi" }), chunk({ annotations: [citation] }), chunk({}, "stop")]);
    const added = events.find((e) => e.type === "response.output_text.annotation.added")!;
    expect(added).toMatchObject({ annotation_index: 0, content_index: 0, annotation: { type: "url_citation", start_index: 0, end_index: 2, url: "https://x.test", title: "X" } });
    expect((final(events).output[0]!.content as Record<string, unknown>[])[0]!.annotations).toEqual([added.annotation]);
  });

  test("choices other than index 0 are ignored with a warning", async () => {
    const warnings: string[] = [];
    const events = await run([chunk({ content: "a" }), chunk({ content: "b" }, null, 1), chunk({}, "stop")], { warn: (w) => warnings.push(w) });
    expect(events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta)).toEqual(["a"]);
    expect(warnings).toHaveLength(1);
  });

  test("a finish without any content yields an empty output and a completed response", async () => {
    const events = await run([chunk({ role: "assistant", content: "" }), chunk({}, "stop")]);
    expect(types(events)).toEqual(["response.created", "response.in_progress", "response.completed"]);
    expect(final(events).output).toEqual([]);
  });
});

describe("chatChunksToResponsesStream: failures", () => {
  test("a chat stream that ends without finish_reason throws upstream_stream_truncated after the events it had", async () => {
    const { events, error } = await runUntilError(chatFixture("truncated"));
    expect(types(events)).toContain("response.output_text.delta");
    expect(types(events)).not.toContain("response.completed");
    expect(DheeraError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 502, code: "upstream_stream_truncated" });
  });

  test("an empty chat stream throws upstream_stream_truncated", async () => {
    expect((await runUntilError([])).error).toMatchObject({ code: "upstream_stream_truncated" });
  });

  test("a mid-stream error chunk throws a DheeraError with its message and code", async () => {
    const { error } = await runUntilError([chunk({ content: "a" }), { error: { message: "boom", code: "server_error" } } as unknown as ChatCompletionChunk]);
    expect(error).toMatchObject({ status: 500, code: "server_error", message: "boom" });
  });
});
