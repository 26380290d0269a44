import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunksOf, collect } from "../testing/async-iterables.js";
import { decodeSse } from "./sse-decoder.js";
import { encodeSseMessage, formatSseMessage, type SseMessage } from "./sse-message.js";

const decodeText = (text: string) => collect(decodeSse(chunksOf(text)));

describe("formatSseMessage", () => {
  it("writes event + data lines ended by a blank line, as the Responses API does", () => {
    expect(formatSseMessage({ event: "response.created", data: '{"a":1}' })).toBe('event: response.created\ndata: {"a":1}\n\n');
  });

  it("writes data only when there is no event name, as Chat Completions does", () => {
    expect(formatSseMessage({ data: "[DONE]" })).toBe("data: [DONE]\n\n");
    expect(formatSseMessage({ event: "", data: "x" })).toBe("data: x\n\n");
  });

  it("round-trips any message without a carriage return through decodeSse", async () => {
    const message = fc
      .record(
        {
          event: fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }).filter((e) => !/[\r\n]/.test(e) && !e.startsWith(" ")),
          data: fc.string({ unit: fc.oneof(fc.constantFrom("\n", " ", ":", "é", "😀"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 })), maxLength: 40 }).filter((d) => !d.includes("\r")),
        },
        { requiredKeys: ["data"] },
      )
      .map((m): SseMessage => ({ ...m }));
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 5 }), async (messages) => {
        const decoded = await decodeText(messages.map(formatSseMessage).join(""));
        expect(decoded).toStrictEqual(messages);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps a payload with line breaks one event, every kind of line break coming back as LF", async () => {
    expect(await decodeText(formatSseMessage({ data: "a\r\nb\rc\nd" }))).toStrictEqual([{ data: "a\nb\nc\nd" }]);
  });

  it("cannot be made to forge a field through a line break in the event name", async () => {
    const text = formatSseMessage({ event: "x\ndata: forged\n\nevent: y", data: "real" });
    expect(await decodeText(text)).toStrictEqual([{ event: "xdata: forgedevent: y", data: "real" }]);
  });
});

describe("encodeSseMessage", () => {
  it("encodes the formatted message as UTF-8", () => {
    const message = { event: "e", data: "héllo 😀" };
    expect(encodeSseMessage(message)).toEqual(new TextEncoder().encode(formatSseMessage(message)));
  });
});
