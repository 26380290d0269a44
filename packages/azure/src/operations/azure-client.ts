import {
  DheeraError,
  UpstreamError,
  type CallOptions,
  type HttpMethod,
  type Transport,
  type UpstreamResponse,
  type WireMeta,
} from "@dheera/core";
import type { z } from "zod";
import { azureAuthHeaders } from "../config/azure-auth.js";
import type { ResolvedAzureSettings } from "../config/azure-settings.js";
import { mapAzureError } from "../errors/azure-error.js";

/**
 * The one place the Azure provider talks HTTP: auth headers, timeouts, abort, error mapping and
 * lenient parsing of JSON answers. Built once per deployment; per request it only adds the body.
 */
export interface AzureClient {
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
  /** Sends a streaming request; resolves once the upstream answered 2xx with its headers. */
  stream(url: string, body: unknown, options?: CallOptions): Promise<WireMeta & { response: UpstreamResponse; abort: (reason?: unknown) => void }>;
}

// Headers a caller may want to see (ids for support, rate limits); everything else stays here.
const EXPOSED_HEADERS = /^(apim-request-id|x-request-id|x-ms-request-id|x-ms-region|x-ms-deployment-name|openai-processing-ms|x-ratelimit-.*|retry-after|retry-after-ms)$/;

export function createAzureClient(settings: ResolvedAzureSettings, transport: Transport): AzureClient {
  const staticAuth = settings.adTokenProvider ? undefined : azureAuthHeaders(settings);
  const secrets = [settings.apiKey, settings.adToken].filter((s): s is string => Boolean(s));

  const build = (auth: Record<string, string>, hasBody: boolean, extra: Record<string, string> | undefined): Record<string, string> => ({
    accept: "application/json",
    ...(hasBody ? { "content-type": "application/json" } : {}),
    ...auth,
    ...extra,
  });
  // With a key (no token provider) the headers never change: built once, shared by every request.
  let fixed: { withBody: Record<string, string>; noBody: Record<string, string> } | undefined;
  staticAuth?.then(
    (auth) => (fixed = { withBody: build(auth, true, undefined), noBody: build(auth, false, undefined) }),
    () => undefined, // missing credentials: every request reports it below
  );
  const headersFor = (options: CallOptions | undefined, hasBody: boolean): Record<string, string> | Promise<Record<string, string>> => {
    if (fixed && !options?.headers) return hasBody ? fixed.withBody : fixed.noBody;
    return (staticAuth ?? azureAuthHeaders(settings)).then((auth) => build(auth, hasBody, options?.headers));
  };

  // A stream can be cut on its own (`abort`), so it gets a controller linked to the caller's
  // signal; a JSON request only needs the caller's signal, passed as it is (an AbortController
  // and a listener per request show in the proxy's profile).
  const send = async (method: HttpMethod, url: string, body: unknown, options: CallOptions | undefined, abortable: boolean) => {
    let controller: AbortController | undefined;
    let signal = options?.signal;
    if (abortable) {
      const c = (controller = new AbortController());
      const onAbort = () => c.abort(options?.signal?.reason);
      if (options?.signal?.aborted) onAbort();
      else options?.signal?.addEventListener("abort", onAbort, { once: true });
      signal = c.signal;
    }
    const timeoutMs = options?.timeoutMs ?? settings.timeoutMs;
    const response = await transport({
      method,
      url,
      headers: await headersFor(options, body !== undefined),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    if (response.status < 200 || response.status >= 300) {
      const bodyText = await response.text().catch(() => "");
      throw mapAzureError({ status: response.status, bodyText, headers: response.headers, secrets });
    }
    return { response, abort: (reason?: unknown) => controller?.abort(reason) };
  };

  const readText = async (method: HttpMethod, url: string, body: unknown, options: CallOptions | undefined) => {
    const { response } = await send(method, url, body, options, false);
    return { response, text: await response.text() };
  };

  return {
    async json(method, url, body, schema, options) {
      const { response, text } = await readText(method, url, body, options);
      const result = schema.safeParse(parseBody(response, text));
      if (!result.success) throw badBody(response, "does not have the expected shape");
      return { ...meta(response), body: result.data };
    },
    async jsonChecked(method, url, body, check, options) {
      const { response, text } = await readText(method, url, body, options);
      const parsed = parseBody(response, text);
      if (!check(parsed)) throw badBody(response, "does not have the expected shape");
      return { ...meta(response), body: parsed };
    },
    async jsonRaw(method, url, body, read, options) {
      const { response, text } = await readText(method, url, body, options);
      const value = read(text);
      if (value === undefined) throw badBody(response, text === "" || isJson(text) ? "does not have the expected shape" : "is not JSON");
      return { ...meta(response), body: value, raw: text };
    },
    async stream(url, body, options) {
      const { response, abort } = await send("POST", url, body, options, true);
      if (!(response.headers["content-type"] ?? "").includes("text/event-stream")) {
        await response.dump();
        throw badBody(response, "is not an event stream");
      }
      return { ...meta(response), response, abort };
    },
  };
}

function meta(response: UpstreamResponse): WireMeta {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(response.headers)) if (EXPOSED_HEADERS.test(k)) headers[k] = v;
  const id = response.headers["apim-request-id"] ?? response.headers["x-request-id"];
  return { status: response.status, headers, ...(id ? { upstreamRequestId: id } : {}) };
}

function parseBody(response: UpstreamResponse, text: string): unknown {
  try {
    return text === "" ? {} : (JSON.parse(text) as unknown);
  } catch {
    throw badBody(response, "is not JSON");
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function badBody(response: UpstreamResponse, what: string): DheeraError {
  const id = response.headers["apim-request-id"] ?? response.headers["x-request-id"];
  return new UpstreamError(`Azure's answer ${what}.`, {
    status: 502,
    type: "api_error",
    code: "bad_upstream_response",
    provider: "azure",
    ...(id ? { upstreamRequestId: id } : {}),
  });
}
