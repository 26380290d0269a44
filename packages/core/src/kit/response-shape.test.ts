import { responseObjectSchema } from "../wire/response-object.js";
import { describe, expect, it } from "vitest";
import { isResponseObject, readResponseSummary } from "./response-shape.js";

const base = {
  id: "resp_1",
  object: "response",
  created_at: 1741369938,
  status: "completed",
  error: null,
  incomplete_details: null,
  model: "gpt-4o",
  output: [{ type: "message", id: "msg_1", role: "assistant", content: [{ type: "output_text", text: "hi", annotations: [] }] }],
  usage: { input_tokens: 1, input_tokens_details: { cached_tokens: 0 }, output_tokens: 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 3 },
};

const cases: [string, unknown][] = [
  ["complete", base],
  ["minimal", { id: "r", object: "response", created_at: 1, model: "m", output: [] }],
  ["extra fields", { ...base, content_filters: [], metadata: { a: 1 } }],
  ["failed", { ...base, status: "failed", error: { code: "server_error", message: "x" } }],
  ["error without code", { ...base, error: { message: "x" } }],
  ["error code null", { ...base, error: { code: null, message: "x" } }],
  ["error without message", { ...base, error: { code: "x" } }],
  ["error as string", { ...base, error: "x" }],
  ["incomplete", { ...base, incomplete_details: { reason: "max_output_tokens" } }],
  ["incomplete reason number", { ...base, incomplete_details: { reason: 1 } }],
  ["incomplete as array", { ...base, incomplete_details: [] }],
  ["no output", { ...base, output: undefined }],
  ["output object", { ...base, output: {} }],
  ["output item without type", { ...base, output: [{ id: "x" }] }],
  ["output item null", { ...base, output: [null] }],
  ["unknown output item", { ...base, output: [{ type: "web_search_call", id: "w" }] }],
  ["broken message item", { ...base, output: [{ type: "message" }] }],
  ["wrong object", { ...base, object: "chat.completion" }],
  ["id number", { ...base, id: 1 }],
  ["created_at string", { ...base, created_at: "1" }],
  ["model missing", { ...base, model: undefined }],
  ["status null", { ...base, status: null }],
  ["status number", { ...base, status: 1 }],
  ["usage null", { ...base, usage: null }],
  ["usage missing total", { ...base, usage: { input_tokens: 1, output_tokens: 2 } }],
  ["usage details null", { ...base, usage: { ...base.usage, input_tokens_details: null, output_tokens_details: null } }],
  ["usage cached string", { ...base, usage: { ...base.usage, input_tokens_details: { cached_tokens: "1" } } }],
  ["usage reasoning null", { ...base, usage: { ...base.usage, output_tokens_details: { reasoning_tokens: null } } }],
  ["usage array", { ...base, usage: [] }],
  ["array", []],
  ["null", null],
  ["empty object", {}],
  ["string", "response"],
];

describe("isResponseObject", () => {
  it.each(cases)("agrees with responseObjectSchema: %s", (_name, value) => {
    const json = JSON.parse(JSON.stringify(value ?? null)) as unknown;
    const parsed = responseObjectSchema.safeParse(json);
    expect(isResponseObject(json)).toBe(parsed.success);
    // The schema has no transforms: what it accepts comes out as it went in, so the parsed value can stand for its output.
    if (parsed.success) expect(parsed.data).toStrictEqual(json);
  });
});

// Small bodies are parsed whole, long ones scanned (response-shape.ts): white space around the
// JSON makes a long text of every case, so both readers are held to the schema.
const sizes: [string, (json: string) => string][] = [
  ["short", (json) => json],
  ["long", (json) => `${" ".repeat(5000)}${json}\n`],
];

describe.each(sizes)("readResponseSummary (%s body)", (_size, sized) => {
  it.each(cases)("agrees with responseObjectSchema: %s", (_name, value) => {
    const text = sized(JSON.stringify(value ?? null));
    const parsed = responseObjectSchema.safeParse(JSON.parse(text));
    const summary = readResponseSummary(text);
    expect(summary !== undefined).toBe(parsed.success);
    if (summary && parsed.success) {
      const { id, status, error, usage } = parsed.data;
      expect(summary).toMatchObject(JSON.parse(JSON.stringify({ id, status, error, usage })) as object);
    }
  });

  it("rejects text that is not JSON, or a truncated body", () => {
    const text = JSON.stringify(cases[0]![1]);
    expect(readResponseSummary(sized(text.slice(0, -1)))).toBeUndefined();
    expect(readResponseSummary(sized(`${text}x`))).toBeUndefined();
    expect(readResponseSummary(sized("<html>502 Bad Gateway</html>"))).toBeUndefined();
  });

  it("takes the last of repeated members, as JSON.parse does", () => {
    const text = sized(JSON.stringify(cases[0]![1]).replace('"id":"resp_1"', '"id":"resp_0","id":"resp_1"'));
    expect(readResponseSummary(text)?.id).toBe("resp_1");
  });
});
