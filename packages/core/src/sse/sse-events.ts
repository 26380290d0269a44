import type { UpstreamBody } from "../http/transport.js";
import { SseDecoder } from "./sse-decoder.js";
import type { SseMessage } from "./sse-message.js";

const DONE = { done: true, value: undefined } as const;

/**
 * The parsed events of an SSE body, up to `[DONE]` or the body's end. A plain iterator rather
 * than an async generator: a generator's every `yield` costs an extra microtask turn, for each
 * event of a stream the SDK iterates. Stopping early (`return`, `[DONE]`, an event that is not
 * JSON) closes the body's iterator, as a `for await` over it would.
 */
export function sseEvents<T>(body: UpstreamBody): AsyncIterator<T> {
  const decoder = new SseDecoder();
  let source: AsyncIterator<Uint8Array> | undefined;
  let ready: readonly SseMessage[] = [];
  let at = 0;
  // open: reading the body; drained: the body ended, `ready` holds its last messages; closed: done.
  let state: "open" | "drained" | "closed" = "open";
  const close = async () => {
    const wasOpen = state === "open";
    state = "closed";
    if (wasOpen) await source?.return?.();
  };
  return {
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        while (at < ready.length) {
          const message = ready[at++]!;
          if (message.data.startsWith("[DONE]")) {
            await close();
            return DONE;
          }
          let event: T;
          try {
            event = JSON.parse(message.data) as T;
          } catch (err) {
            await close();
            throw err;
          }
          return { done: false, value: event };
        }
        if (state !== "open") {
          state = "closed";
          return DONE;
        }
        source ??= body[Symbol.asyncIterator]();
        let chunk: IteratorResult<Uint8Array>;
        try {
          chunk = await source.next();
        } catch (err) {
          state = "closed";
          throw err;
        }
        if (chunk.done) {
          state = "drained";
          ready = decoder.end();
        } else ready = decoder.feed(chunk.value);
        at = 0;
      }
    },
    async return(): Promise<IteratorResult<T>> {
      await close();
      return DONE;
    },
  };
}
