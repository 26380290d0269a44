import { StreamAccounting } from "@dheera/core";
import { describe, expect, test } from "vitest";
import { responsesFixture } from "../transform/__fixtures__/stream-fixtures.js";
import { responsesToChatChunksStep } from "../transform/responses-stream-to-chat-chunks.js";
import { accountedStep } from "./bridge-context.js";

describe("accountedStep", () => {
  test("tells the host which events it may skip parsing, as the transform does", () => {
    const step = accountedStep(responsesToChatChunksStep({ model: "m" }), new StreamAccounting("chat"));
    expect(step.ignores?.("response.content_part.added")).toBe(true);
    // Before the stream has started a snapshot starts it; after, it completes nothing.
    expect(step.ignores?.("response.in_progress")).toBe(false);
    const [created] = responsesFixture("plain-text");
    step.push(created!);
    expect(step.ignores?.("response.in_progress")).toBe(true);
    expect(step.ignores?.("response.completed")).toBe(false);
  });

  test("is done when the transform is, and accounts what it built", () => {
    const accounting = new StreamAccounting("chat");
    const step = accountedStep(responsesToChatChunksStep({ model: "m", includeUsage: true }), accounting);
    const events = responsesFixture("plain-text");
    for (const event of events.slice(0, -1)) step.push(event);
    expect(step.done).toBe(false);
    step.push(events.at(-1)!);
    expect(step.done).toBe(true);
    expect(accounting.usage?.total_tokens).toBeGreaterThan(0);
    expect(step.push(events.at(-1)!)).toEqual([]);
  });

  test("is done after a truncated stream's end, which throws", () => {
    const step = accountedStep(responsesToChatChunksStep({ model: "m" }), new StreamAccounting("chat"));
    const [created] = responsesFixture("plain-text");
    step.push(created!);
    expect(() => step.end()).toThrow(/ended before a terminal event/);
    expect(step.done).toBe(true);
  });
});
