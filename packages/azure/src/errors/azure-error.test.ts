import { describe, expect, it } from "vitest";
import { AuthenticationError, NotFoundError, RateLimitError, UpstreamError } from "@dheera/core";
import { mapAzureError, type AzureErrorInput } from "./azure-error.js";

const KEY = "0123456789abcdef0123456789abcdef";

// Bodies as captured from Azure (reference doc §6.3).
const AZURE_401 = `{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}`;
const AZURE_DEPLOYMENT_404 = `{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}`;
const AZURE_ROUTE_404 = `{"error":{"code":"404","message":"Resource not found"}}`;
const AZURE_429 = `{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds."}}`;
const OPENAI_400 = `{"error":{"message":"Unsupported parameter: 'temperature' is not supported with this model.","type":"invalid_request_error","param":"temperature","code":"unsupported_parameter"}}`;
const CHAT_FILTER = JSON.stringify({
  error: {
    message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
    type: null,
    param: "prompt",
    code: "content_filter",
    status: 400,
    innererror: {
      code: "ResponsibleAIPolicyViolation",
      content_filter_result: {
        hate: { filtered: false, severity: "safe" },
        jailbreak: { filtered: false, detected: false },
        violence: { filtered: true, severity: "medium" },
      },
    },
  },
});
const RESPONSES_FILTER = JSON.stringify({
  error: {
    message: "The response was filtered…",
    type: "invalid_request_error",
    param: "prompt",
    code: "content_filter",
    content_filters: [
      { blocked: true, source_type: "prompt", content_filter_results: { jailbreak: { detected: true, filtered: true } } },
    ],
  },
});
const HTML_502 = `<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>`;

interface Row {
  name: string;
  input: AzureErrorInput;
  class: new (...args: never[]) => Error;
  expected: Record<string, unknown>;
}

const rows: Row[] = [
  { name: "maps Azure's 401 to an AuthenticationError keeping the string code", input: { status: 401, bodyText: AZURE_401 }, class: AuthenticationError, expected: { status: 401, type: "invalid_request_error", code: "401", param: null, provider: "azure", message: expect.stringMatching(/^Access denied due to invalid subscription key/) } },
  { name: "maps DeploymentNotFound to a NotFoundError", input: { status: 404, bodyText: AZURE_DEPLOYMENT_404 }, class: NotFoundError, expected: { status: 404, type: "invalid_request_error", code: "DeploymentNotFound" } },
  { name: 'maps the 404 "Resource not found" of a wrong route or api-version', input: { status: 404, bodyText: AZURE_ROUTE_404 }, class: NotFoundError, expected: { message: "Resource not found", code: "404" } },
  { name: "maps 429 to a RateLimitError keeping retry and rate-limit headers only", input: { status: 429, bodyText: AZURE_429, headers: { "Retry-After": "6", "retry-after-ms": "6000", "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-requests": "1s", "x-ms-region": "East US 2", "content-type": "application/json" } }, class: RateLimitError, expected: { status: 429, type: "rate_limit_error", code: "429", headers: { "retry-after": "6", "retry-after-ms": "6000", "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-requests": "1s" } } },
  { name: "passes an OpenAI-shaped body through (type, param, code)", input: { status: 400, bodyText: OPENAI_400 }, class: UpstreamError, expected: { status: 400, type: "invalid_request_error", param: "temperature", code: "unsupported_parameter" } },
  { name: "keeps a chat content-filter error with param and the whole upstream error", input: { status: 400, bodyText: CHAT_FILTER }, class: UpstreamError, expected: { status: 400, type: "invalid_request_error", code: "content_filter", param: "prompt", upstreamError: JSON.parse(CHAT_FILTER).error } },
  { name: "keeps a responses content-filter error with its content_filters array", input: { status: 400, bodyText: RESPONSES_FILTER }, class: UpstreamError, expected: { code: "content_filter", param: "prompt", upstreamError: JSON.parse(RESPONSES_FILTER).error } },
  { name: "recognises a content filter by innererror even without the code", input: { status: 400, bodyText: `{"error":{"message":"filtered","code":"BadRequest","innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{}}}}` }, class: UpstreamError, expected: { code: "content_filter" } },
  { name: "accepts Microsoft's minimal content-filter body", input: { status: 400, bodyText: `{"error":{"code":"content_filter","message":"The prompt was filtered."}}` }, class: UpstreamError, expected: { code: "content_filter", message: "The prompt was filtered.", param: null } },
  { name: "derives invalid_request_error for a 403, as OpenAI does", input: { status: 403, bodyText: `{"error":{"code":"PermissionDenied","message":"Principal does not have access."}}` }, class: UpstreamError, expected: { status: 403, type: "invalid_request_error", code: "PermissionDenied" } },
  { name: "derives server_error for a 500 and keeps the status", input: { status: 500, bodyText: `{"error":{"code":"InternalServerError","message":"The server had an error."}}` }, class: UpstreamError, expected: { status: 500, type: "server_error" } },
  { name: "maps a numeric code to a string", input: { status: 400, bodyText: `{"error":{"code":400,"message":"bad"}}` }, class: UpstreamError, expected: { code: "400" } },
  { name: "reads APIM's {statusCode,message} body", input: { status: 401, bodyText: `{"statusCode":401,"message":"Access denied due to missing subscription key."}` }, class: AuthenticationError, expected: { message: "Access denied due to missing subscription key.", code: null } },
  { name: "reads a body whose error is a plain string", input: { status: 400, bodyText: `{"error":"bad request"}` }, class: UpstreamError, expected: { message: "bad request" } },
  { name: "summarises an HTML gateway page as status plus a short excerpt", input: { status: 502, bodyText: HTML_502 }, class: UpstreamError, expected: { status: 502, type: "api_connection_error", message: "Azure returned HTTP 502: 502 Bad Gateway 502 Bad Gateway nginx", upstreamError: undefined } },
  { name: "says only the status for an empty body", input: { status: 503, bodyText: "" }, class: UpstreamError, expected: { message: "Azure returned HTTP 503" } },
  { name: "shows an excerpt for JSON without any message", input: { status: 500, bodyText: `{"foo":1}` }, class: UpstreamError, expected: { message: 'Azure returned HTTP 500: {"foo":1}' } },
  { name: "survives a wrongly typed field", input: { status: 400, bodyText: `{"error":{"message":"m","type":7,"param":["x"],"code":{}}}` }, class: UpstreamError, expected: { message: "m", type: "invalid_request_error", param: null, code: null } },
  { name: "takes the request id from apim-request-id first", input: { status: 500, bodyText: "", headers: { "x-request-id": "b", "apim-request-id": "a" } }, class: UpstreamError, expected: { upstreamRequestId: "a" } },
  { name: "falls back to x-request-id for the request id", input: { status: 500, bodyText: "", headers: { "x-ms-request-id": "c", "x-request-id": "b" } }, class: UpstreamError, expected: { upstreamRequestId: "b" } },
  { name: "falls back to x-ms-request-id for the request id", input: { status: 500, bodyText: "", headers: new Headers({ "X-MS-Request-Id": "c" }) }, class: UpstreamError, expected: { upstreamRequestId: "c" } },
  { name: "redacts an echoed key in an Azure message", input: { status: 401, bodyText: `{"error":{"code":"401","message":"Key ${KEY} is invalid"}}`, secrets: [KEY] }, class: AuthenticationError, expected: { message: "Key [REDACTED] is invalid", upstreamError: { code: "401", message: "Key [REDACTED] is invalid" } } },
  { name: "redacts a key the gateway echoed into HTML", input: { status: 502, bodyText: `<p>api-key: ${KEY}</p>`, secrets: [KEY, undefined, ""] }, class: UpstreamError, expected: { message: "Azure returned HTTP 502: api-key: [REDACTED]" } },
  { name: "redacts a key hidden behind JSON escapes", input: { status: 400, bodyText: `{"error":{"message":"bad key ${KEY.slice(0, 4)}\\u00${KEY.charCodeAt(4).toString(16)}${KEY.slice(5)}"}}`, secrets: [KEY] }, class: UpstreamError, expected: { message: "bad key [REDACTED]" } },
];

describe("mapAzureError", () => {
  it.each(rows)("$name", ({ input, class: errorClass, expected }) => {
    const error = mapAzureError(input);
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ provider: "azure", ...expected });
  });

  it("cuts the excerpt of a long non-JSON body to 200 characters", () => {
    const error = mapAzureError({ status: 502, bodyText: "x".repeat(5000) });
    const excerpt = error.message.slice("Azure returned HTTP 502: ".length);
    expect(excerpt.length).toBeLessThanOrEqual(200);
    expect(excerpt.endsWith("…")).toBe(true);
  });

  it("never lets the key appear anywhere in the error", () => {
    const error = mapAzureError({
      status: 401,
      bodyText: `{"error":{"message":"${KEY}","code":"${KEY}","param":"${KEY}","innererror":{"${KEY}":"${KEY}"}}}`,
      headers: { "retry-after": KEY, "apim-request-id": KEY },
      secrets: [KEY],
    });
    const everything = JSON.stringify({ ...error, message: error.message });
    expect(everything).not.toContain(KEY);
  });
});
