import type { ChunkSink, UpstreamBody } from "../http/transport.js";
import { stepEvents, type StreamStep } from "../transform/transform.js";
import { SseDecoder, tapSse } from "./sse-decoder.js";
import { encodeSseMessage, formatSseMessage, type SseMessage } from "./sse-message.js";

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

const DONE = { done: true, value: undefined } as const;

/**
 * The parsed events of an SSE body, up to `[DONE]` or the body's end. A plain iterator rather
 * than an async generator: a generator's every `yield` costs an extra microtask turn, for each
 * event of a stream the SDK iterates. Stopping early (`return`, `[DONE]`, an event that is not
 * JSON) closes the body's iterator, as a `for await` over it would.
 */
function sseEvents<T>(body: UpstreamBody): AsyncIterator<T> {
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

interface Via<E> {
  pipe: NonNullable<UpstreamBody["pipe"]>;
  step: StreamStep<unknown, E>;
}

const encoder = new TextEncoder();
const stoppedEarly = () => new DOMException("The stream consumer stopped early.", "AbortError");

/**
 * A transformed stream driven by the upstream's pushed chunks: each chunk's SSE messages parsed,
 * stepped, and what they complete written as one chunk. After the terminal event the upstream
 * normally ends at once; one that has not ended within a turn of the event loop is aborted (bytes
 * after the terminal event mean nothing to the client).
 */
async function pipeStepped<E>({ pipe, step }: Via<E>, framing: SseFraming<E>, sink: ChunkSink, { onMessage }: ToSseOptions, abort: (reason?: unknown) => void): Promise<void> {
  const decoder = new SseDecoder();
  let finished = false;
  let ended = false;
  let cutOff = false;
  let text = "";
  const add = (events: readonly E[]) => {
    for (const event of events) {
      const message = framing.encode(event);
      onMessage?.(message);
      text += formatSseMessage(message);
    }
  };
  const take = () => {
    const bytes = encoder.encode(text);
    text = "";
    return bytes;
  };
  const addTrailer = () => {
    if (!framing.trailer) return;
    onMessage?.(framing.trailer);
    text += formatSseMessage(framing.trailer);
  };
  const finish = () => {
    // The trailer leaves with the terminal event's chunks, in the same write.
    finished = true;
    addTrailer();
    setImmediate(() => {
      if (ended) return;
      cutOff = true;
      abort(stoppedEarly());
    });
  };
  const read = (messages: readonly SseMessage[]) => {
    for (const message of messages) {
      if (finished) return;
      if (message.data.startsWith("[DONE]")) finish();
      else {
        add(step.push(JSON.parse(message.data)));
        if (step.done) finish();
      }
    }
  };
  try {
    await pipe({
      write(chunk, resume) {
        if (finished) return true;
        let failed = false;
        let failure: unknown;
        try {
          read(decoder.feed(chunk));
        } catch (err) {
          failed = true;
          failure = err;
        }
        // What the chunk completed goes out even when a later event in it failed.
        const room = text === "" || sink.write(take(), resume);
        if (failed) throw failure;
        return room;
      },
    });
    ended = true;
    if (!finished) {
      read(decoder.end());
      if (!finished) {
        add(step.end());
        addTrailer();
      }
    }
  } catch (err) {
    ended = true;
    if (!cutOff) {
      // The transform or the sink failed: the upstream may still be open (pipe aborts it on a
      // throw from write; this covers step.end).
      abort(stoppedEarly());
      if (text !== "") sink.write(take(), () => {});
      throw err;
    }
  }
  if (text !== "") {
    const full = pacedSink(sink)(take());
    if (full) await full;
  }
}

/**
 * Writes to a sink, waiting when it is full until it calls `resume` (also when it calls it
 * before saying it is full).
 */
function pacedSink(sink: ChunkSink): (chunk: Uint8Array) => Promise<void> | undefined {
  let waiter: (() => void) | undefined;
  let resumedEarly = false;
  const resume = () => {
    if (waiter === undefined) resumedEarly = true;
    else waiter();
  };
  return (chunk) => {
    resumedEarly = false;
    if (sink.write(chunk, resume) || resumedEarly) return undefined;
    return new Promise<void>((r) => {
      waiter = () => {
        waiter = undefined;
        r();
      };
    });
  };
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
