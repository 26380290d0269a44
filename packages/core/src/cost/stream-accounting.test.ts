import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { StreamAccounting } from "./stream-accounting.js";

const trace = (file: string): unknown[] =>
  readFileSync(new URL(`../wire/__fixtures__/${file}`, import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);

function feed(api: "responses" | "chat", events: unknown[]): StreamAccounting {
  let clock = 0;
  const accounting = new StreamAccounting(api, () => ++clock);
  for (const event of events) accounting.observe(event);
  return accounting;
}

describe("StreamAccounting on Responses streams", () => {
  it("takes the usage from response.completed and the id from response.created", () => {
    const a = feed("responses", trace("responses-text.chunks.txt"));
    expect(a.usage).toStrictEqual({ input_tokens: 12, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 2, reasoning_tokens: 0, total_tokens: 14 });
    expect(a.responseId).toBe("resp_68b1f2a0c3d4819d9a1c2e3f4a5b6c7d");
    expect(a.terminal).toBe("response.completed");
    expect(a.finished).toBe(true);
    expect(a.failure).toBeNull();
  });

  it("keeps reasoning tokens inside output tokens (Azure reasoning-summary trace)", () => {
    const a = feed("responses", trace("azure-responses-reasoning-summary.chunks.txt"));
    expect(a.usage).toMatchObject({ input_tokens: 31, output_tokens: 540, reasoning_tokens: 516 });
  });

  it("marks the first token at the first delta event, not at response.created", () => {
    const events = trace("responses-text.chunks.txt") as { type: string }[];
    const firstDelta = events.findIndex((e) => e.type.endsWith(".delta"));
    // The clock ticks once per call to now(), which happens only at the first delta.
    const a = feed("responses", events);
    expect(firstDelta).toBeGreaterThan(0);
    expect(a.firstTokenAt).toBe(1);
  });

  it("reports the failure of an error event and response.failed, with no usage", () => {
    const a = feed("responses", trace("responses-error.chunks.txt"));
    expect(a.failure).toStrictEqual({ code: "insufficient_quota", message: "You exceeded your current quota, please check your plan and billing details." });
    expect(a.terminal).toBe("response.failed");
    expect(a.usage).toBeNull();
    expect(a.firstTokenAt).toBeNull();
  });

  it("reads response.incomplete's usage", () => {
    const a = feed("responses", [
      { type: "response.incomplete", sequence_number: 0, response: { id: "resp_1", usage: { input_tokens: 10, output_tokens: 16, output_tokens_details: { reasoning_tokens: 16 }, total_tokens: 26 } } },
    ]);
    expect(a.usage).toMatchObject({ input_tokens: 10, output_tokens: 16, reasoning_tokens: 16 });
  });
});

describe("StreamAccounting on Chat streams", () => {
  const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-4o",
    choices: [{ index: 0, delta, finish_reason: null }],
    ...extra,
  });

  it("takes the usage from the usage chunk and the first token from the first content delta", () => {
    const a = feed("chat", [
      { choices: [], created: 0, id: "", model: "", object: "", prompt_filter_results: [] },
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Hi" }),
      chunk({ content: " there" }),
      { ...chunk({}), choices: [], usage: { prompt_tokens: 1000, prompt_tokens_details: { cached_tokens: 200 }, completion_tokens: 500, total_tokens: 1500 } },
    ]);
    expect(a.usage).toMatchObject({ input_tokens: 1000, cached_input_tokens: 200, output_tokens: 500 });
    expect(a.responseId).toBe("chatcmpl-1");
    expect(a.firstTokenAt).toBe(1);
  });

  it("counts a tool-call delta as the first token", () => {
    const a = feed("chat", [chunk({ role: "assistant", content: null }), chunk({ tool_calls: [{ index: 0, id: "call_1", function: { name: "f", arguments: "" } }] })]);
    expect(a.firstTokenAt).toBe(1);
  });

  it("has no usage without include_usage (nothing to price), and is finished at the finish_reason", () => {
    const a = feed("chat", [chunk({ content: "Hi" }, { usage: null })]);
    expect(a.finished).toBe(false);
    a.observe({ ...chunk({}, { usage: null }), choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
    expect(a.usage).toBeNull();
    expect(a.finished).toBe(true);
  });

  it("reports an in-band error payload", () => {
    const a = feed("chat", [chunk({ content: "Hi" }), { error: { message: "boom", type: "server_error", code: "server_error", param: null } }]);
    expect(a.failure).toStrictEqual({ code: "server_error", message: "boom" });
  });
});
