import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { StreamTap } from "../src/pipeline/streaming/stream-tap.js";

/* The proxy's side reading of forwarded SSE messages into core's StreamAccounting. */

const coreDir = path.dirname(createRequire(import.meta.url).resolve("@dheera/core/package.json"));
const fixture = (file: string): { event: string; data: string }[] =>
  readFileSync(path.join(coreDir, "src/wire/__fixtures__", file), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => ({ event: (JSON.parse(line) as { type: string }).type, data: line }));

describe("StreamTap on Responses streams", () => {
  it("reads the terminal event's usage, the response id and the first token from named events", () => {
    const tap = new StreamTap("responses");
    for (const message of fixture("responses-text.chunks.txt")) tap.onMessage(message);
    expect(tap.accounting.usage).toMatchObject({ input_tokens: 12, output_tokens: 2, total_tokens: 14 });
    expect(tap.accounting.responseId).toMatch(/^resp_/);
    expect(tap.accounting.firstTokenAt).not.toBeNull();
    expect(tap.accounting.finished).toBe(true);
  });

  it("reads the same from data-only messages (no event: lines)", () => {
    const tap = new StreamTap("responses");
    for (const { data } of fixture("azure-responses-reasoning-summary.chunks.txt")) tap.onMessage({ data });
    expect(tap.accounting.usage).toMatchObject({ input_tokens: 31, output_tokens: 540, reasoning_tokens: 516 });
  });

  it("reports an in-band failure", () => {
    const tap = new StreamTap("responses");
    for (const message of fixture("responses-error.chunks.txt")) tap.onMessage(message);
    expect(tap.accounting.failure).toMatchObject({ code: "insufficient_quota" });
    expect(tap.accounting.usage).toBeNull();
  });

  it("reads the same from lifecycle events too long to be parsed whole (scanned for their members)", () => {
    const padded = (file: string) => fixture(file).map(({ event, data }) => ({ event, data: `${" ".repeat(5000)}${data}` }));
    const tap = new StreamTap("responses");
    for (const message of padded("responses-text.chunks.txt")) tap.onMessage(message);
    expect(tap.accounting.usage).toMatchObject({ input_tokens: 12, output_tokens: 2, total_tokens: 14 });
    expect(tap.accounting.responseId).toMatch(/^resp_/);
    expect(tap.accounting.finished).toBe(true);
    const failed = new StreamTap("responses");
    for (const message of padded("responses-error.chunks.txt")) failed.onMessage(message);
    expect(failed.accounting.failure).toMatchObject({ code: "insufficient_quota" });
  });

  it("ignores data that is not JSON", () => {
    const tap = new StreamTap("responses");
    tap.onMessage({ event: "response.completed", data: "not json" });
    expect(tap.accounting.usage).toBeNull();
  });
});

describe("StreamTap on Chat streams", () => {
  it("reads the usage chunk, the first token and the finish, and skips [DONE]", () => {
    const tap = new StreamTap("chat");
    const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [{ index: 0, delta, finish_reason: null }], ...extra });
    tap.onMessage({ data: chunk({ role: "assistant", content: "" }) });
    expect(tap.accounting.firstTokenAt).toBeNull();
    tap.onMessage({ data: chunk({ content: "Hi" }) });
    expect(tap.accounting.firstTokenAt).not.toBeNull();
    // a content delta that merely mentions "usage" is not usage
    tap.onMessage({ data: chunk({ content: '"usage":{' }) });
    expect(tap.accounting.usage).toBeNull();
    tap.onMessage({ data: JSON.stringify({ id: "chatcmpl-1", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }) });
    tap.onMessage({ data: JSON.stringify({ id: "chatcmpl-1", choices: [], usage: { prompt_tokens: 1000, prompt_tokens_details: { cached_tokens: 200 }, completion_tokens: 500, total_tokens: 1500 } }) });
    tap.onMessage({ data: "[DONE]" });
    expect(tap.accounting.usage).toMatchObject({ input_tokens: 1000, cached_input_tokens: 200, output_tokens: 500 });
    expect(tap.accounting.finished).toBe(true);
    expect(tap.accounting.responseId).toBe("chatcmpl-1");
  });

  it("reports an error payload", () => {
    const tap = new StreamTap("chat");
    tap.onMessage({ data: JSON.stringify({ error: { message: "boom", type: "server_error", code: "server_error", param: null } }) });
    expect(tap.accounting.failure).toEqual({ code: "server_error", message: "boom" });
  });
});
