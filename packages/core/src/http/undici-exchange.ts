import type { Dispatcher } from "undici";
import type { ChunkSink, UpstreamBody, UpstreamResponse } from "./transport.js";

/** Bytes queued for a reader that is not keeping up before the socket read is paused. */
const HIGH_WATER_BYTES = 64 * 1024;
/** A dumped body is read to its end (so the connection is reused) up to this much, then cut. */
const DUMP_LIMIT_BYTES = 128 * 1024;

type Mode = "unread" | "iterating" | "piping" | "text" | "dump";

/**
 * One request on undici's dispatch API: the handler that receives the answer and the
 * `UpstreamResponse` that hands it on. It replaces `undici.request()`, whose per-request URL
 * parsing, `Readable` body and signal plumbing cost more than the rest of a proxied request
 * (apps/bench measured 40-50 us). Chunks wait in a small queue; a reader that falls behind
 * pauses the socket instead of growing memory. Every error goes through `mapError` once.
 */
export class UndiciExchange implements Dispatcher.DispatchHandler {
  /** The caller's signal; only it is kept of the request (see undici-transport.ts). */
  readonly #signal: AbortSignal | undefined;
  readonly #mapError: (err: unknown) => unknown;
  #resolve: ((res: UpstreamResponse) => void) | undefined;
  #reject: ((err: unknown) => void) | undefined;
  #controller: Dispatcher.DispatchController | undefined;
  #mode: Mode = "unread";
  #queue: Buffer[] = [];
  #queued = 0;
  #ended = false;
  #error: unknown;
  /** The iterating reader waiting for the next chunk. */
  #wake: (() => void) | undefined;
  /**
   * The reader waiting for the end (text, dump, pipe), settled by the handler itself: a plain
   * promise, not an async loop, so an open stream holds no suspended function (and none of the
   * chunks it last looked at) for as long as it lasts.
   */
  #end: { resolve: () => void; reject: (err: unknown) => void } | undefined;
  #sink: ChunkSink | undefined;
  /** Why the caller cut the exchange (`UpstreamResponse.abort`): what the reader gets, unmapped. */
  #cutReason: unknown;
  readonly #resume = () => this.#controller?.resume();
  readonly #onAbort = () => this.#controller?.abort(this.#signal?.reason);

  constructor(signal: AbortSignal | undefined, resolve: (res: UpstreamResponse) => void, reject: (err: unknown) => void, mapError: (err: unknown) => unknown) {
    this.#signal = signal;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#mapError = mapError;
    signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#signal?.aborted) controller.abort(this.#signal.reason);
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    // undici keeps the raw header Buffers (views into the first socket read, which they keep
    // alive) on the controller for the whole exchange; a stream held open for minutes does not
    // need them once parsed: about 6 KB per open stream.
    controller.rawHeaders = null;
    if (status < 200) return; // 1xx: the real answer follows
    // undici's object is this exchange's own: repeated headers are joined in place, not copied.
    for (const k in headers) {
      const v = headers[k];
      if (typeof v !== "string") {
        if (v === undefined) delete headers[k];
        else headers[k] = v.join(", ");
      }
    }
    const resolve = this.#resolve!;
    this.#resolve = this.#reject = undefined;
    resolve(this.#response(status, headers as Record<string, string>));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#sink !== undefined) {
      this.#push(controller, chunk);
      return;
    }
    if (this.#mode === "dump") {
      this.#queued += chunk.length;
      if (this.#queued > DUMP_LIMIT_BYTES) controller.abort(new DOMException("Body dumped.", "AbortError"));
      return;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#mode !== "text" && this.#queued > HIGH_WATER_BYTES) controller.pause();
    this.#wakeReader();
  }

  onResponseEnd(): void {
    this.#ended = true;
    this.#settle();
    this.#wakeReader();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.#settle();
    const mapped = this.#cutReason ?? this.#mapError(err);
    if (this.#reject) {
      const reject = this.#reject;
      this.#resolve = this.#reject = undefined;
      reject(mapped);
      return;
    }
    this.#error = mapped;
    this.#wakeReader();
  }

  /** Hands one chunk to the sink; false when the sink asked for a pause or failed. */
  #push(controller: Dispatcher.DispatchController, chunk: Buffer): boolean {
    try {
      if (this.#sink!.write(chunk, this.#resume)) return true;
      controller.pause();
      return false;
    } catch (err) {
      this.#sink = undefined;
      this.#error = err;
      controller.abort(err as Error);
      this.#wakeReader();
      return false;
    }
  }

  #pipe(sink: ChunkSink): Promise<void> {
    // What arrived before the pipe started goes first, then chunks are pushed as they come.
    const queued = this.#queue;
    this.#queue = [];
    this.#queued = 0;
    this.#sink = sink;
    const controller = this.#controller!;
    let flowing = true;
    for (let i = 0; i < queued.length && this.#sink !== undefined; i++) {
      flowing = this.#push(controller, queued[i]!) && flowing;
    }
    if (flowing) controller.resume();
    // The sink is let go when the end settles (#wakeReader).
    return this.#untilEnd();
  }

  #settle(): void {
    this.#signal?.removeEventListener("abort", this.#onAbort);
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
    const end = this.#end;
    if (end === undefined || (!this.#ended && this.#error === undefined)) return;
    this.#end = undefined;
    this.#sink = undefined;
    // An end that arrived wins over a later error, as a reader polling both would see it.
    if (this.#ended) end.resolve();
    else end.reject(this.#error);
  }

  #waitForMore(): Promise<void> {
    return new Promise((resolve) => (this.#wake = resolve));
  }

  #claim(mode: Mode): void {
    if (this.#mode !== "unread") throw new Error("The upstream body has already been read.");
    this.#mode = mode;
  }

  #response(status: number, headers: Record<string, string>): UpstreamResponse {
    const self = this;
    const body: UpstreamBody = {
      pipe: (sink) => {
        this.#claim("piping");
        return this.#pipe(sink);
      },
      [Symbol.asyncIterator]() {
        self.#claim("iterating");
        return {
          next: () => self.#next(),
          return: async () => {
            self.#stop();
            return { done: true, value: undefined };
          },
          [Symbol.asyncIterator]() {
            return this;
          },
        } as AsyncIterableIterator<Uint8Array>;
      },
    };
    return {
      status,
      headers,
      body,
      text: () => {
        this.#claim("text");
        return this.#text();
      },
      abort: (reason?: unknown) => {
        if (this.#cutReason !== undefined || this.#ended || this.#error !== undefined) return;
        this.#cutReason = reason ?? new DOMException("This operation was aborted", "AbortError");
        this.#controller?.abort(this.#cutReason as Error);
      },
      dump: () => {
        if (this.#mode !== "unread" && this.#mode !== "iterating" && this.#mode !== "piping") return Promise.resolve();
        this.#sink = undefined;
        this.#mode = "dump";
        this.#queue = [];
        this.#queued = 0;
        this.#controller?.resume();
        return this.#untilEnd().catch(() => undefined);
      },
    };
  }

  async #next(): Promise<IteratorResult<Uint8Array>> {
    for (;;) {
      if (this.#queue.length > 0) {
        const chunk = this.#queue.shift()!;
        this.#queued -= chunk.length;
        if (this.#queued <= HIGH_WATER_BYTES) this.#controller?.resume();
        return { done: false, value: chunk };
      }
      if (this.#error !== undefined) throw this.#error;
      if (this.#ended) return { done: true, value: undefined };
      await this.#waitForMore();
    }
  }

  #untilEnd(): Promise<void> {
    if (this.#ended) {
      this.#sink = undefined;
      return Promise.resolve();
    }
    if (this.#error !== undefined) {
      this.#sink = undefined;
      return Promise.reject(this.#error);
    }
    return new Promise((resolve, reject) => (this.#end = { resolve, reject }));
  }

  async #text(): Promise<string> {
    this.#controller?.resume();
    await this.#untilEnd();
    const queue = this.#queue;
    this.#queue = [];
    return queue.length === 1 ? queue[0]!.toString("utf8") : Buffer.concat(queue, this.#queued).toString("utf8");
  }

  /** A reader that leaves early: the rest of the body is not wanted, so the request is cut. */
  #stop(): void {
    this.#queue = [];
    this.#queued = 0;
    if (!this.#ended && this.#error === undefined) {
      this.#error = new DOMException("The body reader stopped early.", "AbortError");
      this.#controller?.abort(this.#error as Error);
    }
    this.#settle();
  }
}
