import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { DheeraError, InvalidRequestError, NotFoundError, isAbortError, loggedErrorOf } from "@dheera/core";
import { sendError } from "./http-io.js";
import { createRequestContext, type RequestContext } from "./request-context.js";
import type { RouteTable } from "./route-table.js";
import type { Authenticator } from "../auth/authenticator.js";
import { requestLineWriter, type Logger, type RequestLineWriter } from "../logging/logger.js";
import type { ProxyMetrics } from "../observability/proxy-metrics.js";
import type { Tracing } from "../observability/tracing.js";

/** Requests in flight, so a drain knows when it is done and can cut what outlives the grace period. */
export interface InFlight {
  readonly size: number;
  add(ctx: RequestContext): void;
  delete(ctx: RequestContext): void;
  abortAll(): void;
  /** Resolves when nothing is in flight. */
  idle(): Promise<void>;
}

export function createInFlight(): InFlight {
  const active = new Set<RequestContext>();
  let waiters: (() => void)[] = [];
  return {
    get size() {
      return active.size;
    },
    add: (ctx) => active.add(ctx),
    delete(ctx) {
      active.delete(ctx);
      if (active.size === 0) {
        const w = waiters;
        waiters = [];
        for (const resolve of w) resolve();
      }
    },
    abortAll() {
      for (const ctx of active) ctx.abort("shutdown");
    },
    idle: () => (active.size === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}

/** What the HTTP layer needs of the proxy's services. */
export interface HttpServices {
  readonly auth: Pick<Authenticator, "identify">;
  readonly logger: Logger;
  readonly redact: (value: unknown) => unknown;
  readonly metrics: Pick<ProxyMetrics, "requestFinished"> | undefined;
  /** OpenTelemetry, when configured. */
  readonly tracing: Tracing | undefined;
  isDraining(): boolean;
}

/**
 * The one entry point for every HTTP request: request id, route lookup, auth, the handler,
 * errors as OpenAI bodies, and when the response is done: for a model call its logging payload
 * and spend row (queued, never awaited), and one structured log line.
 */
export function createRequestHandler(s: HttpServices, table: RouteTable, inFlight: InFlight) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const ctx = createRequestContext(req, res);
    if (s.tracing) ctx.trace = s.tracing.begin(req.headers, ctx.method, ctx.path);
    res.setHeader("x-request-id", ctx.id);
    if (s.isDraining()) res.setHeader("connection", "close");
    inFlight.add(ctx);
    // Done = the socket side is closed and the handler has finished its bookkeeping (usage,
    // how a stream ended), so the log line is complete and a drain waits for both.
    let waiting = 2;
    const finished = () => {
      if (--waiting > 0) return;
      finishRequest(s, ctx, res.headersSent ? res.statusCode : 499, inFlight);
    };
    res.once("close", finished);
    dispatch(s, table, ctx, req, res)
      .catch((err: unknown) => {
        // A handler bug after the headers went out: end what can be ended.
        s.logger.error({ request_id: ctx.id, err: s.redact(describe(err)) }, "request handler failed");
        if (!res.writableEnded && !res.destroyed) res.end();
      })
      .then(finished, finished);
  };
}

/**
 * Matches the route, authenticates and runs the handler; every failure becomes an answer here.
 * The handler's promise is returned with the failure path attached, not awaited: a streamed
 * answer then holds no suspended dispatch for as long as it lasts.
 */
async function dispatch(s: HttpServices, table: RouteTable, ctx: RequestContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    // HTTP/1.1 requires it (Node's own check answers a bare 400; this one, the OpenAI shape).
    if (req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) {
      throw new InvalidRequestError("Missing Host header: HTTP/1.1 requests must send one.", { code: "bad_http_request" });
    }
    const match = table.match(ctx.method, ctx.path);
    if (match.kind === "not_found") {
      throw new NotFoundError(`Unknown route: ${ctx.method} ${ctx.path}`, { code: "unknown_route" });
    }
    if (match.kind === "method_not_allowed") {
      res.setHeader("allow", match.allow);
      throw new DheeraError(`Method ${ctx.method} is not allowed on ${ctx.path}. Allowed: ${match.allow}.`, {
        status: 405,
        type: "invalid_request_error",
        code: "method_not_allowed",
      });
    }
    ctx.route = match.route.pattern;
    if (!match.route.public) {
      const identity = s.auth.identify(req.headers, match.route.models ? "model" : "admin");
      ctx.identity = identity instanceof Promise ? await identity : identity;
    }
    const handled = match.route.handler({ ctx, req, res, params: match.params });
    if (handled instanceof Promise) return handled.then(ignore, (err: unknown) => failed(s, ctx, res, err));
  } catch (err) {
    failed(s, ctx, res, err);
  }
}

function ignore(): void {}

/** Answers a request that failed: an OpenAI-shaped error while nothing was sent, else the end of what was. */
function failed(s: HttpServices, ctx: RequestContext, res: ServerResponse, err: unknown): void {
  if (DheeraError.isInstance(err) && err.upstreamRequestId) ctx.log.upstream_request_id ??= err.upstreamRequestId;
  if (ctx.abortCause === "client_closed" && isAbortError(err)) {
    ctx.error = loggedErrorOf(err);
    return; // nobody left to answer
  }
  const shown =
    ctx.abortCause === "shutdown" && isAbortError(err)
      ? new DheeraError("The proxy is shutting down; the request was cut.", { status: 503, code: "proxy_shutting_down" })
      : err;
  if (!DheeraError.isInstance(shown)) s.logger.error({ request_id: ctx.id, err: s.redact(describe(shown)) }, "unexpected error");
  if (res.headersSent) {
    ctx.error = loggedErrorOf(shown);
    if (!res.writableEnded) res.end();
    return;
  }
  const mapped = sendError(res, shown);
  ctx.error = { status: mapped.status, type: mapped.body.error.type, code: mapped.body.error.code, message: mapped.body.error.message };
  ctx.log.error = { type: mapped.body.error.type, code: mapped.body.error.code, message: mapped.body.error.message };
}

/**
 * What ends every request, HTTP or a WebSocket turn: its model call's spend row and logging
 * payload (queued before it leaves the in-flight set, so a drain's flush includes it), metrics,
 * its span and one log line.
 */
export function finishRequest(s: HttpServices, ctx: RequestContext, status: number, inFlight: InFlight): void {
  const endedAt = performance.now();
  if (ctx.attachment) finishAttachment(s, ctx, status, endedAt);
  inFlight.delete(ctx);
  s.metrics?.requestFinished(ctx.route ?? "unmatched", ctx.method, status);
  ctx.trace?.end(status, ctx.route, ctx.error);
  logRequest(s, ctx, status, endedAt);
  ctx.release();
}

/** The model call's payload and spend row; a failure here is logged and never reaches the client. */
function finishAttachment(s: HttpServices, ctx: RequestContext, status: number, endedAt: number): void {
  try {
    ctx.attachment!.finished(ctx, status, endedAt);
  } catch (err) {
    s.logger.error({ request_id: ctx.id, err: s.redact(describe(err)) }, "could not record the call's spend");
  }
}

/** One writer per logger, made on its first request line. */
const lineWriters = new WeakMap<Logger, RequestLineWriter>();

function logRequest(s: HttpServices, ctx: RequestContext, status: number, endedAt: number): void {
  let write = lineWriters.get(s.logger);
  if (write === undefined) lineWriters.set(s.logger, (write = requestLineWriter(s.logger)));
  const line = {
    request_id: ctx.id,
    method: ctx.method,
    path: ctx.path,
    status,
    latency_ms: Math.round((endedAt - ctx.startedAt) * 100) / 100,
    ...ctx.log,
  };
  write(status >= 500 ? "warn" : "info", line);
}

/** Name and message of an unexpected error; never its enumerable fields (request options may hold keys). */
function describe(err: unknown): { name: string; message: string; stack?: string } {
  if (err instanceof Error) return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { name: typeof err, message: String(err) };
}
