import { Agent, errors as undiciErrors, request } from "undici";
import { UpstreamConnectionError, UpstreamTimeoutError } from "../errors/dheera-error.js";
import { isAbortError } from "../errors/to-openai-error.js";
import { safeHost } from "./safe-host.js";
import type { Transport, UpstreamRequest, UpstreamResponse } from "./transport.js";

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

  const send = async (req: UpstreamRequest): Promise<UpstreamResponse> => {
    try {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        dispatcher: agent,
        ...(req.timeoutMs ? { headersTimeout: req.timeoutMs, bodyTimeout: req.timeoutMs } : {}),
      });
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
      }
      const body = res.body;
      return {
        status: res.statusCode,
        headers,
        body: wrapBodyErrors(body, req),
        text: async () => {
          try {
            return await body.text();
          } catch (err) {
            throw mapRequestError(err, req);
          }
        },
        dump: () => body.dump(),
      };
    } catch (err) {
      throw mapRequestError(err, req);
    }
  };
  return Object.assign(send, { close: () => agent.close() });
}

async function* wrapBodyErrors(body: AsyncIterable<Uint8Array>, req: UpstreamRequest): AsyncIterable<Uint8Array> {
  try {
    yield* body;
  } catch (err) {
    throw mapRequestError(err, req);
  }
}

/** The caller's own abort stays what the caller aborted with (undici rejects with the signal's reason). */
function mapRequestError(err: unknown, req: UpstreamRequest): unknown {
  return req.signal?.aborted ? err : mapNetworkError(err, req.url);
}

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT"]);
/** Misuse of undici (bad options), not a network failure: left as the programming error it is. */
const NOT_NETWORK_CODES = new Set(["UND_ERR_INVALID_ARG", "UND_ERR_NOT_SUPPORTED", "UND_ERR_INVALID_RETURN_VALUE"]);

/** Turns undici's errors into ours with a message that names the host, never the key. */
export function mapNetworkError(err: unknown, url: string): unknown {
  if (isAbortError(err)) return err;
  const host = safeHost(url);
  const code = (err as { code?: unknown } | null)?.code;
  // By code as well as class: a second copy of undici in the tree has its own classes.
  if (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError ||
    (typeof code === "string" && TIMEOUT_CODES.has(code))
  ) {
    return new UpstreamTimeoutError(`The upstream ${host} did not answer in time (${(err as Error).message}).`, { cause: err });
  }
  if (typeof code === "string" && !NOT_NETWORK_CODES.has(code) && (code.startsWith("E") || code.startsWith("UND_ERR"))) {
    return new UpstreamConnectionError(`Could not reach the upstream ${host}: ${code}.`, { cause: err });
  }
  return err;
}
