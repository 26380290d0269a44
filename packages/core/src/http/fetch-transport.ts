import { UpstreamConnectionError, UpstreamTimeoutError } from "../errors/dheera-error.js";
import { isAbortError, isTimeoutError } from "../errors/to-openai-error.js";
import { safeHost } from "./safe-host.js";
import type { Transport, UpstreamRequest, UpstreamResponse } from "./transport.js";

/**
 * A transport over any `fetch` (the global one by default, looked up per call so that msw,
 * installed after start-up, still intercepts it).
 *
 * `timeoutMs` means what it means for the undici transport: the longest wait for the headers
 * and then the longest silence between two body chunks, not a deadline for the whole exchange
 * (a stream that keeps flowing for ten minutes is fine).
 */
export function fetchTransport(fetchFn?: typeof globalThis.fetch): Transport {
  return async (req): Promise<UpstreamResponse> => {
    const f = fetchFn ?? globalThis.fetch;
    const idle = req.timeoutMs ? new IdleTimer(req.timeoutMs) : undefined;
    const signals = [req.signal, idle?.signal].filter((s): s is AbortSignal => s !== undefined);
    const mapError = (err: unknown) => mapFetchError(err, req, idle);
    let res: Response;
    try {
      res = await f(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
      });
    } catch (err) {
      idle?.stop();
      throw mapError(err);
    }
    idle?.stop();
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      // set-cookie comes one entry per cookie; join like the undici transport does.
      headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
    });
    const body = res.body ? readBody(res.body, idle, mapError) : emptyBody();
    return {
      status: res.status,
      headers,
      body,
      text: async () => {
        const decoder = new TextDecoder();
        let text = "";
        for await (const chunk of body) text += decoder.decode(chunk, { stream: true });
        return text + decoder.decode();
      },
      dump: async () => {
        idle?.stop();
        await body.return(undefined);
        if (res.body && !res.body.locked) void res.body.cancel().catch(() => {});
      },
    };
  };
}

/** The timer runs only while a read waits on the upstream: a slow reader is not a silent upstream. */
async function* readBody(
  stream: ReadableStream<Uint8Array>,
  idle: IdleTimer | undefined,
  mapError: (err: unknown) => unknown,
): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      idle?.restart();
      try {
        result = await reader.read();
      } catch (err) {
        done = true;
        throw mapError(err);
      } finally {
        idle?.stop();
      }
      if (result.done) {
        done = true;
        return;
      }
      yield result.value;
    }
  } finally {
    idle?.stop();
    // An early exit of the consumer cancels the body so the connection is released. Not awaited:
    // some fetch implementations (msw 2's interceptor) never settle a cancel, and the consumer
    // that left must not hang on it.
    if (!done) void reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}

function mapFetchError(err: unknown, req: UpstreamRequest, idle: IdleTimer | undefined): unknown {
  // The caller's own abort stays what the caller aborted with.
  if (req.signal?.aborted) return err;
  const host = safeHost(req.url);
  if (idle?.fired || isTimeoutError(err)) {
    const detail = req.timeoutMs ? ` (nothing received for ${req.timeoutMs} ms)` : "";
    return new UpstreamTimeoutError(`The upstream ${host} did not answer in time${detail}.`, { cause: err });
  }
  if (isAbortError(err)) return err;
  // Node's fetch throws `TypeError: fetch failed` with the socket error (ECONNREFUSED...) as cause.
  const code = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return new UpstreamConnectionError(`Could not reach the upstream ${host}${typeof code === "string" ? `: ${code}` : ""}.`, { cause: err });
}

/** Aborts its signal after `ms` without a restart. */
class IdleTimer {
  readonly #controller = new AbortController();
  readonly #ms: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  fired = false;

  /** Starts counting at once: the first wait is the one for the response headers. */
  constructor(ms: number) {
    this.#ms = ms;
    this.restart();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  restart(): void {
    this.stop();
    this.#timer = setTimeout(() => {
      this.fired = true;
      this.#controller.abort(new DOMException("The upstream went silent.", "TimeoutError"));
    }, this.#ms);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
