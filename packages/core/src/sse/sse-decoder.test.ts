import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunksOf, collect, splitAt, utf8 } from "../testing/async-iterables.js";
import { decodeSse, tapSse } from "./sse-decoder.js";
import type { SseMessage } from "./sse-message.js";

/** How one message is written on the wire: each a legal SSE spelling seen from real servers. */
interface Spelling {
  eol: "\n" | "\r\n";
  /** `data: x` or `data:x` */
  space: boolean;
  /** A `: keep-alive` comment line before the message. */
  comment: boolean;
}

function spell(message: SseMessage, s: Spelling): string {
  let out = s.comment ? `: keep-alive${s.eol}` : "";
  if (message.event !== undefined) out += `event:${s.space ? " " : ""}${message.event}${s.eol}`;
  for (const line of message.data.split("\n")) {
    // Without the space, a line that starts with a space would lose it: SSE strips exactly one.
    out += `data:${s.space || line.startsWith(" ") ? " " : ""}${line}${s.eol}`;
  }
  return out + s.eol;
}

// Multi-byte characters on purpose (2, 3 and 4 UTF-8 bytes), plus SSE's own syntax characters.
const dataChar = fc.oneof(
  fc.constantFrom("é", "€", "😀", "𐍈", "a", " ", ":", "{", "\"", "\n"),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }).filter((c) => !c.includes("\r")),
);
const messageArb: fc.Arbitrary<SseMessage> = fc.record(
  {
    event: fc.stringMatching(/^[a-z][a-z_.]{0,23}$/),
    data: fc.string({ unit: dataChar, maxLength: 30 }),
  },
  { requiredKeys: ["data"] },
).map((m) => ({ ...m })); // fast-check builds null-prototype records
const spellingArb: fc.Arbitrary<Spelling> = fc.record({
  eol: fc.constantFrom("\n" as const, "\r\n" as const),
  space: fc.boolean(),
  comment: fc.boolean(),
});

/** A multi-event SSE text, its messages, and byte positions to cut it at. */
const sseCase = fc
  .record({
    messages: fc.array(fc.tuple(messageArb, spellingArb), { minLength: 1, maxLength: 8 }),
    // The last event may end without its blank line, or without any line end at all.
    ending: fc.constantFrom("blank-line", "line-end-only", "nothing"),
  })
  .chain(({ messages, ending }) => {
    let text = messages.map(([m, s]) => spell(m, s)).join("");
    const lastEol = messages.at(-1)![1].eol;
    if (ending !== "blank-line") text = text.slice(0, -lastEol.length);
    if (ending === "nothing") text = text.slice(0, -lastEol.length);
    const bytes = utf8(text);
    return fc.record({
      expected: fc.constant(messages.map(([m]) => m)),
      bytes: fc.constant(bytes),
      cuts: fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 12 }),
    });
  });

describe("decodeSse", () => {
  it("decodes the same messages however the bytes are cut, even inside a UTF-8 character", async () => {
    await fc.assert(
      fc.asyncProperty(sseCase, async ({ expected, bytes, cuts }) => {
        const messages = await collect(decodeSse(chunksOf(...splitAt(bytes, cuts))));
        expect(messages).toStrictEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("rejoins a 4-byte character cut at each of its inner byte positions", async () => {
    const bytes = utf8("data: 😀\n\n");
    const start = "data: ".length;
    for (const cut of [start + 1, start + 2, start + 3]) {
      const messages = await collect(decodeSse(chunksOf(...splitAt(bytes, [cut]))));
      expect(messages).toStrictEqual([{ data: "😀" }]);
    }
  });

  it("accepts data: without the space after the colon (Azure behind some gateways)", async () => {
    const messages = await collect(decodeSse(chunksOf('data:{"a":1}\n\ndata:[DONE]\n\n')));
    expect(messages).toStrictEqual([{ data: '{"a":1}' }, { data: "[DONE]" }]);
  });

  it("accepts CRLF line ends", async () => {
    const messages = await collect(decodeSse(chunksOf("event: x\r\ndata: 1\r\n\r\ndata: 2\r\n\r\n")));
    expect(messages).toStrictEqual([{ event: "x", data: "1" }, { data: "2" }]);
  });

  it("skips comment lines", async () => {
    const messages = await collect(decodeSse(chunksOf(": ping\n\n: keep-alive\ndata: 1\n\n")));
    expect(messages).toStrictEqual([{ data: "1" }]);
  });

  it("joins multi-line data with a line feed", async () => {
    const messages = await collect(decodeSse(chunksOf("data: first\ndata: second\ndata:\n\n")));
    expect(messages).toStrictEqual([{ data: "first\nsecond\n" }]);
  });

  it("keeps the event name and omits it when there is none", async () => {
    const messages = await collect(decodeSse(chunksOf("event: response.created\ndata: {}\n\ndata: {}\n\n")));
    expect(messages).toStrictEqual([{ event: "response.created", data: "{}" }, { data: "{}" }]);
    expect(Object.keys(messages[1]!)).toEqual(["data"]);
  });

  it("delivers the last event when the stream closes without its blank line", async () => {
    expect(await collect(decodeSse(chunksOf("data: 1\n\ndata: 2\n")))).toStrictEqual([{ data: "1" }, { data: "2" }]);
    expect(await collect(decodeSse(chunksOf("data: 1\n\ndata: 2")))).toStrictEqual([{ data: "1" }, { data: "2" }]);
  });

  it("yields a message as soon as its bytes arrive, before the stream ends", async () => {
    let secondChunkRequested = false;
    async function* body() {
      yield utf8("data: 1\n\n");
      secondChunkRequested = true;
      yield utf8("data: 2\n\n");
    }
    const iterator = decodeSse(body());
    expect((await iterator.next()).value).toStrictEqual({ data: "1" });
    expect(secondChunkRequested).toBe(false);
    await iterator.return(undefined);
  });
});

describe("tapSse", () => {
  it("passes every chunk through as the same bytes while reporting the messages", async () => {
    await fc.assert(
      fc.asyncProperty(sseCase, async ({ expected, bytes, cuts }) => {
        const chunks = splitAt(bytes, cuts);
        const seen: SseMessage[] = [];
        const out = await collect(tapSse(chunksOf(...chunks), (m) => seen.push(m)));
        expect(out).toHaveLength(chunks.length);
        out.forEach((chunk, i) => expect(chunk).toBe(chunks[i]));
        expect(seen).toStrictEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it("reports a message before the chunk that completes it is passed on", async () => {
    const order: string[] = [];
    for await (const chunk of tapSse(chunksOf("data: a", "\n\n"), (m) => order.push(`message ${m.data}`))) {
      order.push(`chunk ${JSON.stringify(new TextDecoder().decode(chunk))}`);
    }
    expect(order).toEqual(['chunk "data: a"', "message a", 'chunk "\\n\\n"']);
  });
});
