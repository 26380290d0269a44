/**
 * The seam between Dheera and the network. Providers never call fetch or undici directly; they
 * hand an UpstreamRequest to a Transport. The default transport is undici's `request()` on a
 * shared keep-alive Agent (fastest path in Node); `fetchTransport` serves runtimes and tests that
 * work with `fetch` (msw only intercepts global fetch, see mswjs/msw#2165).
 */

export type HttpMethod = "GET" | "POST" | "DELETE";

export interface UpstreamRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Overall time allowed for headers to arrive and between body chunks, in ms. */
  timeoutMs?: number;
}

/** Where a pushed body goes (see `UpstreamBody.pipe`). */
export interface ChunkSink {
  /**
   * One chunk, in order. Returns false when the sink is full: delivery pauses until `resume` is
   * called. A throw aborts the request and rejects `pipe` with the error.
   */
  write(chunk: Uint8Array, resume: () => void): boolean;
}

/** The body as it arrives: iterate it, or (when offered) have it pushed. */
export interface UpstreamBody extends AsyncIterable<Uint8Array> {
  /**
   * Optional: delivers the body by calling `sink.write` as chunks arrive, without a promise per
   * chunk (what makes a relayed stream cheap); resolves at the end and rejects as iteration
   * would. Consumes the body, like iterating it.
   */
  pipe?(sink: ChunkSink): Promise<void>;
}

export interface UpstreamResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The body as it arrives; consume it once (or call `text()` / `dump()`). */
  body: UpstreamBody;
  text(): Promise<string>;
  /** Discard the body so the connection can be reused. */
  dump(): Promise<void>;
  /**
   * Optional (see `Transport.cutsResponses`): ends the exchange now; the body's reader gets
   * `reason` (an AbortError when none is given) as its error, never a mapped network error.
   */
  abort?(reason?: unknown): void;
}

export type Transport = ((request: UpstreamRequest) => Promise<UpstreamResponse>) & {
  /**
   * Optional: true when every response has `abort`. A caller that must be able to cut a stream
   * on its own then needs no AbortController of its own per request, linked to the caller's.
   */
  readonly cutsResponses?: boolean;
  /**
   * Optional: opens a WebSocket (a provider's Responses WebSocket mode). A transport without it
   * (`fetchTransport`, a recording transport) keeps every call on HTTP.
   */
  openWebSocket?: (url: string, headers: Record<string, string>) => UpstreamWebSocket;
};

/** The part of a WHATWG WebSocket (undici's) a provider uses. */
export interface UpstreamWebSocket {
  addEventListener(type: "open" | "error" | "close", listener: () => void): void;
  addEventListener(type: "message", listener: (event: { data: unknown }) => void): void;
  send(data: string): void;
  close(): void;
}
