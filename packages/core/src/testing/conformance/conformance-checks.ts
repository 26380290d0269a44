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
  return [...shapeChecks(options), passThroughCheck(options), ...storedChecks(options), ...errorChecks(options), ...abortChecks(options), priceCheck(options)];
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
