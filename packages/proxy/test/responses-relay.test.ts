import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChatRelay } from "../src/pipeline/streaming/chat-relay.js";
import { ResponsesRelay } from "../src/pipeline/streaming/responses-relay.js";
import { StreamTap } from "../src/pipeline/streaming/stream-tap.js";

const UP = "resp_0123456789abcdef";
const PREV = "resp_previous00000000";
const encode = (id: string) => `resp_ENC_${id.slice(5)}`;

const events = [
  `event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"${UP}","object":"response","previous_response_id":"${PREV}","output":[],"usage":null}}\n\n`,
  `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":1,"delta":"the id is \\"${UP}\\" and ${UP}"}\n\n`,
  `event: response.completed\ndata: {"type":"response.completed","sequence_number":2,"response":{"id":"${UP}","object":"response","previous_response_id":"${PREV}","output":[],"usage":{"input_tokens":3,"output_tokens":5,"total_tokens":8}}}\n\n`,
];
const wire = events.join("");
const expected = wire
  .replaceAll(`"id":"${UP}"`, `"id":"${encode(UP)}"`)
  .replaceAll(`"previous_response_id":"${PREV}"`, `"previous_response_id":"${encode(PREV)}"`);

function run(chunks: Uint8Array[]): { out: string; relay: ResponsesRelay } {
  const relay = new ResponsesRelay(encode, { previousUpstreamId: PREV });
  let out = "";
  for (const chunk of chunks) {
    const piece = relay.push(chunk);
    out += piece;
  }
  out += relay.end();
  return { out, relay };
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    out.push(bytes.slice(start, p));
    start = p;
  }
  out.push(bytes.slice(start));
  return out;
}

describe("ResponsesRelay", () => {
  it("rewrites only the response ids and passes everything else byte for byte", () => {
    const { out, relay } = run([new TextEncoder().encode(wire)]);
    expect(out).toBe(expected);
    // text that merely mentions the id is left alone
    expect(out).toContain(`the id is \\"${UP}\\" and ${UP}`);
    expect(relay.finished).toBe(true);
  });

  it("gives the same bytes however the upstream chunks the stream", () => {
    const bytes = new TextEncoder().encode(wire);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        expect(run(split(bytes, cuts)).out).toBe(expected);
      }),
    );
  });

  it("never emits part of an event, so an id cannot be split across writes", () => {
    const relay = new ResponsesRelay(encode);
    const first = events[0]!;
    expect(relay.push(new TextEncoder().encode(first.slice(0, 40)))).toBe("");
    expect(String(relay.push(new TextEncoder().encode(first.slice(40))))).toContain(encode(UP));
  });

  it("is not finished when the upstream stops before the terminal event, and numbers its error event", () => {
    const relay = new ResponsesRelay(encode);
    relay.push(new TextEncoder().encode(events[0]! + events[1]!));
    relay.end();
    expect(relay.finished).toBe(false);
    const error = relay.errorEvent({ message: "boom", type: "api_connection_error", param: null, code: "x" });
    expect(error).toBe(
      `event: error\ndata: {"type":"error","code":"x","message":"boom","param":null,"sequence_number":2,"error":{"message":"boom","type":"api_connection_error","param":null,"code":"x"}}\n\n`,
    );
    expect(relay.finished).toBe(true);
  });

  it("counts an upstream error event as a proper end, and handles CRLF framing", () => {
    const relay = new ResponsesRelay(encode);
    const crlf = events[0]!.replaceAll("\n", "\r\n") + `event: error\r\ndata: {"type":"error","sequence_number":1,"error":{"message":"x"}}\r\n\r\n`;
    const out = relay.push(new TextEncoder().encode(crlf)) + relay.end();
    expect(out).toContain(encode(UP));
    expect(relay.finished).toBe(true);
  });

  it("flushes a last event that has no blank line after it", () => {
    const relay = new ResponsesRelay(encode);
    const out = relay.push(new TextEncoder().encode(events[2]!.trimEnd())) + relay.end();
    expect(out.endsWith("\n\n")).toBe(true);
    expect(relay.finished).toBe(true);
  });
});

describe("ResponsesRelay on bytes, with a StreamTap", () => {
  it("passes a chunk without an id to replace on as the upstream's own bytes", () => {
    const relay = new ResponsesRelay(encode, { previousUpstreamId: PREV });
    relay.push(new TextEncoder().encode(events[0]!));
    const plain = new TextEncoder().encode(`event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"x"}\n\n`);
    const out = relay.push(plain);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(out as Uint8Array).equals(Buffer.from(plain))).toBe(true);
  });

  it("feeds the tap from the events it reads: id, first token, usage; a long Response is never parsed whole", () => {
    // Snapshots of a few KB or more are scanned for the members accounting reads (short ones are
    // parsed whole, which is faster for them): the output must never go through JSON.parse.
    const longOutput = `"output":[{"type":"message","id":"msg_1","role":"assistant","content":[{"type":"output_text","text":"${"x".repeat(5000)}","annotations":[]}]}]`;
    const wire = events.join("").replaceAll('"output":[]', longOutput);
    const expected = wire
      .replaceAll(`"id":"${UP}"`, `"id":"${encode(UP)}"`)
      .replaceAll(`"previous_response_id":"${PREV}"`, `"previous_response_id":"${encode(PREV)}"`);
    const tap = new StreamTap("responses");
    const relay = new ResponsesRelay(encode, { previousUpstreamId: PREV, observer: tap });
    const parse = JSON.parse;
    const parsed: string[] = [];
    JSON.parse = ((...a: Parameters<typeof JSON.parse>) => {
      parsed.push(a[0]);
      return parse(...a);
    }) as typeof JSON.parse;
    let out = "";
    try {
      out += relay.push(new TextEncoder().encode(wire));
      out += relay.end();
    } finally {
      JSON.parse = parse;
    }
    expect(out).toBe(expected);
    // Only the members accounting reads (type, id, status, error, usage), never a snapshot's output.
    expect(parsed.filter((text) => text.includes("xxxxx"))).toStrictEqual([]);
    expect(parsed.length).toBeGreaterThan(0);
    expect(tap.accounting.responseId).toBe(UP);
    expect(tap.accounting.firstTokenAt).not.toBeNull();
    expect(tap.accounting.usage).toMatchObject({ input_tokens: 3, output_tokens: 5, total_tokens: 8 });
    expect(relay.finished).toBe(true);
  });

  it("gives the tap the same as before for CRLF streams and data-only events", () => {
    const dataOnly = events.map((e) => e.replace(/^event: [^\n]*\n/, "")).join("").replaceAll("\n", "\r\n");
    const tap = new StreamTap("responses");
    const relay = new ResponsesRelay(encode, { observer: tap });
    const out = relay.push(new TextEncoder().encode(dataOnly)) + relay.end();
    expect(out).toContain(encode(UP));
    expect(tap.accounting.usage).toMatchObject({ total_tokens: 8 });
    expect(relay.finished).toBe(true);
  });
});

describe("ResponsesRelay replacing ids in bytes", () => {
  it("keeps multi-byte text around a replaced id intact, cut anywhere", () => {
    const text = `héllo ✓ 🦄 "${UP}" ü`;
    const created = `event: response.created\ndata: {"type":"response.created","response":{"id":"${UP}","instructions":"${text.replaceAll('"', '\\"')}"}}\n\n`;
    const delta = `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"✓ ${UP} 🦄"}\n\n`;
    const bytes = Buffer.from(created + delta);
    const want = (created + delta).replaceAll(`"${UP}"`, `"${encode(UP)}"`);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const relay = new ResponsesRelay(encode);
      const out = Buffer.concat([relay.push(bytes.subarray(0, cut)), relay.push(bytes.subarray(cut)), Buffer.from(relay.end())].map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));
      expect(out.toString("utf8")).toBe(want);
    }
  });
});

describe("ChatRelay", () => {
  it("passes whole events through as they came and notices [DONE] on the side", () => {
    const relay = new ChatRelay();
    const chunk = Buffer.from('data: {"id":"c","choices":[]}\n\n');
    expect(relay.push(chunk)).toBe(chunk);
    relay.onMessage({ data: `{"id":"c","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}` });
    expect(relay.finished).toBe(false);
    relay.onMessage({ data: "[DONE]" });
    expect(relay.finished).toBe(true);
  });

  it("holds back a half event, so nothing is left half-forwarded when the upstream breaks inside it", () => {
    const relay = new ChatRelay();
    const two = 'data: {"id":"c","choices":[]}\n\ndata: {"id":"c","cho';
    expect(String(relay.push(Buffer.from(two)))).toBe('data: {"id":"c","choices":[]}\n\n');
    expect(String(relay.push(Buffer.from('ices":[]}\n\n')))).toBe('data: {"id":"c","choices":[]}\n\n');
    expect(String(relay.push(Buffer.from("data: [DO")))).toBe("");
    expect(relay.end()).toBe("data: [DO\n\n");
  });

  it("scrubs known secrets from an upstream error chunk", () => {
    const relay = new ChatRelay((text) => text.replaceAll("sk-secret", "[REDACTED]"));
    const error = 'data: {"error":{"message":"bad key sk-secret","type":"invalid_request_error","param":null,"code":null}}\n\n';
    relay.onMessage({ data: error.slice(6, -2) });
    expect(String(relay.push(Buffer.from(error)))).toBe(error.replace("sk-secret", "[REDACTED]"));
    expect(relay.finished).toBe(true);
  });

  it("writes a mid-stream error as a data-only error chunk", () => {
    expect(new ChatRelay().errorEvent({ message: "m", type: "t", param: null, code: null })).toBe(
      `data: {"error":{"message":"m","type":"t","param":null,"code":null}}\n\n`,
    );
  });
});
