import { createRequire } from "node:module";
import type { Dispatcher } from "undici";
import { UpstreamConnectionError, UpstreamTimeoutError } from "../errors/dheera-error.js";
import { isAbortError } from "../errors/to-openai-error.js";
import { safeHost } from "./safe-host.js";
import { Agent } from "./undici-agent.js";
import { dispatchBody } from "./one-shot-body.js";
import type { Transport, UpstreamRequest, UpstreamResponse, UpstreamWebSocket } from "./transport.js";
import { UndiciExchange } from "./undici-exchange.js";

const MAX_CACHED_URLS = 1024;

export interface UndiciTransportOptions {
  /** TCP + TLS connect timeout, ms. */
  connectTimeoutMs?: number;
  /** Time to wait for response headers, ms (a reasoning model may think for minutes). */
  headersTimeoutMs?: number;
  /** Longest silence between two body chunks, ms. */
  bodyTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  connections?: number;
}

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 600_000,
  bodyTimeoutMs: 300_000,
  keepAliveTimeoutMs: 30_000,
} satisfies UndiciTransportOptions;

/** A transport on its own keep-alive Agent. Create once at start-up and reuse. */
export function undiciTransport(options: UndiciTransportOptions = {}): Transport & { close(): Promise<void> } {
  const o = { ...DEFAULTS, ...options };
  const agent = new Agent({
    connect: { timeout: o.connectTimeoutMs },
    headersTimeout: o.headersTimeoutMs,
    bodyTimeout: o.bodyTimeoutMs,
    keepAliveTimeout: o.keepAliveTimeoutMs,
    ...(o.connections ? { connections: o.connections } : {}),
  });

  // A proxy calls the same few URLs all day: split each into origin and path once.
  const targets = new Map<string, { origin: string; path: string }>();
  const targetOf = (url: string) => {
    let t = targets.get(url);
    if (!t) {
      const u = new URL(url);
      t = { origin: u.origin, path: `${u.pathname}${u.search}` };
      if (targets.size >= MAX_CACHED_URLS) targets.clear();
      targets.set(url, t);
    }
    return t;
  };

  const send = (req: UpstreamRequest): Promise<UpstreamResponse> =>
    new Promise((resolve, reject) => {
      const { signal, url } = req;
      const mapError = errorMapper(signal, url);
      try {
        if (signal?.aborted) throw signal.reason;
        const { origin, path } = targetOf(url);
        const { headers, body } = dispatchBody(req.headers, req.body);
        agent.dispatch(
          {
            origin,
            path,
            method: req.method,
            headers,
            // undici writes any async iterable (its docs list them), though its types name only
            // strings, bytes, Readable and FormData.
            body: body as Dispatcher.DispatchOptions["body"],
            ...(req.timeoutMs ? { headersTimeout: req.timeoutMs, bodyTimeout: req.timeoutMs } : {}),
          },
          new UndiciExchange(signal, resolve, reject, mapError),
        );
      } catch (err) {
        reject(mapError(err));
      }
    });
  return Object.assign(send, {
    cutsResponses: true,
    close: () => agent.close(),
    openWebSocket: (url: string, headers: Record<string, string>): UpstreamWebSocket => new (undiciWebSocket())(url, { headers, dispatcher: agent }),
  });
}

/**
 * The exchange's error mapping: the caller's own abort stays what the caller aborted with (undici
 * rejects with the signal's reason), anything else is mapped. Made outside `send`: a closure made
 * there would keep `send`'s scope, and with it the request and its body (hundreds of KB for a long
 * conversation), for as long as the response lasts (minutes for a stream). It keeps the signal
 * and the URL only.
 */
function errorMapper(signal: AbortSignal | undefined, url: string): (err: unknown) => unknown {
  return (err) => (signal?.aborted ? err : mapNetworkError(err, url));
}

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);
/** Misuse of undici (bad options), not a network failure: left as the programming error it is. */
const NOT_NETWORK_CODES = new Set(["UND_ERR_INVALID_ARG", "UND_ERR_NOT_SUPPORTED", "UND_ERR_INVALID_RETURN_VALUE"]);

/** Turns undici's errors into ours with a message that names the host, never the key. */
export function mapNetworkError(err: unknown, url: string): unknown {
  if (isAbortError(err)) return err;
  const host = safeHost(url);
  const code = (err as { code?: unknown } | null)?.code;
  // By code, not class: a second copy of undici in the tree (a caller's own) has its own classes.
  if (typeof code === "string" && TIMEOUT_CODES.has(code)) {
    return new UpstreamTimeoutError(`The upstream ${host} did not answer in time (${(err as Error).message}).`, { cause: err });
  }
  if (typeof code === "string" && !NOT_NETWORK_CODES.has(code) && (code.startsWith("E") || code.startsWith("UND_ERR"))) {
    return new UpstreamConnectionError(`Could not reach the upstream ${host}: ${code}.`, { cause: err });
  }
  return err;
}

let WebSocketClass: typeof import("undici").WebSocket | undefined;

/**
 * undici's WebSocket, loaded on the first upstream WebSocket only: it lives in undici's index,
 * which the transport otherwise avoids (see undici-agent.ts), so processes that never open one
 * do not pay for it.
 */
function undiciWebSocket(): typeof import("undici").WebSocket {
  WebSocketClass ??= (createRequire(import.meta.url)("undici") as typeof import("undici")).WebSocket;
  return WebSocketClass;
}
