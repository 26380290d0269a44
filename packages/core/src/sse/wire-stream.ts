import type { ChunkSink, UpstreamBody } from "../http/transport.js";
import { stepEvents, type StreamStep } from "../transform/transform.js";
import { pacedSink } from "./paced-sink.js";
import { pipeStepped, type Via } from "./pipe-stepped.js";
import { SseDecoder, tapSse } from "./sse-decoder.js";
import { sseEvents } from "./sse-events.js";
import { encodeSseMessage, type SseMessage } from "./sse-message.js";

/** How a wire format frames its events as SSE (Responses: named events; Chat: data + [DONE]). */
export interface SseFraming<E> {
  encode(event: E): SseMessage;
  /** Sent after the last event, e.g. `data: [DONE]` for Chat Completions. */
  trailer?: SseMessage;
}

export interface ToSseOptions {
  /** Called for every message sent, to read usage or ids on the side. */
  onMessage?: (message: SseMessage) => void;
}

/**
 * A stream of wire-format events that can be consumed either as parsed events (the SDK) or as
 * SSE bytes (the proxy). A native stream keeps the upstream's bytes untouched; a transformed one
 * encodes its events. Breaking out of iteration or calling `abort()` cancels the upstream request.
 */
export class WireStream<E> implements AsyncIterable<E> {
  #consumed = false;

  private constructor(
    private readonly source:
      | { kind: "bytes"; body: UpstreamBody }
      // `via`: the events are an upstream SSE body in another format turned into these by a
      // step, which pipeSse can drive by push instead of iterating `events`.
      | { kind: "events"; events: AsyncIterable<E>; framing: SseFraming<E>; via?: Via<E> },
    private readonly abortUpstream: (reason?: unknown) => void,
  ) {}

  /** Wraps an upstream SSE body that is already in this wire format. */
  static fromSse<E>(body: UpstreamBody, abort: (reason?: unknown) => void): WireStream<E> {
    return new WireStream<E>({ kind: "bytes", body }, abort);
  }

  /** Wraps events produced here (by a transform). */
  static fromEvents<E>(events: AsyncIterable<E>, framing: SseFraming<E>, abort: (reason?: unknown) => void): WireStream<E> {
    return new WireStream<E>({ kind: "events", events, framing }, abort);
  }

  /**
   * This stream's events turned into another wire format by `step` (a transform's `streamStep`),
   * framed by `framing`. Consumes this stream; aborting the new one aborts the upstream. A native
   * upstream whose body can push is transformed as its chunks arrive, with no promise per event.
   */
  through<F>(step: StreamStep<E, F>, framing: SseFraming<F>): WireStream<F> {
    this.#consume();
    const { source } = this;
    // Guarded: the step's end (its terminal event) lets go of an upstream that does not end by itself.
    const upstream: AsyncIterable<E> = { [Symbol.asyncIterator]: () => this.#guarded(source.kind === "bytes" ? sseEvents<E>(source.body) : source.events[Symbol.asyncIterator]()) };
    const events: AsyncIterable<F> = { [Symbol.asyncIterator]: () => stepEvents(upstream, step) };
    const pipe = source.kind === "bytes" ? source.body.pipe?.bind(source.body) : undefined;
    const via = pipe ? { pipe, step: step as StreamStep<unknown, F> } : undefined;
    return new WireStream<F>({ kind: "events", events, framing, ...(via ? { via } : {}) }, this.abortUpstream);
  }

  /** Cancels the upstream request; iteration ends with an AbortError. */
  abort(reason?: unknown): void {
    this.abortUpstream(reason);
  }

  [Symbol.asyncIterator](): AsyncIterator<E> {
    const { source } = this;
    this.#consume();
    return this.#guarded(source.kind === "events" ? source.events[Symbol.asyncIterator]() : sseEvents<E>(source.body));
  }

  /** SSE bytes for a client; the upstream's own bytes when the stream is native. */
  toSse(options: ToSseOptions = {}): AsyncIterable<Uint8Array> {
    // Untouched bytes nobody taps: the upstream body itself, one layer less per chunk.
    this.#consume();
    if (this.source.kind === "bytes" && !options.onMessage) return this.#guarded(this.source.body[Symbol.asyncIterator]());
    return this.#guarded(this.#bytes(options));
  }

  /**
   * What `toSse()` gives, pushed to `sink` instead: a native, untapped stream whose transport can
   * push (`UpstreamBody.pipe`) goes without a promise per chunk; any other is iterated. Resolves
   * at the end and rejects as iterating would; a sink that throws aborts the upstream.
   */
  async pipeSse(sink: ChunkSink, options: ToSseOptions = {}): Promise<void> {
    const { source } = this;
    if (source.kind === "bytes" && source.body.pipe) {
      this.#consume();
      const { onMessage } = options;
      if (!onMessage) return source.body.pipe(sink);
      // Tapped: the messages are read on the side, the bytes still pass untouched.
      const decoder = new SseDecoder();
      await source.body.pipe({
        write(chunk, resume) {
          for (const message of decoder.feed(chunk)) onMessage(message);
          return sink.write(chunk, resume);
        },
      });
      for (const message of decoder.end()) onMessage(message);
      return;
    }
    if (source.kind === "events" && source.via) {
      this.#consume();
      return pipeStepped(source.via, source.framing, sink, options, this.abortUpstream);
    }
    if (source.kind === "events") {
      // Encoded as they come, straight into the sink: no iterator layers between.
      this.#consume();
      const { framing } = source;
      const send = pacedSink(sink);
      try {
        for await (const event of source.events) {
          const message = framing.encode(event);
          options.onMessage?.(message);
          const full = send(encodeSseMessage(message));
          if (full) await full;
        }
        if (framing.trailer) {
          options.onMessage?.(framing.trailer);
          const full = send(encodeSseMessage(framing.trailer));
          if (full) await full;
        }
      } catch (err) {
        // The transform failed or the sink did: the upstream may still be open.
        this.abortUpstream(new DOMException("The stream consumer stopped early.", "AbortError"));
        throw err;
      }
      return;
    }
    const iterator = this.toSse(options)[Symbol.asyncIterator]();
    const send = pacedSink(sink);
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        const full = send(next.value);
        if (full) await full;
      }
    } finally {
      await iterator.return?.();
    }
  }

  #consume(): void {
    if (this.#consumed) throw new Error("This stream has already been consumed.");
    this.#consumed = true;
  }

  async *#bytes({ onMessage }: ToSseOptions): AsyncGenerator<Uint8Array> {
    if (this.source.kind === "bytes") {
      yield* onMessage ? tapSse(this.source.body, onMessage) : this.source.body;
      return;
    }
    const { framing } = this.source;
    for await (const event of this.source.events) {
      const message = framing.encode(event);
      onMessage?.(message);
      yield encodeSseMessage(message);
    }
    if (framing.trailer) {
      onMessage?.(framing.trailer);
      yield encodeSseMessage(framing.trailer);
    }
  }

  /**
   * An early exit by the consumer aborts the upstream (callers see to one consumer only). Written as a plain
   * iterator rather than a generator so that `return()` before the first `next()` (a client that
   * disconnects before the first byte) still reaches the upstream: a generator that never
   * started would skip its `finally`.
   */
  #guarded<T>(gen: AsyncIterator<T>): AsyncIterableIterator<T> {
    const abort = this.abortUpstream;
    let settled = false;
    let started = false;
    let reading = false;
    const stopEarly = () => {
      if (settled) return;
      settled = true;
      abort(new DOMException("The stream consumer stopped early.", "AbortError"));
    };
    return {
      async next() {
        started = true;
        reading = true;
        try {
          const result = await gen.next();
          if (result.done) settled = true;
          return result;
        } catch (err) {
          stopEarly();
          throw err;
        } finally {
          reading = false;
        }
      },
      async return(value?: unknown) {
        // A consumer that stops right after the last event (the bridge's transform returns on
        // the terminal event) usually leaves a source that is about to end by itself: aborting
        // that finished request would only cost a DOMException and undici's destroy path. Give
        // the source one turn of the event loop to end; if it does not, abort as before.
        const check = !settled && started && !reading ? await endsWithinATurn(gen) : "more";
        if (check === "done") settled = true;
        stopEarly();
        const returned = gen.return?.(undefined) ?? Promise.resolve({ done: true as const, value: undefined });
        // A read the check left pending ends with the abort; do not wait on a source that ignores it.
        if (check === "pending") void returned.catch(() => {});
        else await returned;
        return { done: true, value: value as T };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

/** Whether the generator's next read ends it before the event loop moves on (setImmediate). */
function endsWithinATurn(gen: AsyncIterator<unknown>): Promise<"done" | "more" | "pending"> {
  return new Promise((resolve) => {
    const timer = setImmediate(resolve, "pending");
    gen.next().then(
      (result) => {
        clearImmediate(timer);
        resolve(result.done === true ? "done" : "more");
      },
      () => {
        clearImmediate(timer);
        resolve("more");
      },
    );
  });
}
