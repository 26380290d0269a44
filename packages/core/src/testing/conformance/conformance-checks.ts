import assert from "node:assert/strict";
import { NotFoundError } from "../../errors/dheera-error.js";
import { priceEntrySchema } from "../../cost/price-entry.js";
import type { ConformanceCheck, ProviderConformanceOptions } from "./conformance-options.js";
import { abortChecks } from "./abort-checks.js";
import { errorChecks, rejection } from "./error-checks.js";
import { findKeyDeep } from "./recording-transport.js";
import { shapeChecks } from "./shape-checks.js";
import { assertShape } from "./stream-assertions.js";

/** The probe parameter no upstream knows; it must arrive as it was sent. */
export const PROBE_PARAMETER = "dheera_conformance_probe";
const PROBE_VALUE = "x";
const USER = (content: string) => ({ role: "user" as const, content });

/**
 * Every check of the provider conformance suite, in order; a check that does not apply says why
 * in `skip`. `describeProviderConformance` runs them as vitest tests, `runConformanceChecks`
 * outside vitest.
 */
export function conformanceChecks(options: ProviderConformanceOptions): ConformanceCheck[] {
  const { models } = options;
  assert.ok(models.responses || models.chat, "the conformance suite needs a Responses or a Chat model reference");
  return [
    ...shapeChecks(options),
    passThroughCheck(options),
    ...storedChecks(options),
    ...optionalOperationChecks(options),
    ...errorChecks(options),
    ...abortChecks(options),
    priceCheck(options),
  ];
}

function passThroughCheck({ models, passThrough }: ProviderConformanceOptions): ConformanceCheck {
  return {
    name: "unknown request parameters reach the upstream untouched, in create and stream calls",
    ...(passThrough && passThrough !== true ? { skip: passThrough.skip } : {}),
    async run(ctx) {
      const arrived = (what: string) => {
        const sent = ctx.recorder.exchanges.at(-1)?.json;
        assert.deepEqual(findKeyDeep(sent, PROBE_PARAMETER), { found: true, value: PROBE_VALUE }, `${what}: the unknown parameter did not reach the upstream as sent`);
      };
      const probe = { [PROBE_PARAMETER]: PROBE_VALUE };
      if (models.responses) {
        const ops = ctx.deployment(models.responses).responses!;
        await ops.create({ model: "m", input: "hi", ...probe });
        arrived("responses.create");
        const result = await ops.stream({ model: "m", input: "hi", ...probe });
        arrived("responses.stream");
        result.stream.abort();
      }
      if (models.chat) {
        const ops = ctx.deployment(models.chat).chat!;
        await ops.create({ model: "m", messages: [USER("hi")], ...probe });
        arrived("chat.create");
        const result = await ops.stream({ model: "m", messages: [USER("hi")], stream: true, ...probe });
        arrived("chat.stream");
        result.stream.abort();
      }
    },
  };
}

function storedChecks({ models, stored, cancel }: ProviderConformanceOptions): ConformanceCheck[] {
  const noResponses = models.responses ? undefined : "no Responses model given";
  return [
    {
      name: "stored responses: retrieve finds one, input items list it, delete removes it, retrieve then answers NotFoundError",
      ...(noResponses ? { skip: noResponses } : stored ? {} : { skip: "the provider stores no responses (stored: false)" }),
      async run(ctx) {
        const ops = ctx.deployment(models.responses!).responses!;
        const { body } = await ops.create({ model: "m", input: "hi", store: true });
        const found = await ops.retrieve(body.id);
        assert.equal(found.body.id, body.id, "retrieve finds the response by its id");
        const items = await ops.listInputItems(body.id);
        assert.equal(items.body.object, "list", "input items are a list");
        assert.ok(items.body.data.length > 0, "the response's input is listed");
        const deleted = await ops.delete(body.id);
        assert.deepEqual([deleted.body.id, deleted.body.deleted], [body.id, true], "delete answers the deleted id");
        const gone = await rejection(ops.retrieve(body.id), "a deleted response was still found");
        assert.ok(gone instanceof NotFoundError || (gone as Error).name === NotFoundError.name, `a deleted response is NotFoundError, got ${String(gone)}`);
      },
    },
    {
      name: "cancel stops a background response",
      ...(noResponses ? { skip: noResponses } : cancel ? {} : { skip: "the provider runs no background responses (cancel: false)" }),
      async run(ctx) {
        const ops = ctx.deployment(models.responses!).responses!;
        const { body } = await ops.create({ model: "m", input: "later", background: true, store: true });
        assert.ok(body.status === "queued" || body.status === "in_progress", `a background response starts queued or in progress, got ${body.status}`);
        const cancelled = await ops.cancel(body.id);
        assert.equal(cancelled.body.id, body.id);
        assert.equal(cancelled.body.status, "cancelled");
      },
    },
  ];
}

/**
 * The optional operations, checked where the deployment offers them: a background response's
 * replay, conversations, the upstream's Responses WebSocket.
 */
function optionalOperationChecks({ models, replay }: ProviderConformanceOptions): ConformanceCheck[] {
  const noResponses = models.responses ? undefined : "no Responses model given";
  const typesOf = async (stream: AsyncIterable<unknown>) => {
    const types: string[] = [];
    for await (const event of stream) types.push(String((event as { type?: unknown }).type));
    return types;
  };
  return [
    {
      name: "replay (retrieveStream): a stored response's events replay in order, and from starting_after",
      ...(noResponses ? { skip: noResponses } : replay ? {} : { skip: "the provider's upstream replays no streams (replay: false)" }),
      async run(ctx) {
        const ops = ctx.deployment(models.responses!).responses!;
        if (!ops.retrieveStream) return { skipped: "the deployment has no retrieveStream" };
        const { body } = await ops.create({ model: "m", input: "hi", store: true, background: true });
        const whole = await typesOf((await ops.retrieveStream(body.id)).stream);
        assert.equal(whole[0], "response.created", "a replay starts with response.created");
        assert.equal(whole.at(-1), "response.completed", "a replay of a finished response ends with response.completed");
        const tail = await typesOf((await ops.retrieveStream(body.id, { starting_after: "1" })).stream);
        assert.deepEqual(tail, whole.slice(2), "starting_after=1 replays the events after sequence number 1");
      },
    },
    {
      name: "conversations: create, add items, a response with `conversation` extends it, delete",
      ...(noResponses ? { skip: noResponses } : {}),
      async run(ctx) {
        const deployment = ctx.deployment(models.responses!);
        const conversations = deployment.conversations;
        if (!conversations) return { skipped: "the deployment has no conversations operations" };
        const created = await conversations.create({ metadata: { suite: "conformance" } });
        assert.equal(created.body.object, "conversation");
        const id = created.body.id;
        await conversations.createItems(id, { items: [{ type: "message", role: "user", content: "Remember 7." }] });
        const answered = await deployment.responses!.create({ model: "m", input: "Which number?", conversation: id });
        assert.deepEqual((answered.body as { conversation?: unknown }).conversation, { id }, "the Response names its conversation");
        const items = await conversations.listItems(id, { order: "asc" });
        assert.ok(items.body.data.length >= 3, "the conversation holds the added item, the new input and the answer");
        const deleted = await conversations.delete(id);
        assert.deepEqual([deleted.body.id, deleted.body.deleted], [id, true]);
        const gone = await rejection(conversations.retrieve(id), "a deleted conversation was still found");
        assert.ok(gone instanceof NotFoundError || (gone as Error).name === NotFoundError.name, `a deleted conversation is NotFoundError, got ${String(gone)}`);
      },
    },
    {
      name: "WebSocket mode (socket): a turn streams the same events as HTTP, an upstream error rejects the turn, and the socket stays usable",
      ...(noResponses ? { skip: noResponses } : {}),
      async run(ctx) {
        const ops = ctx.deployment(models.responses!).responses!;
        if (!ops.socket) return { skipped: "the deployment has no socket operation" };
        if (!ctx.recorder.transport.openWebSocket) return { skipped: "the transport opens no WebSockets" };
        const socket = await ops.socket();
        try {
          const overHttp = await typesOf((await ops.stream({ model: "m", input: "hi" })).stream);
          const overSocket = await typesOf((await socket.create({ model: "m", input: "hi" })).stream);
          assert.deepEqual(overSocket, overHttp, "a turn over the socket has the HTTP stream's events");
          await rejection(socket.create({ model: "m", input: "hi", temperature: "hot" as unknown as number }), "an invalid request was accepted over the socket");
          const again = await typesOf((await socket.create({ model: "m", input: "again" })).stream);
          assert.equal(again.at(-1), "response.completed", "the socket serves the next turn after an error");
        } finally {
          socket.close();
        }
      },
    },
  ];
}

function priceCheck({ prices }: ProviderConformanceOptions): ConformanceCheck {
  return {
    name: "prices: a priced model has a valid price entry, an unpriced one null (never 0)",
    ...(prices ? {} : { skip: "no prices given" }),
    async run(ctx) {
      if (prices?.priced) {
        const price = ctx.deployment(prices.priced).price;
        assert.ok(price, `${prices.priced} has no price`);
        assertShape(priceEntrySchema, price, "price entry");
      }
      if (prices?.unpriced) assert.strictEqual(ctx.deployment(prices.unpriced).price ?? null, null, `${prices.unpriced} must be priced null`);
    },
  };
}
