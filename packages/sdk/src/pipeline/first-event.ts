import { DheeraError } from "@dheera/core";
import { streamErrorOf, type EventSource } from "../responses/response-stream.js";

export interface FirstEventOptions<E> {
  /** Applied to every event before the caller sees it (a router's routable response ids). */
  map?: ((event: E) => E) | undefined;
  /**
   * The caller's signal. The router may have given the upstream request a signal of its own (for
   * its deadline) that it lets go of once the attempt is over, so the stream listens to the
   * caller's until it ends.
   */
  signal?: AbortSignal | undefined;
}

/**
 * Waits for a stream's first event inside a router attempt, so that a connection reset or an
 * upstream `error` event before it fails the attempt (and the router retries it), then hands on
 * a stream that yields that event and the rest. After this, nothing of the stream is retried.
 */
export async function withFirstEvent<E extends object>(stream: EventSource<E>, options: FirstEventOptions<E> = {}): Promise<EventSource<E>> {
  const events = stream[Symbol.asyncIterator]();
  // A read that throws has already let go of the upstream (WireStream's guard).
  const first = await events.next();
  if (!first.done) {
    const error = firstEventError(first.value);
    if (error) {
      await events.return?.();
      throw error;
    }
  }

  const { map, signal } = options;
  const onAbort = () => stream.abort(signal!.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const unlink = () => signal?.removeEventListener("abort", onAbort);

  let pending: IteratorResult<E> | undefined = first;
  const mapped = (result: IteratorResult<E>): IteratorResult<E> => {
    if (result.done) unlink();
    return map && !result.done ? { done: false, value: map(result.value) } : result;
  };
  const iterator: AsyncIterableIterator<E> = {
    async next() {
      if (pending) {
        const result = pending;
        pending = undefined;
        return mapped(result);
      }
      try {
        return mapped(await events.next());
      } catch (err) {
        unlink();
        throw err;
      }
    },
    async return(value?: unknown) {
      pending = undefined;
      unlink();
      await events.return?.();
      return { done: true, value: value as E };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return {
    [Symbol.asyncIterator]: () => iterator,
    abort: (reason) => {
      unlink();
      stream.abort(reason);
    },
  };
}

/**
 * An upstream that fails before answering may say so in its first event: the nested form
 * (`{ error: { ... } }`, which ResponseStream throws on anyway) or OpenAI's flat
 * `ResponseErrorEvent` (`{ type: "error", code, message }`). Either is a failed attempt.
 */
function firstEventError(event: object): DheeraError | undefined {
  const nested = streamErrorOf(event);
  if (nested) return nested;
  const flat = event as { type?: unknown; code?: unknown; message?: unknown; param?: unknown };
  if (flat.type !== "error") return undefined;
  return new DheeraError(typeof flat.message === "string" ? flat.message : "The upstream stream reported an error.", {
    status: 500,
    type: "server_error",
    code: typeof flat.code === "string" ? flat.code : null,
    param: typeof flat.param === "string" ? flat.param : null,
  });
}
