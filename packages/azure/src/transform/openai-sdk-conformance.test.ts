import { chatSseFraming, formatSseMessage, responsesSseFraming, type SseFraming } from "@dheera/core";
import OpenAI from "openai";
import { describe, expect, test } from "vitest";
import { chatFixture, collect, fromArray, responsesFixture } from "./__fixtures__/stream-fixtures.js";
import { chatChunksToResponsesStream } from "./chat-chunks-to-responses-stream.js";
import { chatCompletionToResponse } from "./chat-completion-to-response.js";
import { responsesStreamToChatChunks } from "./responses-stream-to-chat-chunks.js";
import { responsesToChatCompletion } from "./responses-to-chat-completion.js";

/*
 * What the transforms produce, fed to the official openai-node SDK (6.x) through a stub fetch:
 * its stream accumulators are strict (the Responses helper throws on unknown event types and
 * on indexes that were never added), so they are the conformance check that matters.
 */

function sse<E>(events: readonly E[], framing: SseFraming<E>): string {
  return events.map((e) => formatSseMessage(framing.encode(e))).join("") + (framing.trailer ? formatSseMessage(framing.trailer) : "");
}

function client(body: string, contentType: string): OpenAI {
  return new OpenAI({
    apiKey: "test",
    baseURL: "http://gateway.test/v1",
    maxRetries: 0,
    fetch: async () => new Response(body, { status: 200, headers: { "content-type": contentType, "x-request-id": "req_1" } }),
  });
}

describe("openai-node accepts Responses produced from a chat upstream", () => {
  test("responses.stream(): the accumulator takes every event and finalResponse() has text and usage", async () => {
    const events = await collect(chatChunksToResponsesStream(fromArray(chatFixture("text")), { model: "my-model" }));
    const stream = client(sse(events, responsesSseFraming), "text/event-stream").responses.stream({ model: "my-model", input: "hi" });
    const seen: string[] = [];
    stream.on("event", (e) => seen.push(e.type));
    const final = await stream.finalResponse();
    expect(seen).toHaveLength(events.length);
    expect(final.output_text).toBe("Hello, world!");
    expect(final.usage?.total_tokens).toBe(16);
  });

  test("responses.stream(): parallel function calls and reasoning are accumulated", async () => {
    for (const name of ["azure-parallel-tool-calls", "reasoning-length"]) {
      const events = await collect(chatChunksToResponsesStream(fromArray(chatFixture(name)), { model: "my-model" }));
      const final = await client(sse(events, responsesSseFraming), "text/event-stream").responses.stream({ model: "my-model", input: "hi" }).finalResponse();
      expect(final.output.length).toBeGreaterThan(0);
      if (name === "azure-parallel-tool-calls") {
        expect(final.output.map((i) => (i.type === "function_call" ? [i.call_id, i.name, i.arguments] : i.type))).toEqual([
          ["call_Paris1", "get_weather", '{"city": "Paris"}'],
          ["call_Rome2", "get_time", '{"tz": "Europe/Rome"}'],
        ]);
      } else {
        expect(final.status).toBe("incomplete");
        expect(final.output_text).toBe("Once upon a time");
      }
    }
  });

  test("responses.create(): a converted completion parses and gets output_text", async () => {
    const response = chatCompletionToResponse(
      {
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1787659600,
        model: "gpt-4o",
        choices: [{ index: 0, message: { role: "assistant", content: "Hi there" }, finish_reason: "stop", logprobs: null }],
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      },
      { model: "my-model" },
    );
    const result = await client(JSON.stringify(response), "application/json").responses.create({ model: "my-model", input: "hi" });
    expect(result.output_text).toBe("Hi there");
    expect(result.id).toBe("resp_1");
  });
});

describe("openai-node accepts chat completions produced from a Responses upstream", () => {
  test("chat.completions.stream(): finalChatCompletion() has both parallel tool calls and the usage", async () => {
    const chunks = await collect(responsesStreamToChatChunks(fromArray(responsesFixture("reasoning-parallel-calls")), { model: "my-deployment", includeUsage: true }));
    const stream = client(sse(chunks, chatSseFraming), "text/event-stream").chat.completions.stream({
      model: "my-deployment",
      messages: [{ role: "user", content: "hi" }],
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
    expect(final.choices[0]!.message.tool_calls?.map((c) => (c.type === "function" ? [c.id, c.function.name, c.function.arguments] : c.type))).toEqual([
      ["call_Paris1", "get_weather", '{"city":"Paris"}'],
      ["call_Rome2", "get_time", '{"tz":"Europe/Rome"}'],
    ]);
    expect(final.usage?.completion_tokens_details?.reasoning_tokens).toBe(160);
  });

  test("chat.completions.stream(): text content is reassembled", async () => {
    const chunks = await collect(responsesStreamToChatChunks(fromArray(responsesFixture("plain-text")), { model: "my-deployment" }));
    const final = await client(sse(chunks, chatSseFraming), "text/event-stream")
      .chat.completions.stream({ model: "my-deployment", messages: [{ role: "user", content: "hi" }] })
      .finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe("Hello, world!");
    expect(final.id).toBe("chatcmpl-0775plain");
  });

  test("chat.completions.create(): a converted Response parses", async () => {
    const events = responsesFixture("text-then-call");
    const completion = responsesToChatCompletion((events.at(-1) as { response: Parameters<typeof responsesToChatCompletion>[0] }).response, { model: "my-deployment" });
    const result = await client(JSON.stringify(completion), "application/json").chat.completions.create({ model: "my-deployment", messages: [{ role: "user", content: "hi" }] });
    expect(result.choices[0]!.message.content).toBe("Let me check that.");
    expect(result.choices[0]!.finish_reason).toBe("tool_calls");
  });
});
