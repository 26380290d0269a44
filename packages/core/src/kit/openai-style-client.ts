import { DheeraError, UpstreamError } from "../errors/dheera-error.js";
import type { HttpMethod, Transport, UpstreamResponse } from "../http/transport.js";
import type { CallOptions, ResponsesSocket, WireMeta } from "../provider/deployment.js";
import { openResponsesSocket } from "./responses-socket.js";
import type { z } from "zod";
import { mapOpenAIStyleError, type UpstreamErrorInput } from "./openai-style-error.js";

/**
 * The one place a provider for an OpenAI-style upstream talks HTTP: auth headers, timeouts,
 * abort, error mapping and lenient parsing of JSON answers. Built once per deployment; per
 * request it only adds the body.
 */
export interface OpenAIStyleClient {
  json<T>(method: HttpMethod, url: string, body: unknown, schema: z.ZodType<T>, options?: CallOptions): Promise<WireMeta & { body: T }>;
  /**
   * Like `json`, but keeps the body's text and never parses all of it: `read` takes what the
   * caller needs from the text, or returns undefined where the schema would reject it. Same
   * errors as `json`.
   */
  jsonRaw<T>(method: HttpMethod, url: string, body: unknown, read: (text: string) => T | undefined, options?: CallOptions): Promise<WireMeta & { body: T; raw: string }>;
  /**
   * Like `json`, with a hand-written `check` that accepts exactly what a schema without
   * transforms would: the parsed value is returned as it is, not copied by zod.
   */
  jsonChecked<T>(method: HttpMethod, url: string, body: unknown, check: (value: unknown) => value is T, options?: CallOptions): Promise<WireMeta & { body: T }>;
  /** Opens a Responses WebSocket at `url` with this client's credentials and error mapping. */
  responsesSocket(url: string, model: string, options?: CallOptions): Promise<ResponsesSocket>;
  /**
   * Sends a streaming request (a POST with `body`, or a GET without one: a stored response's
   * replay); resolves once the upstream answered 2xx with its headers.
   */
  stream(url: string, body: unknown, options?: CallOptions, method?: "POST" | "GET"): Promise<WireMeta & { response: UpstreamResponse; abort: (reason?: unknown) => void }>;
}

export interface OpenAIStyleClientOptions {
  /** Provider id, put on every error (`openai`). */
  provider: string;
  /** How messages name the upstream (`OpenAI's answer is not JSON.`). */
  displayName: string;
  transport: Transport;
  /** The credential headers (and any extra headers the provider always sends). */
  authHeaders: () => Record<string, string> | Promise<Record<string, string>>;
  /**
   * The auth headers never change (a key, not a token provider): built once and shared by every
   * request, which shows in the proxy's profile. Default false: asked per request.
   */
  staticAuth?: boolean;
  /** Values that must never reach an error message (keys, tokens). */
  secrets: readonly (string | null | undefined)[];
  /** Default per-call timeout, ms. */
  timeoutMs?: number | undefined;
  /** Maps a non-2xx answer; default `mapOpenAIStyleError` with `provider` and `displayName`. */
  mapError?: (input: UpstreamErrorInput) => DheeraError;
  /** Upstream headers a caller may see (ids, rate limits); default OpenAI's. */
  exposedHeaders?: RegExp;
  /** Headers that carry the upstream's request id, first found wins; default `x-request-id`. */
  requestIdHeaders?: readonly string[];
}

/** How long a Responses WebSocket handshake may take before the host streams over HTTP instead. */
const SOCKET_CONNECT_TIMEOUT_MS = 5000;

// Headers a caller may want to see (ids for support, rate limits); everything else stays here.
const OPENAI_EXPOSED_HEADERS = /^(x-request-id|openai-processing-ms|openai-version|openai-organization|openai-project|x-ratelimit-.*|retry-after|retry-after-ms)$/;

/** Header names whose exposure a client remembers (an upstream could send endless new ones). */
const MAX_KNOWN_HEADER_NAMES = 256;

export function createOpenAIStyleClient(options: OpenAIStyleClientOptions): OpenAIStyleClient {
  const { transport, displayName, provider } = options;
  const secrets = options.secrets.filter((s): s is string => Boolean(s));
  const exposed = options.exposedHeaders ?? OPENAI_EXPOSED_HEADERS;
  const idHeaders = options.requestIdHeaders ?? ["x-request-id"];
  const mapError = options.mapError ?? ((input: UpstreamErrorInput) => mapOpenAIStyleError(input, { provider, displayName, requestIdHeaders: idHeaders }));
  // Per response: a plain loop, no array built and thrown away on every answer.
  const requestIdOf = (response: UpstreamResponse): string | undefined => {
    for (const name of idHeaders) {
      const id = response.headers[name];
      if (id) return id;
    }
    return undefined;
  };

  const build = (auth: Record<string, string>, hasBody: boolean, extra: Record<string, string> | undefined): Record<string, string> => ({
    accept: "application/json",
    ...(hasBody ? { "content-type": "application/json" } : {}),
    ...auth,
    ...extra,
  });
  // With static credentials the headers never change: built once, shared by every request.
  const staticAuth = options.staticAuth ? Promise.resolve().then(options.authHeaders) : undefined;
  let fixed: { withBody: Record<string, string>; noBody: Record<string, string> } | undefined;
  staticAuth?.then(
    (auth) => (fixed = { withBody: build(auth, true, undefined), noBody: build(auth, false, undefined) }),
    () => undefined, // missing credentials: every request reports it below
  );
  const headersFor = (call: CallOptions | undefined, hasBody: boolean): Record<string, string> | Promise<Record<string, string>> => {
    if (fixed && !call?.headers) return hasBody ? fixed.withBody : fixed.noBody;
    return (staticAuth ?? Promise.resolve().then(options.authHeaders)).then((auth) => build(auth, hasBody, call?.headers));
  };

  // An upstream sends the same dozen header names on every answer: each is tested once.
  const exposedNames = new Map<string, boolean>();
  const isExposed = (name: string) => {
    let known = exposedNames.get(name);
    if (known === undefined) {
      known = exposed.test(name);
      if (exposedNames.size < MAX_KNOWN_HEADER_NAMES) exposedNames.set(name, known);
    }
    return known;
  };
  // Results are `Object.assign(meta(response), { ... })`, not `{ ...meta(response), ... }`: on
  // Node 20's V8, members added after a spread take a slow path (about 1.5 us for two).
  const meta = (response: UpstreamResponse): WireMeta => {
    const headers: Record<string, string> = {};
    const all = response.headers;
    for (const k in all) if (isExposed(k)) headers[k] = all[k]!;
    const id = requestIdOf(response);
    return id ? { status: response.status, headers, upstreamRequestId: id } : { status: response.status, headers };
  };

  const badBody = (response: UpstreamResponse, what: string): DheeraError => {
    const id = requestIdOf(response);
    return new UpstreamError(`${displayName}'s answer ${what}.`, {
      status: 502,
      type: "api_error",
      code: "bad_upstream_response",
      provider,
      ...(id ? { upstreamRequestId: id } : {}),
    });
  };

  const parseBody = (response: UpstreamResponse, text: string): unknown => {
    try {
      return text === "" ? {} : (JSON.parse(text) as unknown);
    } catch {
      throw badBody(response, "is not JSON");
    }
  };

  // A stream can be cut on its own (`abort`), so it gets a controller linked to the caller's
  // signal; a JSON request only needs the caller's signal, passed as it is (an AbortController
  // and a listener per request show in the proxy's profile).
  const send = async (method: HttpMethod, url: string, body: unknown, call: CallOptions | undefined, abortable: boolean) => {
    let controller: AbortController | undefined;
    let signal = call?.signal;
    // A transport whose responses can be cut (the default one) needs no controller of ours.
    if (abortable && transport.cutsResponses !== true) {
      const c = (controller = new AbortController());
      const onAbort = () => c.abort(call?.signal?.reason);
      if (call?.signal?.aborted) onAbort();
      else call?.signal?.addEventListener("abort", onAbort, { once: true });
      signal = c.signal;
    }
    const timeoutMs = call?.timeoutMs ?? options.timeoutMs;
    // Key auth answers at once; only a token (Entra ID) may have to be fetched first.
    const pending = headersFor(call, body !== undefined);
    const response = await transport({
      method,
      url,
      headers: pending instanceof Promise ? await pending : pending,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    if (response.status < 200 || response.status >= 300) {
      const bodyText = await response.text().catch(() => "");
      throw mapError({ status: response.status, bodyText, headers: response.headers, secrets });
    }
    if (abortable && controller === undefined && response.abort) {
      const cut = response.abort;
      return { response, abort: (reason?: unknown) => cut(reason) };
    }
    return { response, abort: (reason?: unknown) => controller?.abort(reason) };
  };

  const readText = async (method: HttpMethod, url: string, body: unknown, call: CallOptions | undefined) => {
    const { response } = await send(method, url, body, call, false);
    return { response, text: await response.text() };
  };

  return {
    async json(method, url, body, schema, call) {
      const { response, text } = await readText(method, url, body, call);
      const result = schema.safeParse(parseBody(response, text));
      if (!result.success) throw badBody(response, "does not have the expected shape");
      return Object.assign(meta(response), { body: result.data });
    },
    async jsonChecked(method, url, body, check, call) {
      const { response, text } = await readText(method, url, body, call);
      const parsed = parseBody(response, text);
      if (!check(parsed)) throw badBody(response, "does not have the expected shape");
      return Object.assign(meta(response), { body: parsed });
    },
    async jsonRaw(method, url, body, read, call) {
      const { response, text } = await readText(method, url, body, call);
      const value = read(text);
      if (value === undefined) throw badBody(response, text === "" || isJson(text) ? "does not have the expected shape" : "is not JSON");
      return Object.assign(meta(response), { body: value, raw: text });
    },
    async responsesSocket(url, model, call) {
      const connect = transport.openWebSocket;
      if (!connect) throw new Error("The transport in use opens no WebSockets.");
      return openResponsesSocket({ url, model, connect, headers: await headersFor(call, false), mapError, secrets, connectTimeoutMs: SOCKET_CONNECT_TIMEOUT_MS });
    },
    async stream(url, body, call, method = "POST") {
      const { response, abort } = await send(method, url, method === "GET" ? undefined : body, call, true);
      if (!(response.headers["content-type"] ?? "").includes("text/event-stream")) {
        await response.dump();
        throw badBody(response, "is not an event stream");
      }
      return Object.assign(meta(response), { response, abort });
    },
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
