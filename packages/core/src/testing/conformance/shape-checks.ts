import assert from "node:assert/strict";
import { normalizeUsage } from "../../cost/token-usage.js";
import { chatCompletionSchema } from "../../wire/chat-completion.js";
import { responseObjectSchema } from "../../wire/response-object.js";
import type { ConformanceCheck, ProviderConformanceOptions } from "./conformance-options.js";
import { assertChatChunks, assertResponsesEventOrder, assertShape, parseData, readSse, streamUsage } from "./stream-assertions.js";

/* The answers' shapes, as the SDK reads them (parsed) and as the proxy relays them (text, SSE bytes). */

const STORY = "Tell me about a unicorn.";
const USER = (content: string) => ({ role: "user" as const, content });

export function shapeChecks({ models }: ProviderConformanceOptions): ConformanceCheck[] {
  const noResponses = models.responses ? {} : { skip: "no Responses model given" };
  const noChat = models.chat ? {} : { skip: "no Chat model given" };
  return [
    {
      name: "responses.create answers a Response object with usage",
      ...noResponses,
      async run(ctx) {
        const d = ctx.deployment(models.responses!);
        assert.ok(d.responses, "the deployment serves no Responses API");
        const { body, status } = await d.responses.create({ model: "m", input: STORY });
        assert.ok(status >= 200 && status < 300, `status ${status}`);
        assertShape(responseObjectSchema, body, "Response object");
        assert.ok(normalizeUsage(body.usage), "the Response carries usage");
      },
    },
    {
      name: "responses.createRaw answers the Response's JSON text, and a summary that agrees with it",
      ...noResponses,
      async run(ctx) {
        const ops = ctx.deployment(models.responses!).responses!;
        if (!ops.createRaw) return { skipped: "the deployment offers no createRaw (hosts fall back to create)" };
        const { body, raw } = await ops.createRaw({ model: "m", input: STORY });
        const parsed = parseData(raw) as { id?: unknown; status?: unknown; usage?: unknown };
        assertShape(responseObjectSchema, parsed, "Response object (raw text)");
        assert.equal(body.id, parsed.id, "the summary's id is the raw Response's");
        assert.equal(body.status, parsed.status, "the summary's status is the raw Response's");
        assert.deepEqual(normalizeUsage(body.usage), normalizeUsage(parsed.usage), "the summary's usage is the raw Response's");
        assert.ok(normalizeUsage(body.usage), "the summary carries usage");
      },
    },
    {
      name: "responses.stream events: response.created first, sequence numbers in order, one terminal event last, usage known",
      ...noResponses,
      async run(ctx) {
        const result = await ctx.deployment(models.responses!).responses!.stream({ model: "m", input: STORY });
        const events: { type: string; response?: { usage?: unknown } }[] = [];
        for await (const event of result.stream) events.push(event as never);
        assertResponsesEventOrder(events);
        assert.ok(streamUsage(normalizeUsage(events.at(-1)!.response?.usage), result), "the stream's usage is known once it ends");
      },
    },
    {
      name: "responses.stream as SSE (what the proxy relays): event lines name their data's type, same order, usage known",
      ...noResponses,
      async run(ctx) {
        const result = await ctx.deployment(models.responses!).responses!.stream({ model: "m", input: STORY });
        const { messages, accounting } = await readSse(result, "responses");
        const events = messages.map((m) => {
          const event = parseData(m.data) as { type: string };
          if (m.event !== undefined) assert.equal(m.event, event.type, "an SSE event line names its data's type");
          return event;
        });
        assertResponsesEventOrder(events);
        assert.ok(accounting.responseId, "the relayed stream names its response id");
        assert.ok(streamUsage(accounting.usage, result), "the relayed stream's usage is known once it ends");
      },
    },
    {
      name: "chat.create answers a chat.completion with usage",
      ...noChat,
      async run(ctx) {
        const d = ctx.deployment(models.chat!);
        assert.ok(d.chat, "the deployment serves no Chat Completions");
        const { body, status } = await d.chat.create({ model: "m", messages: [USER("Hello world")] });
        assert.ok(status >= 200 && status < 300, `status ${status}`);
        assertShape(chatCompletionSchema, body, "chat.completion");
        assert.ok(normalizeUsage(body.usage), "the chat.completion carries usage");
      },
    },
    {
      name: "chat.stream chunks: one id, the last choice has a finish_reason, usage with include_usage",
      ...noChat,
      async run(ctx) {
        const result = await ctx.deployment(models.chat!).chat!.stream({ model: "m", messages: [USER("Hello world")], stream: true, stream_options: { include_usage: true } });
        const chunks = [];
        for await (const chunk of result.stream) chunks.push(chunk);
        const usage = assertChatChunks(chunks);
        assert.ok(streamUsage(usage, result), "usage is reported with include_usage");
      },
    },
    {
      name: "chat.stream as SSE (what the proxy relays): the same chunks as JSON, ended by [DONE]",
      ...noChat,
      async run(ctx) {
        const result = await ctx.deployment(models.chat!).chat!.stream({ model: "m", messages: [USER("Hello world")], stream: true });
        const { messages } = await readSse(result, "chat");
        assert.equal(messages.at(-1)?.data, "[DONE]", "a chat stream ends with data: [DONE]");
        const chunks = messages.slice(0, -1).map((m) => {
          assert.notEqual(m.data, "[DONE]", "[DONE] comes once, last");
          return parseData(m.data);
        });
        assertChatChunks(chunks);
      },
    },
  ];
}
