import { z } from "zod";
import {
  AuthenticationError,
  NotFoundError,
  RateLimitError,
  UpstreamError,
  type DheeraError,
  type DheeraErrorOptions,
} from "@dheera/core";
import { normalizeSecrets, redactDeep, redactSecrets } from "./redact-secrets.js";

/**
 * Turns a non-2xx Azure answer into a DheeraError shaped like an OpenAI error. Azure speaks
 * several dialects: its own `{"error":{"code","message"}}` (code often just the status as a
 * string), OpenAI's `{error:{message,type,param,code}}` passed through from the model, two
 * content-filter shapes (chat: `innererror.content_filter_result`; responses:
 * `content_filters[]`), APIM's `{statusCode,message}`, and HTML from whatever gateway sits in
 * front. Parsing is lenient on purpose: an error about an error helps nobody.
 */

export interface AzureErrorInput {
  status: number;
  bodyText: string;
  /** Response headers; names are compared lower-cased. */
  headers?: Readonly<Record<string, string>> | Headers;
  /** Values that must never reach a message (the api key, a bearer token). */
  secrets?: readonly (string | null | undefined)[];
}

const EXCERPT_MAX = 200;
const RETRY_HEADERS = new Set(["retry-after", "retry-after-ms"]);
const REQUEST_ID_HEADERS = ["apim-request-id", "x-request-id", "x-ms-request-id"] as const;

// Each field falls back to undefined on a wrong type instead of failing the whole parse.
const text = z.string().nullish().catch(undefined);
const code = z.union([z.string(), z.number().transform(String)]).nullish().catch(undefined);

const errorObjectSchema = z.looseObject({
  message: text,
  type: text,
  param: text,
  code,
  innererror: z.looseObject({ code, content_filter_result: z.unknown() }).nullish().catch(undefined),
  content_filters: z.array(z.unknown()).nullish().catch(undefined),
});

const envelopeSchema = z.looseObject({ error: errorObjectSchema });
const stringEnvelopeSchema = z.looseObject({ error: z.string() });
// API Management in front of the resource: {"statusCode":401,"message":"Access denied ..."}
const apimSchema = z.looseObject({ statusCode: z.number().optional(), message: z.string() });

interface ParsedError {
  message: string | undefined;
  type: string | undefined;
  param: string | undefined;
  code: string | undefined;
  upstreamError: unknown;
}

export function mapAzureError(input: AzureErrorInput): DheeraError {
  const secrets = normalizeSecrets(input.secrets);
  const bodyText = redactSecrets(input.bodyText ?? "", secrets);
  const headers = lowerCaseHeaders(input.headers, secrets);
  const { status } = input;

  const json = parseJson(bodyText);
  const parsed = json === undefined ? undefined : readError(redactDeep(json, secrets));
  const fallback = `Azure returned HTTP ${status}`;
  let message: string;
  if (parsed?.message) message = parsed.message;
  else {
    const excerpt = json === undefined ? excerptOf(bodyText) : excerptOf(JSON.stringify(redactDeep(json, secrets)));
    message = excerpt === "" ? fallback : `${fallback}: ${excerpt}`;
  }

  const options: DheeraErrorOptions = {
    status,
    provider: "azure",
    headers: pick(headers, (name) => RETRY_HEADERS.has(name) || name.startsWith("x-ratelimit-")),
  };
  if (parsed?.type) options.type = parsed.type;
  if (parsed?.code) options.code = parsed.code;
  if (parsed?.param) options.param = parsed.param;
  if (parsed?.upstreamError !== undefined) options.upstreamError = parsed.upstreamError;
  const requestId = REQUEST_ID_HEADERS.map((name) => headers[name]).find((value) => value);
  if (requestId) options.upstreamRequestId = requestId;

  if (status === 401) return new AuthenticationError(message, options);
  if (status === 404) return new NotFoundError(message, options);
  if (status === 429) return new RateLimitError(message, options);
  return new UpstreamError(message, options);
}

function readError(json: unknown): ParsedError | undefined {
  const envelope = envelopeSchema.safeParse(json);
  if (envelope.success) {
    const { error } = envelope.data;
    const filtered =
      error.code === "content_filter" ||
      error.innererror?.content_filter_result != null ||
      error.innererror?.code === "ResponsibleAIPolicyViolation" ||
      Array.isArray(error.content_filters);
    return {
      message: error.message ?? undefined,
      type: error.type ?? undefined,
      param: error.param ?? undefined,
      // Azure's filter errors keep OpenAI's code so clients can tell them from other 400s.
      code: filtered ? "content_filter" : (error.code ?? undefined),
      // The raw object, not the parsed one: the filter details and any other extras survive.
      upstreamError: (json as { error: unknown }).error,
    };
  }
  const simple = stringEnvelopeSchema.safeParse(json);
  const apim = apimSchema.safeParse(json);
  const message = simple.success ? simple.data.error : apim.success ? apim.data.message : undefined;
  if (message === undefined) return undefined;
  return { message, type: undefined, param: undefined, code: undefined, upstreamError: json };
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

function lowerCaseHeaders(headers: AzureErrorInput["headers"], secrets: readonly string[]): Record<string, string> {
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
