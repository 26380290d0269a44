import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { getEventListeners } from "node:events";
import { performance } from "node:perf_hooks";
import type { LoggedError, TokenUsage } from "@dheera/core";
import type { Identity } from "../keys/key-identity.js";
import type { RequestTrace } from "../observability/tracing.js";
import { randomHex } from "./random-hex.js";

/** What one request log line says (besides method, path, status and latency). */
export interface RequestLogFields {
  model_name?: string;
  deployment?: string;
  /** The deployment's id (`model_info.id`, else its hash): what `x-dheera-deployment` and the attempts say. */
  deployment_id?: string;
  stream?: boolean;
  usage?: TokenUsage | null;
  /** USD; null when the usage or the deployment's price is unknown. Model calls only. */
  cost?: number | null;
  /** The upstream's request id, for support tickets. */
  upstream_request_id?: string;
  error?: { type: string; code: string | null; message: string; /** What the client was not told (an internal host), for operators. */ cause?: string };
  /** Upstream attempts when there was more than one (retries, fallbacks). */
  attempts?: number;
  /** The model_name that answered when a fallback did. */
  fallback_model?: string;
  /** The conversation a Conversations call created or addressed (the proxy's id). */
  conversation_id?: string;
  /** Set for a `response.create` that came over a WebSocket: the connection's id. */
  websocket?: string;
  /** The turn reached its deployment over the upstream's own WebSocket (else a streamed HTTP create). */
  upstream_websocket?: boolean;
  /** How the stream ended when it did not end normally. */
  stream_end?: "client_closed" | "upstream_failed" | "shutdown";
}

export interface RequestAttachment {
  finished(ctx: RequestContext, status: number, endedAt: number): void;
}

export type AbortCause = "client_closed" | "shutdown";

/** Per-request state: id, timing, log fields and the signal that stops upstream work. */
export interface RequestContext {
  readonly id: string;
  /** performance.now() at the start, for latencies. */
  readonly startedAt: number;
  /** Date.now() at the start, for timestamps. */
  readonly startedAtMs: number;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Aborted when the client disconnects or the proxy gives up draining. Pass it to every upstream call. */
  readonly signal: AbortSignal;
  /** Why `signal` fired, once it has. */
  abortCause: AbortCause | undefined;
  abort(cause: AbortCause): void;
  /**
   * The request is over (its log line written): an abort controller it made and left untouched
   * (never aborted, no listener left) goes to the next request on the same connection.
   */
  release(): void;
  readonly log: RequestLogFields;
  /**
   * What a layer above attached to the request (the pipeline's model call): told when the
   * request is done, before its log line is written. This layer only carries it.
   */
  attachment: RequestAttachment | undefined;
  /** The request's spans, when tracing is on. */
  trace: RequestTrace | undefined;
  /** The matched route's pattern (`/responses/:id`), once matched: a bounded label for metrics. */
  route: string | undefined;
  /** Who the caller is, once auth has run (public routes: undefined). */
  identity: Identity | undefined;
  /** The error the client got (or would have got, had it stayed), with its status. */
  error: LoggedError | undefined;
}

// A client-supplied id is kept when it is short and plain, so traces line up across hops.
const CLIENT_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function createRequestContext(req: IncomingMessage, res: ServerResponse): RequestContext {
  const ctx = new Context(req.method ?? "GET", req.url ?? "/", req.headers, req.socket as SpareSlot);
  // 'close' before the response finished = the client went away: stop the upstream at once.
  res.on("close", () => {
    if (!res.writableFinished) ctx.abort("client_closed");
  });
  return ctx;
}

/**
 * A context not tied to one HTTP response: the proxy's own request entry binds it to a
 * ServerResponse (above); a WebSocket connection makes one per `response.create` it carries.
 */
export function newRequestContext(method: string, url: string, headers: IncomingHttpHeaders): RequestContext {
  return new Context(method, url, headers);
}

/**
 * Where a connection keeps an abort controller its last request made and left untouched. Every
 * model call needs one (its signal goes to the upstream call); making an AbortSignal and its
 * listener map costs more than the rest of the context, and keep-alive clients send their
 * requests one after another on the same connection. One a request aborted, or that still has
 * a listener (a provider that never removed its own), is never passed on.
 */
const SPARE = Symbol("dheera.spareAbortController");
type SpareSlot = { [SPARE]?: AbortController | undefined };

/**
 * One class, so every request's context has the same shape and its lazy parts (query, signal)
 * are methods on the prototype instead of closures made per request.
 */
class Context implements RequestContext {
  readonly id: string;
  readonly startedAt = performance.now();
  readonly startedAtMs = Date.now();
  readonly path: string;
  abortCause: AbortCause | undefined = undefined;
  readonly log: RequestLogFields = {};
  attachment: RequestAttachment | undefined = undefined;
  trace: RequestTrace | undefined = undefined;
  route: string | undefined = undefined;
  identity: Identity | undefined = undefined;
  error: LoggedError | undefined = undefined;
  // Created on first use (the first read of `signal`, or an abort): requests that never reach
  // upstream work, or that finish without reading it, make none.
  #controller: AbortController | undefined = undefined;
  #query: URLSearchParams | undefined = undefined;
  readonly #url: string;
  readonly #q: number;
  readonly #connection: SpareSlot | undefined;

  constructor(
    readonly method: string,
    url: string,
    headers: IncomingHttpHeaders,
    connection?: SpareSlot,
  ) {
    this.#connection = connection;
    const incoming = headers["x-request-id"];
    this.id = typeof incoming === "string" && CLIENT_ID.test(incoming) ? incoming : `req_${randomHex(16)}`;
    this.#url = url;
    this.#q = url.indexOf("?");
    this.path = this.#q === -1 ? url : url.slice(0, this.#q);
  }

  get query(): URLSearchParams {
    return (this.#query ??= new URLSearchParams(this.#q === -1 ? "" : this.#url.slice(this.#q + 1)));
  }

  get signal(): AbortSignal {
    return (this.#controller ??= this.#newController()).signal;
  }

  abort(cause: AbortCause): void {
    const controller = (this.#controller ??= this.#newController());
    if (controller.signal.aborted) return;
    this.abortCause = cause;
    controller.abort(new DOMException(cause === "shutdown" ? "The proxy is shutting down." : "The client closed the connection.", "AbortError"));
  }

  release(): void {
    const controller = this.#controller;
    const connection = this.#connection;
    if (controller === undefined || connection === undefined) return;
    this.#controller = undefined;
    if (!controller.signal.aborted && getEventListeners(controller.signal, "abort").length === 0) connection[SPARE] = controller;
  }

  #newController(): AbortController {
    const connection = this.#connection;
    const spare = connection?.[SPARE];
    if (spare === undefined) return new AbortController();
    connection![SPARE] = undefined;
    return spare;
  }
}
