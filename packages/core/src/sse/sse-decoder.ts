import { createParser } from "eventsource-parser";
import type { SseMessage } from "./sse-message.js";

/**
 * Decodes SSE bytes into messages as they arrive, chunk by chunk (no buffering of the whole
 * stream): `feed` returns the messages each chunk completed, `end` the last one when the stream
 * stopped without its blank line (real servers sometimes close that way). Accepts `data:` with or
 * without the space, CRLF, comments and multi-line data, via eventsource-parser.
 */
export class SseDecoder {
  readonly #decoder = new TextDecoder();
  #ready: SseMessage[] = [];
  readonly #parser = createParser({
    onEvent: (e) => {
      this.#ready.push(e.event ? { event: e.event, data: e.data } : { data: e.data });
    },
  });

  feed(chunk: Uint8Array): SseMessage[] {
    this.#parser.feed(this.#decoder.decode(chunk, { stream: true }));
    return this.#take();
  }

  end(): SseMessage[] {
    this.#parser.feed(this.#decoder.decode());
    this.#parser.feed("\n\n");
    return this.#take();
  }

  #take(): SseMessage[] {
    if (this.#ready.length === 0) return NONE;
    const ready = this.#ready;
    this.#ready = [];
    return ready;
  }
}

const NONE: SseMessage[] = [];

/** The messages of an SSE body, as they arrive. */
export async function* decodeSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new SseDecoder();
  for await (const chunk of body) yield* decoder.feed(chunk);
  yield* decoder.end();
}

/**
 * Passes bytes through unchanged while reporting each complete SSE message to `onMessage`:
 * how the proxy reads usage from a stream it forwards untouched.
 */
export async function* tapSse(body: AsyncIterable<Uint8Array>, onMessage: (message: SseMessage) => void): AsyncGenerator<Uint8Array> {
  const decoder = new SseDecoder();
  for await (const chunk of body) {
    for (const message of decoder.feed(chunk)) onMessage(message);
    yield chunk;
  }
  for (const message of decoder.end()) onMessage(message);
}
