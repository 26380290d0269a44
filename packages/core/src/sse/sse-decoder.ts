import { createParser } from "eventsource-parser";
import type { SseMessage } from "./sse-message.js";

/**
 * Decodes SSE bytes into messages as the bytes arrive (no buffering of the whole stream).
 * Accepts `data:` with or without the space, CRLF, comments and multi-line data, via
 * eventsource-parser.
 */
export async function* decodeSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let pending: SseMessage[] = [];
  const parser = createParser({
    onEvent(e) {
      pending.push(e.event ? { event: e.event, data: e.data } : { data: e.data });
    },
  });
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (pending.length > 0) {
      const ready = pending;
      pending = [];
      yield* ready;
    }
  }
  parser.feed(decoder.decode());
  // A last event without its blank line still counts: real servers sometimes close that way.
  parser.feed("\n\n");
  yield* pending;
}

/**
 * Passes bytes through unchanged while reporting each complete SSE message to `onMessage`:
 * how the proxy reads usage from a stream it forwards untouched.
 */
export async function* tapSse(
  body: AsyncIterable<Uint8Array>,
  onMessage: (message: SseMessage) => void,
): AsyncGenerator<Uint8Array> {
  const decoder = new TextDecoder();
  const parser = createParser({
    onEvent(e) {
      onMessage(e.event ? { event: e.event, data: e.data } : { data: e.data });
    },
  });
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    yield chunk;
  }
  parser.feed(decoder.decode());
  parser.feed("\n\n");
}
