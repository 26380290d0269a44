import { SERVER_ERROR_MESSAGE, type InjectedErrorAnswers } from "@dheera/azure/testing";

/**
 * The error answers of api.openai.com (and, `chatOnly`, of vLLM's server), word for word where
 * clients and people read them: the 401s, the unknown route, `model_not_found`, rate limits and
 * server errors; and the engine's (Azure-worded) errors said as the emulated server says them.
 */

export interface OpenAIErrorFields {
  message: string;
  type: string;
  param?: string | null;
  code?: string | null;
}

const API_KEYS_PAGE = "https://platform.openai.com/account/api-keys";
const OPENAI_SERVER_ERROR = "The server had an error while processing your request. Sorry about that!";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export type OpenAIErrors = ReturnType<typeof openAIErrors>;

export function openAIErrors(chatOnly: boolean) {
  const error = (status: number, fields: OpenAIErrorFields, headers?: Record<string, string>): Response =>
    json(status, { error: { message: fields.message, type: fields.type, param: fields.param ?? null, code: fields.code ?? null } }, headers);
  // vLLM's ErrorResponse: OpenAI's envelope, but `type` is an exception name and `code` the HTTP status.
  const vllmError = (status: number, message: string, param: string | null = null): Response =>
    json(status, { error: { message, type: vllmType(status), param, code: status } });

  const rateLimited = (model: string | undefined, headers?: Record<string, string>): Response =>
    chatOnly
      ? vllmError(429, "Rate limit reached.")
      : error(
          429,
          {
            message: `Rate limit reached for ${model ?? "requests"} in organization org-emulator on requests per min (RPM): Limit 10000, Used 10000, Requested 1. Please try again in 6ms. Visit https://platform.openai.com/account/rate-limits to learn more.`,
            type: "requests",
            code: "rate_limit_exceeded",
          },
          headers,
        );
  const serverError = (): Response => (chatOnly ? vllmError(500, "Internal server error.") : error(500, { message: OPENAI_SERVER_ERROR, type: "server_error" }));

  return {
    error,
    rateLimited,
    serverError,
    routeNotFound(method: string, path: string): Response {
      // vLLM is a FastAPI app: an unknown route is Starlette's plain 404.
      if (chatOnly) return json(404, { detail: "Not Found" });
      return error(404, { message: `Invalid URL (${method} ${path})`, type: "invalid_request_error" });
    },
    missingKey(): Response {
      // vLLM's --api-key middleware answers a missing and a wrong key alike.
      if (chatOnly) return json(401, { error: "Unauthorized" });
      return error(401, {
        message: `You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from ${API_KEYS_PAGE}.`,
        type: "invalid_request_error",
      });
    },
    wrongKey(key: string): Response {
      if (chatOnly) return json(401, { error: "Unauthorized" });
      return error(401, {
        message: `Incorrect API key provided: ${maskKey(key)}. You can find your API key at ${API_KEYS_PAGE}.`,
        type: "invalid_request_error",
        code: "invalid_api_key",
      });
    },
    mismatchedOrganization(): Response {
      return error(401, { message: "OpenAI-Organization header should match organization for API key", type: "invalid_request_error", code: "mismatched_organization" });
    },
    modelNotFound(model: string): Response {
      if (chatOnly) return vllmError(404, `The model \`${model}\` does not exist.`);
      return error(404, { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: "invalid_request_error", code: "model_not_found" });
    },
    invalidJson(): Response {
      // vLLM turns pydantic's validation error into its 400; "JSON decode error" is pydantic's wording.
      if (chatOnly) return vllmError(400, "JSON decode error");
      return error(400, {
        message:
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
        type: "invalid_request_error",
      });
    },
    /** OpenAI's two wordings (vLLM needs no model: it serves its own). */
    missingModel(api: "responses" | "chat"): Response {
      if (api === "chat") return error(400, { message: "you must provide a model parameter", type: "invalid_request_error" });
      return error(400, { message: "Missing required parameter: 'model'.", type: "invalid_request_error", param: "model", code: "missing_required_parameter" });
    },
    /**
     * An error the engine answered, as this server says it: OpenAI's fields only (no Azure
     * `innererror`), Azure's own wording of a rate limit or a server error replaced by OpenAI's,
     * or vLLM's envelope. The engine's `retry-after` headers stay, so retries stay quick.
     */
    fromEngine(status: number, body: unknown, headers: Headers, model: string | undefined): Response {
      const inner = (typeof body === "object" && body !== null && "error" in body ? (body as { error: unknown }).error : undefined) as Partial<Record<"message" | "type" | "param" | "code", unknown>> | undefined;
      const message = typeof inner?.message === "string" ? inner.message : `HTTP ${status}`;
      const param = typeof inner?.param === "string" ? inner.param : null;
      const retry: Record<string, string> = {};
      for (const name of ["retry-after", "retry-after-ms"]) {
        const value = headers.get(name);
        if (value !== null) retry[name] = value;
      }
      if (status === 429) return rateLimited(model, retry);
      if (status >= 500 && (message === SERVER_ERROR_MESSAGE || !("type" in (inner ?? {})))) return serverError();
      if (chatOnly) return vllmError(status, message, param);
      return error(status, {
        message,
        type: typeof inner?.type === "string" ? inner.type : "invalid_request_error",
        param,
        code: typeof inner?.code === "string" ? inner.code : null,
      });
    },
    /** The fault server's injected 500 and 429, in this server's words. */
    injected(): InjectedErrorAnswers {
      return { http_500: serverError, http_429: () => rateLimited(undefined) };
    },
  };
}

function vllmType(status: number): string {
  if (status === 404) return "NotFoundError";
  if (status === 429) return "RateLimitError";
  if (status >= 500) return "InternalServerError";
  return "BadRequestError";
}

/**
 * As OpenAI shows a wrong key: its first eight and last four characters, the rest starred
 * (`sk-abc12***...***wxyz`). OpenAI echoes a key of twelve characters or fewer whole; the
 * emulator stars it all instead, since a test key may be a real one pasted by mistake.
 */
export function maskKey(key: string): string {
  if (key.length <= 12) return "*".repeat(key.length);
  return `${key.slice(0, 8)}${"*".repeat(key.length - 12)}${key.slice(-4)}`;
}
