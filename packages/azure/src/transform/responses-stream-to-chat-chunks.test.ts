import { DheeraError, chatCompletionChunkSchema, type ChatCompletionChunk, type ResponseObject, type ResponseStreamEvent, type TransformContext } from "@dheera/core";
import { describe, expect, test } from "vitest";
import { assembleChunks } from "./__fixtures__/assemble-chunks.js";
import { collect, fromArray, responsesFixture } from "./__fixtures__/stream-fixtures.js";
import { responsesStreamToChatChunks, responsesToChatChunksStep } from "./responses-stream-to-chat-chunks.js";
import { responsesToChatCompletion } from "./responses-to-chat-completion.js";

const run = (events: ResponseStreamEvent[], context: Partial<TransformContext> = {}) =>
  collect(responsesStreamToChatChunks(fromArray(events), { model: "my-deployment", ...context }));

/** Runs a stream that must fail; returns what was yielded before and the error. */
async function runUntilError(events: ResponseStreamEvent[]): Promise<{ chunks: ChatCompletionChunk[]; error: unknown }> {
  const chunks: ChatCompletionChunk[] = [];
  try {
    for await (const chunk of responsesStreamToChatChunks(fromArray(events), { model: "my-deployment" })) chunks.push(chunk);
  } catch (error) {
    return { chunks, error };
  }
  throw new Error("the stream did not fail");
}

const choiceChunks = (chunks: ChatCompletionChunk[]) => chunks.filter((c) => c.choices.length > 0);

describe("responsesStreamToChatChunks: fixtures", () => {
  test("plain text: role chunk first, content deltas, finish stop on the last chunk only", async () => {
    const chunks = await run(responsesFixture("plain-text"));
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: "assistant", content: "" });
    expect(chunks.map((c) => c.choices[0]!.delta.content)).toEqual(["", "Hel", "lo", ", world", "!", undefined]);
    expect(chunks.map((c) => c.choices[0]!.finish_reason)).toEqual([null, null, null, null, null, "stop"]);
    expect(chunks.at(-1)!.choices[0]!.delta).toEqual({});
  });

  test("every chunk has the same id, object, created and model, and a valid chunk shape", async () => {
    const chunks = await run(responsesFixture("plain-text"), { includeUsage: true });
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: "chatcmpl-0775plain", object: "chat.completion.chunk", created: 1787659560, model: "my-deployment" });
      expect(chatCompletionChunkSchema.safeParse(chunk).success).toBe(true);
    }
    for (const chunk of choiceChunks(chunks)) expect(chunk.choices[0]).toMatchObject({ index: 0, logprobs: null });
  });

  test("a chunk's JSON is OpenAI's member order; an upstream's logprobs ride on its delta's choice", async () => {
    const events = responsesFixture("plain-text").map((e) =>
      e.type === "response.output_text.delta" && e.delta === "Hel" ? ({ ...e, logprobs: [{ token: "Hel", logprob: -0.1, bytes: [72, 101, 108], top_logprobs: [] }] } as ResponseStreamEvent) : e,
    );
    const chunks = await run(events, { includeUsage: true });
    expect(JSON.stringify(chunks[1])).toBe(
      '{"id":"chatcmpl-0775plain","object":"chat.completion.chunk","created":1787659560,"model":"my-deployment","choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":{"content":[{"token":"Hel","logprob":-0.1,"bytes":[72,101,108],"top_logprobs":[]}],"refusal":null},"finish_reason":null}],"usage":null}',
    );
    expect(JSON.stringify(chunks[2])).toBe(
      '{"id":"chatcmpl-0775plain","object":"chat.completion.chunk","created":1787659560,"model":"my-deployment","choices":[{"index":0,"delta":{"content":"lo"},"logprobs":null,"finish_reason":null}],"usage":null}',
    );
  });

  test("without includeUsage: no usage key and no usage chunk", async () => {
    const chunks = await run(responsesFixture("plain-text"));
    expect(chunks.every((c) => !("usage" in c))).toBe(true);
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
  });

  test("with includeUsage: usage null on every choice chunk, then one usage chunk with choices []", async () => {
    const chunks = await run(responsesFixture("plain-text"), { includeUsage: true });
    expect(choiceChunks(chunks).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 45, completion_tokens: 25, total_tokens: 70, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    });
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
  });

  test("function call: tool index 0 with call id, name, then argument deltas; finish tool_calls", async () => {
    const chunks = await run(responsesFixture("function-call"));
    expect(chunks[1]!.choices[0]!.delta).toEqual({
      tool_calls: [{ index: 0, id: "call_BJ7Xw1", type: "function", function: { name: "get_weather", arguments: "" } }],
    });
    expect(chunks[2]!.choices[0]!.delta).toEqual({ tool_calls: [{ index: 0, function: { arguments: '{"' } }] });
    const assembled = assembleChunks(chunks);
    expect(assembled.toolCalls).toEqual([{ id: "call_BJ7Xw1", name: "get_weather", arguments: '{"city":"Beijing"}' }]);
    expect(assembled.finishReasons).toEqual(["tool_calls"]);
  });

  test("two parallel calls after a reasoning item get tool indexes 0 and 1 (not output indexes 1 and 2)", async () => {
    const chunks = await run(responsesFixture("reasoning-parallel-calls"), { includeUsage: true });
    const indexes = chunks.flatMap((c) => c.choices.flatMap((ch) => (ch.delta.tool_calls ?? []).map((t) => t.index)));
    expect(new Set(indexes)).toEqual(new Set([0, 1]));
    const assembled = assembleChunks(chunks);
    expect(assembled.toolCalls).toEqual([
      { id: "call_Paris1", name: "get_weather", arguments: '{"city":"Paris"}' },
      { id: "call_Rome2", name: "get_time", arguments: '{"tz":"Europe/Rome"}' },
    ]);
    expect(assembled.finishReasons).toEqual(["tool_calls"]);
    expect(assembled.usage).toMatchObject({ prompt_tokens_details: { cached_tokens: 64 }, completion_tokens_details: { reasoning_tokens: 160 } });
  });

  test("reasoning summary deltas become reasoning_content, parts separated like the non-streamed path", async () => {
    const events = responsesFixture("reasoning-summary-text");
    const chunks = await run(events);
    const assembled = assembleChunks(chunks);
    expect(assembled.reasoning).toBe("**Calculating**\n\nAdding the two numbers.\n\n**Answering**");
    expect(assembled.content).toBe("2 + 2 = 4.");
    const final = (events.at(-1) as { response: ResponseObject }).response;
    const nonStreamed = responsesToChatCompletion(final, { model: "my-deployment" }).choices[0]!.message as Record<string, unknown>;
    expect(assembled.reasoning).toBe(nonStreamed.reasoning_content);
  });

  test("Azure completion filter results ride on the finish chunk", async () => {
    const chunks = await run(responsesFixture("reasoning-summary-text"));
    expect((chunks.at(-1)!.choices[0] as Record<string, unknown>).content_filter_results).toEqual({
      hate: { filtered: false, severity: "safe" },
      violence: { filtered: false, severity: "safe" },
    });
  });

  test("response.incomplete with max_output_tokens finishes with length", async () => {
    const assembled = assembleChunks(await run(responsesFixture("incomplete-max-output-tokens")));
    expect(assembled.content).toBe("Once upon a time there was");
    expect(assembled.finishReasons).toEqual(["length"]);
  });

  test("response.incomplete with content_filter finishes with content_filter", async () => {
    const chunks = await run(responsesFixture("incomplete-content-filter"), { includeUsage: true });
    const assembled = assembleChunks(chunks);
    expect(assembled.finishReasons).toEqual(["content_filter"]);
    expect(assembled.usage).toMatchObject({ prompt_tokens: 25, completion_tokens: 3 });
  });

  test("text then a function call: keepalive and built-in tool progress events produce no chunk", async () => {
    const chunks = await run(responsesFixture("text-then-call"));
    const assembled = assembleChunks(chunks);
    expect(assembled.content).toBe("Let me check that.");
    expect(assembled.toolCalls).toEqual([{ id: "call_Look1", name: "lookup", arguments: '{"q":"x"}' }]);
    expect(chunks).toHaveLength(1 + 2 + 2 + 1); // role, 2 text, call added + args, finish
  });

  test("no empty chunks: every choice chunk before the finish carries something", async () => {
    for (const name of ["plain-text", "function-call", "reasoning-parallel-calls", "reasoning-summary-text", "text-then-call"]) {
      const chunks = choiceChunks(await run(responsesFixture(name)));
      for (const chunk of chunks.slice(1, -1)) expect(Object.keys(chunk.choices[0]!.delta).length).toBeGreaterThan(0);
    }
  });

  test.each(["plain-text", "function-call", "reasoning-parallel-calls", "reasoning-summary-text", "incomplete-max-output-tokens", "text-then-call"])(
    "%s: the stream reassembles to the non-streamed completion of its final response",
    async (name) => {
      const events = responsesFixture(name);
      const chunks = await run(events, { includeUsage: true });
      const withChoice = choiceChunks(chunks);
      expect(withChoice.slice(0, -1).every((c) => c.choices[0]!.finish_reason === null)).toBe(true);
      expect(withChoice.at(-1)!.choices[0]!.finish_reason).not.toBeNull();
      const assembled = assembleChunks(chunks);
      const final = responsesToChatCompletion((events.at(-1) as { response: ResponseObject }).response, { model: "my-deployment" });
      const message = final.choices[0]!.message;
      expect(assembled.content).toBe(message.content ?? "");
      expect(assembled.toolCalls).toEqual((message.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })));
      expect(assembled.finishReasons).toEqual([final.choices[0]!.finish_reason]);
      expect(assembled.usage).toEqual(final.usage);
    },
  );
});

describe("responsesStreamToChatChunks: failures", () => {
  test("a nested error event mid-stream throws a DheeraError with the upstream code and message", async () => {
    const { chunks, error } = await runUntilError(responsesFixture("failed-mid-stream"));
    expect(chunks).toHaveLength(1); // the role chunk went out before the failure
    expect(DheeraError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 429, code: "insufficient_quota", type: "insufficient_quota" });
    expect((error as Error).message).toContain("exceeded your current quota");
  });

  test("response.failed throws a DheeraError from response.error", async () => {
    const { error } = await runUntilError(responsesFixture("failed-only"));
    expect(error).toMatchObject({ status: 500, code: "rate_limit_exceeded" });
    expect((error as Error).message).toContain("Rate limit reached");
  });

  test("a flat error event (the documented shape) throws too", async () => {
    const events = [
      ...responsesFixture("plain-text").slice(0, 2),
      { type: "error", code: "server_error", message: "boom", param: null, sequence_number: 2 },
    ] as ResponseStreamEvent[];
    const { error } = await runUntilError(events);
    expect(error).toMatchObject({ status: 500, code: "server_error", message: "boom" });
  });

  test("a stream that ends without a terminal event throws upstream_stream_truncated (502) after the text it had", async () => {
    const { chunks, error } = await runUntilError(responsesFixture("truncated"));
    expect(assembleChunks(chunks).content).toBe("The answer is");
    expect(chunks.every((c) => c.choices[0]!.finish_reason === null)).toBe(true);
    expect(DheeraError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 502, code: "upstream_stream_truncated" });
  });

  test("an empty stream throws upstream_stream_truncated", async () => {
    const { chunks, error } = await runUntilError([]);
    expect(chunks).toEqual([]);
    expect(error).toMatchObject({ code: "upstream_stream_truncated" });
  });
});

describe("responsesStreamToChatChunks: robustness", () => {
  const created = responsesFixture("plain-text")[0]!;
  const completed = (output: unknown[]) =>
    ({ ...(responsesFixture("plain-text").at(-1) as object), response: { ...(responsesFixture("plain-text").at(-1) as { response: ResponseObject }).response, output } }) as ResponseStreamEvent;

  test("text only in output_text.done (no deltas) is still sent once", async () => {
    const events = [
      created,
      { type: "response.output_text.delta", item_id: "msg_1", output_index: 0, content_index: 0, delta: "Hel", sequence_number: 1 },
      { type: "response.output_text.done", item_id: "msg_1", output_index: 0, content_index: 0, text: "Hello", sequence_number: 2 },
      completed([{ type: "message", id: "msg_1", role: "assistant", content: [{ type: "output_text", text: "Hello", annotations: [] }] }]),
    ] as ResponseStreamEvent[];
    expect(assembleChunks(await run(events)).content).toBe("Hello");
  });

  test("output only in the final response (lifecycle events only) is sent before the finish", async () => {
    const events = [
      created,
      completed([
        { type: "message", id: "msg_1", role: "assistant", content: [{ type: "output_text", text: "Hi", annotations: [] }] },
        { type: "function_call", id: "fc_1", call_id: "call_1", name: "f", arguments: "{}" },
      ]),
    ];
    const assembled = assembleChunks(await run(events));
    expect(assembled).toMatchObject({ content: "Hi", toolCalls: [{ id: "call_1", name: "f", arguments: "{}" }], finishReasons: ["tool_calls"] });
  });

  test("a completed event with an empty output does not repeat streamed calls", async () => {
    const events = [...responsesFixture("function-call").slice(0, -1), completed([])];
    const assembled = assembleChunks(await run(events));
    expect(assembled.toolCalls).toEqual([{ id: "call_BJ7Xw1", name: "get_weather", arguments: '{"city":"Beijing"}' }]);
    expect(assembled.finishReasons).toEqual(["tool_calls"]);
  });

  test("argument deltas for an unknown item are ignored with a warning", async () => {
    const warnings: string[] = [];
    const events = [
      created,
      { type: "response.function_call_arguments.delta", item_id: "fc_ghost", output_index: 0, delta: "{}", sequence_number: 1 },
      completed([]),
    ] as ResponseStreamEvent[];
    const chunks = await run(events, { warn: (m) => warnings.push(m) });
    expect(assembleChunks(chunks).toolCalls).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining("fc_ghost")]);
  });

  test("refusal deltas become delta.refusal", async () => {
    const events = [
      created,
      { type: "response.refusal.delta", item_id: "msg_1", output_index: 0, content_index: 0, delta: "I can't", sequence_number: 1 },
      { type: "response.refusal.delta", item_id: "msg_1", output_index: 0, content_index: 0, delta: " help.", sequence_number: 2 },
      completed([{ type: "message", id: "msg_1", role: "assistant", content: [{ type: "refusal", refusal: "I can't help." }] }]),
    ] as ResponseStreamEvent[];
    expect(assembleChunks(await run(events)).refusal).toBe("I can't help.");
  });

  test("annotation.added becomes a delta with the annotation in Chat's form, indexes shifted to the joined content", async () => {
    const events = [
      created,
      { type: "response.output_text.delta", item_id: "msg_1", output_index: 0, content_index: 0, delta: "abc", sequence_number: 1 },
      { type: "response.output_text.delta", item_id: "msg_1", output_index: 0, content_index: 1, delta: "See", sequence_number: 2 },
      {
        type: "response.output_text.annotation.added",
        item_id: "msg_1",
        output_index: 0,
        content_index: 1,
        annotation_index: 0,
        annotation: { type: "url_citation", start_index: 0, end_index: 3, url: "https://x.test", title: "X" },
        sequence_number: 3,
      },
      completed([]),
    ] as ResponseStreamEvent[];
    const chunks = await run(events);
    expect(chunks.find((c) => "annotations" in c.choices[0]!.delta)!.choices[0]!.delta).toEqual({
      annotations: [{ type: "url_citation", url_citation: { start_index: 3, end_index: 6, url: "https://x.test", title: "X" } }],
    });
  });

  test("raw reasoning_text deltas become reasoning_content", async () => {
    const events = [
      created,
      { type: "response.reasoning_text.delta", item_id: "rs_1", output_index: 0, content_index: 0, delta: "hmm", sequence_number: 1 },
      completed([]),
    ] as ResponseStreamEvent[];
    expect(assembleChunks(await run(events)).reasoning).toBe("hmm");
  });

  test("events after the terminal event are not read", async () => {
    const events = [...responsesFixture("plain-text"), { type: "response.output_text.delta", item_id: "x", output_index: 0, content_index: 0, delta: "late", sequence_number: 99 }] as ResponseStreamEvent[];
    expect(assembleChunks(await run(events)).content).toBe("Hello, world!");
  });
});

describe("responsesToChatChunksStep: events it ignores by name", () => {
  const fixtures = ["plain-text", "function-call", "reasoning-summary-text", "reasoning-parallel-calls", "text-then-call", "incomplete-content-filter", "incomplete-max-output-tokens"];

  test.each(fixtures)("%s: skipping every event `ignores` names gives the same chunks as pushing them all", (name) => {
    const events = responsesFixture(name);
    const context: TransformContext = { model: "dep1", includeUsage: true };
    const all = responsesToChatChunksStep(context);
    const skipping = responsesToChatChunksStep(context);
    const fromAll: ChatCompletionChunk[] = [];
    const fromSkipping: ChatCompletionChunk[] = [];
    let skipped = 0;
    for (const event of events) {
      if (!all.done) fromAll.push(...all.push(event));
      if (skipping.done) continue;
      // What the SSE host does: the event's name is all it has read of it.
      if (skipping.ignores!(event.type)) skipped++;
      else fromSkipping.push(...skipping.push(event));
    }
    expect(fromSkipping).toStrictEqual(fromAll);
    // The snapshot after response.created and the part markers are passed over.
    expect(skipped).toBeGreaterThan(0);
  });

  test("a stream that starts without response.created still starts on its first snapshot", () => {
    const step = responsesToChatChunksStep({ model: "dep1" });
    expect(step.ignores!("response.in_progress")).toBe(false);
    expect(step.ignores!("response.output_text.delta")).toBe(false);
    expect(step.ignores!("message")).toBe(false);
    expect(step.ignores!("response.content_part.added")).toBe(true);
  });
});
