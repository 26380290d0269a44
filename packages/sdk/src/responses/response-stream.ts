import { DheeraError, type ResponseStreamEvent } from "@dheera/core";

/** What a ResponseStream reads: a provider's WireStream, or one the router resumed after its first event. */
export interface EventSource<E> extends AsyncIterable<E> {
  /** Cancels the upstream request. */
  abort(reason?: unknown): void;
}

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
    private readonly wire: EventSource<E>,
    private readonly tap?: StreamTap<E>,
    private readonly signal?: AbortSignal,
  ) {}

  abort(reason?: unknown): void {
    this.wire.abort(reason);
    this.#end(abortError("The stream was aborted."));
  }

  // A plain iterator rather than an async generator: a generator's every `yield` costs an extra
  // turn of the microtask queue, for each of a stream's events.
  [Symbol.asyncIterator](): AsyncIterableIterator<E> {
    const events = this.wire[Symbol.asyncIterator]();
    let finished = false;
    /** Ends the stream with `error`, closing the wire first when it is still open. */
    const fail = async (error: unknown, closeWire: boolean): Promise<never> => {
      finished = true;
      if (closeWire) await events.return?.();
      this.#end(error);
      throw error;
    };
    return {
      next: async (): Promise<IteratorResult<E>> => {
        if (finished) return { done: true, value: undefined };
        let result: IteratorResult<E>;
        try {
          result = await events.next();
        } catch (error) {
          return fail(error, false);
        }
        if (result.done) {
          finished = true;
          this.#end(undefined);
          return result;
        }
        const event = result.value;
        // Bytes already buffered must not outlive an abort: stop at the next event.
        if (this.signal?.aborted) return fail(this.signal.reason, true);
        const error = streamErrorOf(event);
        if (error) return fail(error, true);
        this.tap?.event(event);
        return { done: false, value: event };
      },
      return: async (value?: unknown): Promise<IteratorResult<E>> => {
        // The consumer stopped reading (break, return()) before the end.
        if (!finished) {
          finished = true;
          await events.return?.();
          this.#end(abortError("The stream consumer stopped early."));
        }
        return { done: true, value: value as E };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  #end(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.tap?.end(error);
  }
}

/**
 * The error an event reports, if it is an error: openai-node throws on any payload with a truthy
 * `error` object (the real, nested form), and so does the SDK.
 */
export function streamErrorOf(event: object): DheeraError | undefined {
  const nested = (event as { error?: { message?: string; code?: string | null; type?: string | null; param?: string | null } }).error;
  if (!nested || typeof nested !== "object") return undefined;
  return new DheeraError(nested.message ?? "The upstream stream reported an error.", {
    status: 500,
    type: nested.type ?? "server_error",
    code: nested.code ?? null,
    param: nested.param ?? null,
  });
}

function abortError(message: string): DOMException {
  return new DOMException(message, "AbortError");
}
