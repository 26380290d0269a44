import { z } from "zod";
import { AuthenticationError, NotFoundError, RateLimitError, UpstreamError, type DheeraError, type DheeraErrorOptions } from "../errors/dheera-error.js";
import { normalizeSecrets, redactDeep, redactSecrets } from "./redact-secrets.js";

/**
 * Turns a non-2xx answer of an OpenAI-style upstream into a DheeraError shaped like an OpenAI
 * error. Upstreams speak several dialects: OpenAI's `{error:{message,type,param,code}}`, a bare
 * `{error:"..."}` (Ollama), top-level `{message,type,code}` (vLLM's `{"object":"error",...}`, API
 * gateways' `{statusCode,message}`), FastAPI's `{detail:"..."}`, and HTML from whatever sits in
 * front. Parsing is lenient on purpose: an error about an error helps nobody. A provider with
 * dialects of its own refines the reading (`refine`) instead of writing a mapper.
 */

export interface UpstreamErrorInput {
  status: number;
  bodyText: string;
  /** Response headers; names are compared lower-cased. */
  headers?: Readonly<Record<string, string>> | Headers;
  /** Values that must never reach a message (the api key, a bearer token). */
  secrets?: readonly (string | null | undefined)[];
}

/** What the mapper read from an error body; a provider's `refine` may change any of it. */
export interface ParsedUpstreamError {
  message: string | undefined;
  type: string | undefined;
  param: string | undefined;
  code: string | undefined;
  /** The upstream's own error object, kept for callers who need its extra fields. */
  upstreamError: unknown;
}

export interface OpenAIStyleErrorOptions {
  /** Provider id put on the error (`openai`). */
  provider: string;
  /** How messages name the upstream: `OpenAI returned HTTP 500`. */
  displayName: string;
  /** Headers that carry the upstream's request id, first found wins. */
  requestIdHeaders?: readonly string[];
  /** A provider's own reading on top: `json` is the redacted parsed body. */
  refine?: (parsed: ParsedUpstreamError, json: unknown) => ParsedUpstreamError;
}

const EXCERPT_MAX = 200;
const DEFAULT_REQUEST_ID_HEADERS = ["x-request-id"] as const;

// Each field falls back to undefined on a wrong type instead of failing the whole parse.
const text = z.string().nullish().catch(undefined);
const code = z.union([z.string(), z.number().transform(String)]).nullish().catch(undefined);
const errorFields = { message: text, type: text, param: text, code };

const envelopeSchema = z.looseObject({ error: z.looseObject(errorFields) });
const stringEnvelopeSchema = z.looseObject({ error: z.string() });
// vLLM's `{"object":"error","message":...}`, gateways' `{"statusCode":401,"message":...}`.
const topLevelSchema = z.looseObject({ ...errorFields, message: z.string() });
const detailSchema = z.looseObject({ detail: z.string() });

export function mapOpenAIStyleError(input: UpstreamErrorInput, options: OpenAIStyleErrorOptions): DheeraError {
  const secrets = normalizeSecrets(input.secrets);
  const bodyText = redactSecrets(input.bodyText ?? "", secrets);
  const headers = lowerCaseHeaders(input.headers, secrets);
  const { status } = input;

  const json = parseJson(bodyText);
  const redacted = json === undefined ? undefined : redactDeep(json, secrets);
  let parsed = redacted === undefined ? undefined : readError(redacted);
  if (parsed && options.refine) parsed = options.refine(parsed, redacted);
  const fallback = `${options.displayName} returned HTTP ${status}`;
  let message: string;
  if (parsed?.message) message = parsed.message;
  else {
    const excerpt = redacted === undefined ? excerptOf(bodyText) : excerptOf(JSON.stringify(redacted));
    message = excerpt === "" ? fallback : `${fallback}: ${excerpt}`;
  }

  const errorOptions: DheeraErrorOptions = {
    status,
    provider: options.provider,
    headers: pick(headers, (name) => name === "retry-after" || name === "retry-after-ms" || name.startsWith("x-ratelimit-")),
  };
  if (parsed?.type) errorOptions.type = parsed.type;
  if (parsed?.code) errorOptions.code = parsed.code;
  if (parsed?.param) errorOptions.param = parsed.param;
  if (parsed?.upstreamError !== undefined) errorOptions.upstreamError = parsed.upstreamError;
  const requestId = (options.requestIdHeaders ?? DEFAULT_REQUEST_ID_HEADERS).map((name) => headers[name]).find((value) => value);
  if (requestId) errorOptions.upstreamRequestId = requestId;

  if (status === 401) return new AuthenticationError(message, errorOptions);
  if (status === 404) return new NotFoundError(message, errorOptions);
  if (status === 429) return new RateLimitError(message, errorOptions);
  return new UpstreamError(message, errorOptions);
}

function readError(json: unknown): ParsedUpstreamError | undefined {
  const envelope = envelopeSchema.safeParse(json);
  if (envelope.success) {
    const { error } = envelope.data;
    return {
      message: error.message ?? undefined,
      type: error.type ?? undefined,
      param: error.param ?? undefined,
      code: error.code ?? undefined,
      // The raw object, not the parsed one: every extra field survives.
      upstreamError: (json as { error: unknown }).error,
    };
  }
  const simple = stringEnvelopeSchema.safeParse(json);
  if (simple.success) return { message: simple.data.error, type: undefined, param: undefined, code: undefined, upstreamError: json };
  const top = topLevelSchema.safeParse(json);
  if (top.success) {
    return { message: top.data.message, type: top.data.type ?? undefined, param: top.data.param ?? undefined, code: top.data.code ?? undefined, upstreamError: json };
  }
  const detail = detailSchema.safeParse(json);
  if (detail.success) return { message: detail.data.detail, type: undefined, param: undefined, code: undefined, upstreamError: json };
  return undefined;
}

function parseJson(bodyText: string): unknown {
  const trimmed = bodyText.trim();
  if (!trimmed.startsWith("{")) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/** A one-line readable excerpt: HTML tags and scripts removed, whitespace collapsed, at most 200 chars. */
function excerptOf(body: string): string {
  const flat = body
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length > EXCERPT_MAX ? `${flat.slice(0, EXCERPT_MAX - 1)}…` : flat;
}

function lowerCaseHeaders(headers: UpstreamErrorInput["headers"], secrets: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers === undefined ? [] : headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  for (const [name, value] of entries) {
    if (typeof value === "string") out[name.toLowerCase()] = redactSecrets(value, secrets);
  }
  return out;
}

function pick(headers: Record<string, string>, keep: (name: string) => boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => keep(name)));
}
