import { DheeraError, type ResponseStreamEvent, type WireStream } from "@dheera/core";

/** Watches a stream on behalf of the SDK: sees every event delivered, and learns once how it ended. */
export interface StreamTap<E> {
  event(event: E): void;
  /** Called exactly once: `undefined` when the stream ran to its end, else why it stopped. */
  end(error: unknown): void;
}

/**
 * The async iterable `responses({ stream: true })` returns. Like the openai client, an `error`
 * event whose payload nests an `error` object ends iteration with an exception; `response.failed`
 * is yielded as an event. `abort()` (or breaking out of the loop) cancels the upstream request.
 * The stream's end, failure or abort (whichever comes first) is reported once to its tap, which
 * records the call's usage, cost and logging payload.
 */
export class ResponseStream<E extends object = ResponseStreamEvent> implements AsyncIterable<E> {
  #ended = false;

  constructor(
    private readonly wire: WireStream<E>,
    private readonly tap?: StreamTap<E>,
    private readonly signal?: AbortSignal,
  ) {}

  abort(reason?: unknown): void {
    this.wire.abort(reason);
    this.#end(abortError("The stream was aborted."));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<E> {
    let ended = false;
    try {
      for await (const event of this.wire) {
        // Bytes already buffered must not outlive an abort: stop at the next event.
        this.signal?.throwIfAborted();
        // openai-node throws on any payload with a truthy `error` object (the real, nested form).
        const nested = (event as { error?: { message?: string; code?: string | null; type?: string | null; param?: string | null } }).error;
        if (nested && typeof nested === "object") {
          throw new DheeraError(nested.message ?? "The upstream stream reported an error.", {
            status: 500,
            type: nested.type ?? "server_error",
            code: nested.code ?? null,
            param: nested.param ?? null,
          });
        }
        this.tap?.event(event);
        yield event;
      }
      ended = true;
      this.#end(undefined);
    } catch (error) {
      ended = true;
      this.#end(error);
      throw error;
    } finally {
      // Neither the end nor an error: the consumer stopped reading (break, return()).
      if (!ended) this.#end(abortError("The stream consumer stopped early."));
    }
  }

  #end(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.tap?.end(error);
  }
}

function abortError(message: string): DOMException {
  return new DOMException(message, "AbortError");
}
