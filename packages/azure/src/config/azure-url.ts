import { ConfigurationError, InvalidRequestError } from "@dheera/core";
import { conversationsUrls, type ConversationsUrls } from "@dheera/core/kit";
import { classifyApiVersion } from "./azure-api-version.js";

/**
 * Pure URL building for Azure OpenAI. Users paste api_base in every shape they find in docs and
 * portals (bare resource, `/openai`, `/openai/v1`, a full chat URL, a gateway with a token in
 * the query), so the base is first reduced to "origin + gateway prefix", and the Azure route is
 * then appended by us alone. That is what rules out `/openai/openai`, `/v1/v1` and a route glued
 * after a query string, the bugs of the Python original.
 */

export interface NormalizedAzureBase {
  /** Origin plus any gateway prefix path; no trailing slash, no Azure route, no query. Safe to log. */
  base: string;
  /** The base pointed at the v1 surface (`.../openai/v1...`). */
  baseForcesV1: boolean;
  /** The base's query params (a gateway token, say) without `api-version`. */
  query: URLSearchParams;
  /** An `api-version` found in the base's query, so settings can fall back to it. */
  apiVersion: string | undefined;
}

export type AzureApiRoute = "classic" | "v1";

/** Query values as a host passes them; arrays become repeated params. */
export type QueryValue = string | number | boolean | readonly string[] | undefined;

/** `GET /responses/{id}` options. */
export type RetrieveResponseQuery = Partial<Record<(typeof RETRIEVE_KEYS)[number], QueryValue>>;
/** `GET /responses/{id}/input_items` options (`include` may be an array). */
export type InputItemsQuery = Partial<Record<(typeof INPUT_ITEMS_KEYS)[number], QueryValue>>;

export interface AzureUrlsInput {
  apiBase: string;
  apiVersion: string;
  /** The Azure deployment name; only the classic chat route has it in the path. */
  deployment: string;
}

export interface AzureUrls {
  readonly apiRoute: AzureApiRoute;
  /** The api-version sent on the responses routes, undefined when omitted. */
  readonly apiVersion: string | undefined;
  readonly responses: string;
  responseById(id: string, query?: RetrieveResponseQuery): string;
  cancel(id: string): string;
  inputItems(id: string, query?: InputItemsQuery): string;
  /** `POST /responses/input_tokens` (the count endpoint). */
  readonly inputTokens: string;
  /** `POST /responses/compact`. */
  readonly compact: string;
  readonly chat: string;
  /** The Responses WebSocket (WebSocket mode): Azure serves it on the v1 surface only. */
  readonly socket: string | undefined;
  /** The Conversations API: Azure serves it on the v1 surface only. */
  readonly conversations: ConversationsUrls | undefined;
}

// Only these keys are forwarded: an allow-list keeps a client from smuggling `api-version` or
// anything else into the upstream query.
const RETRIEVE_KEYS = ["include", "stream", "starting_after", "include_obfuscation"] as const;
const INPUT_ITEMS_KEYS = ["after", "before", "limit", "order", "include"] as const;

// What may follow an `openai` path segment in an Azure URL. Anything else after `openai` is
// taken to be part of a gateway's own path and kept.
const AZURE_ROUTE_HEADS = new Set(["v1", "responses", "deployments", "chat"]);

const API_BASE_HINT = "Pass api_base (config: dheera_ai_params.api_base) or set AZURE_API_BASE.";

export function normalizeAzureBase(apiBase: string): NormalizedAzureBase {
  const url = parseBase(apiBase);
  // Empty segments are dropped: that removes trailing slashes and any `//` inside the path.
  let segments = url.pathname.split("/").filter((s) => s !== "");
  let baseForcesV1 = false;
  // Repeat so a base already doubled by another tool (`/openai/openai`) is repaired too.
  for (let cut = findAzureRoute(segments); cut !== -1; cut = findAzureRoute(segments)) {
    if (segments[cut + 1]?.toLowerCase() === "v1") baseForcesV1 = true;
    segments = segments.slice(0, cut);
  }
  const query = new URLSearchParams();
  let apiVersion: string | undefined;
  for (const [key, value] of url.searchParams) {
    // Dropped here and added back once by createAzureUrls, so it can never appear twice.
    if (key.toLowerCase() === "api-version") apiVersion ??= value;
    else query.append(key, value);
  }
  const prefix = segments.length > 0 ? `/${segments.join("/")}` : "";
  return { base: `${url.origin}${prefix}`, baseForcesV1, query, apiVersion };
}

/**
 * Builds every URL of one deployment once, at configuration time, so a request only
 * concatenates strings. Rules:
 * - dated api-version: classic surface, `/openai/responses` and
 *   `/openai/deployments/{dep}/chat/completions`, both with `?api-version=V`;
 * - `v1` / `preview` / `latest`: v1 surface, `/openai/v1/responses?api-version=V` and
 *   `/openai/v1/chat/completions`, whose api-version is sent only for preview/latest (v1 is
 *   Azure's default there);
 * - a base ending in `/openai/v1` forces the v1 surface whatever the version: the user pointed
 *   at it explicitly. A dated version is then not sent at all, because the v1 surface accepts
 *   only v1-family values and a dated one (often inherited from AZURE_API_VERSION) would fail.
 */
export function createAzureUrls(input: AzureUrlsInput): AzureUrls {
  const normalized = normalizeAzureBase(input.apiBase);
  const { kind, version } = classifyApiVersion(input.apiVersion);
  const deployment = pathSegment(input.deployment, () =>
    new ConfigurationError("Azure deployment name must be a non-empty string other than \".\" or \"..\".", {
      param: "model",
      provider: "azure",
    }),
  );
  const apiRoute: AzureApiRoute = normalized.baseForcesV1 || kind === "v1" ? "v1" : "classic";
  const { base } = normalized;

  const responsesPath = apiRoute === "v1" ? `${base}/openai/v1/responses` : `${base}/openai/responses`;
  const chatPath =
    apiRoute === "v1" ? `${base}/openai/v1/chat/completions` : `${base}/openai/deployments/${deployment}/chat/completions`;
  const responsesVersion = kind === "dated" && apiRoute === "v1" ? undefined : version;
  const chatVersion = apiRoute === "classic" ? version : kind === "v1" && version !== "v1" ? version : undefined;

  const responsesParams = withApiVersion(normalized.query, responsesVersion);
  const responsesQuery = queryString(responsesParams);

  const idPath = (id: string) => `${responsesPath}/${responseIdSegment(id)}`;
  const withQuery = (path: string, keys: readonly string[], query: Partial<Record<string, QueryValue>> | undefined) => {
    if (query === undefined) return path + responsesQuery;
    const params = new URLSearchParams(responsesParams);
    appendQuery(params, keys, query);
    return path + queryString(params);
  };

  return Object.freeze({
    apiRoute,
    apiVersion: responsesVersion,
    responses: responsesPath + responsesQuery,
    responseById: (id: string, query?: RetrieveResponseQuery) => withQuery(idPath(id), RETRIEVE_KEYS, query),
    cancel: (id: string) => `${idPath(id)}/cancel${responsesQuery}`,
    inputItems: (id: string, query?: InputItemsQuery) => withQuery(`${idPath(id)}/input_items`, INPUT_ITEMS_KEYS, query),
    inputTokens: `${responsesPath}/input_tokens${responsesQuery}`,
    compact: `${responsesPath}/compact${responsesQuery}`,
    chat: chatPath + queryString(withApiVersion(normalized.query, chatVersion)),
    socket: apiRoute === "v1" ? (responsesPath + responsesQuery).replace(/^http/, "ws") : undefined,
    conversations: apiRoute === "v1" ? conversationsUrls(`${base}/openai/v1/conversations`, responsesParams) : undefined,
  });
}

function parseBase(apiBase: string): URL {
  let url: URL;
  // The value is never echoed: a gateway base may carry a token in its query or userinfo.
  const invalid = () =>
    new ConfigurationError(
      `Azure api_base is not a valid http(s) URL (expected e.g. https://my-resource.openai.azure.com). ${API_BASE_HINT}`,
      { param: "api_base", provider: "azure" },
    );
  try {
    url = new URL(apiBase.trim());
  } catch {
    throw invalid();
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalid();
  if (url.username !== "" || url.password !== "") {
    // fetch refuses URLs with credentials; saying so here beats a TypeError at request time.
    throw new ConfigurationError(
      "Azure api_base must not contain user:password@ credentials. Pass the key as api_key instead.",
      { param: "api_base", provider: "azure" },
    );
  }
  return url;
}

/** Index of the first `openai` segment that starts an Azure route, or -1. */
function findAzureRoute(segments: readonly string[]): number {
  for (let i = 0; i < segments.length; i++) {
    if (segments[i]?.toLowerCase() !== "openai") continue;
    const next = segments[i + 1];
    if (next === undefined || AZURE_ROUTE_HEADS.has(next.toLowerCase())) return i;
  }
  return -1;
}

function withApiVersion(query: URLSearchParams, version: string | undefined): URLSearchParams {
  const params = new URLSearchParams(query);
  if (version !== undefined) params.append("api-version", version);
  return params;
}

function appendQuery(params: URLSearchParams, keys: readonly string[], query: Partial<Record<string, QueryValue>>): void {
  for (const key of keys) {
    const value = query[key];
    if (value === undefined) continue;
    if (typeof value === "object") for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
}

function queryString(params: URLSearchParams): string {
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

function responseIdSegment(id: string): string {
  return pathSegment(id, () =>
    new InvalidRequestError("Response id must be a non-empty string other than \".\" or \"..\".", {
      param: "response_id",
      provider: "azure",
    }),
  );
}

/**
 * Encodes a value as one path segment. `.` and `..` are refused because URL parsers resolve
 * them (even as `%2e`), which would let an id walk up the path.
 */
function pathSegment(value: string, error: () => Error): string {
  if (typeof value !== "string" || value === "" || value === "." || value === "..") throw error();
  return encodeURIComponent(value);
}
