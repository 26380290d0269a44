import { DheeraError, type ResponseStreamEvent, type WireStream } from "@dheera/core";

/**
 * The async iterable `responses({ stream: true })` returns. Like the openai client, an `error`
 * event whose payload nests an `error` object ends iteration with an exception; `response.failed`
 * is yielded as an event. `abort()` (or breaking out of the loop) cancels the upstream request.
 */
export class ResponseStream<E extends object = ResponseStreamEvent> implements AsyncIterable<E> {
  constructor(
    private readonly wire: WireStream<E>,
    private readonly onEnd: (outcome: { error?: unknown; last?: E }) => void = () => {},
    private readonly signal?: AbortSignal,
  ) {}

  abort(reason?: unknown): void {
    this.wire.abort(reason);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<E> {
    let last: E | undefined;
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
        last = event;
        yield event;
      }
      this.onEnd(last ? { last } : {});
    } catch (error) {
      this.onEnd({ error });
      throw error;
    }
  }
}
