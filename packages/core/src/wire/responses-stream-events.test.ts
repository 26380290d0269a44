import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  knownResponseStreamEventSchema,
  responseStreamEventSchema,
  TERMINAL_RESPONSE_EVENT_TYPES,
} from "./responses-stream-events.js";

/* Recorded-shape streams (one event's JSON per line), following reference §3.3 (a)-(d). */
const fixturesDir = new URL("./__fixtures__/", import.meta.url);
const traces = readdirSync(fixturesDir)
  .filter((f) => f.endsWith(".chunks.txt"))
  .map((file) => ({
    file,
    events: readFileSync(new URL(file, fixturesDir), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  }));

describe("responseStreamEventSchema on real traces", () => {
  it("has the four traces of reference 3.3", () => {
    expect(traces.map((t) => t.file).sort()).toEqual([
      "azure-responses-reasoning-summary.chunks.txt",
      "responses-error.chunks.txt",
      "responses-function-call.chunks.txt",
      "responses-text.chunks.txt",
    ]);
  });

  describe.each(traces)("$file", ({ events }) => {
    it("parses every event and keeps every field (obfuscation, logprobs, content_filters...)", () => {
      for (const event of events) expect(responseStreamEventSchema.parse(event)).toStrictEqual(event);
    });

    it("validates every event against its own known schema, not only the catch-all", () => {
      for (const event of events) {
        const result = knownResponseStreamEventSchema.safeParse(event);
        expect(result.success, `${String(event.type)}: ${result.error?.message}`).toBe(true);
      }
    });

    it("ends with a terminal event", () => {
      expect(TERMINAL_RESPONSE_EVENT_TYPES.has(String(events.at(-1)!.type))).toBe(true);
    });
  });
});

describe("responseStreamEventSchema on events outside the catalogue", () => {
  it("carries an unknown event type with all its fields instead of dropping or rejecting it", () => {
    const event = { type: "response.future_thing", sequence_number: 7, item_id: "ft_1", payload: { nested: [1, 2, { deep: true }] } };
    expect(knownResponseStreamEventSchema.safeParse(event).success).toBe(false);
    expect(responseStreamEventSchema.parse(event)).toStrictEqual(event);
  });

  it("carries a keepalive event that has no sequence-dependent fields", () => {
    const event = { type: "keepalive", sequence_number: 12 };
    expect(responseStreamEventSchema.parse(event)).toStrictEqual(event);
  });

  it("accepts the documented flat error event as well as the nested real one", () => {
    const flat = { type: "error", sequence_number: 2, code: "server_error", message: "boom", param: null };
    expect(knownResponseStreamEventSchema.parse(flat)).toStrictEqual(flat);
    const nestedNullCode = { type: "error", sequence_number: 2, error: { type: "server_error", code: null, message: "boom", param: null } };
    expect(knownResponseStreamEventSchema.parse(nestedNullCode)).toStrictEqual(nestedNullCode);
  });

  it("rejects a payload without a string type", () => {
    expect(responseStreamEventSchema.safeParse({ sequence_number: 1 }).success).toBe(false);
    expect(responseStreamEventSchema.safeParse({ type: 42 }).success).toBe(false);
  });
});
