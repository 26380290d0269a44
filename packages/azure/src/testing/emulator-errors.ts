/**
 * Every error body the emulator sends, in the two shapes Azure uses: Azure-native
 * `{"error":{"code","message"}}` (gateway errors: auth, routing, deployments, quota) and the
 * OpenAI shape `{"error":{"message","type","param","code"}}` (model-level validation).
 */

/** An HTTP error answer; thrown by validators and turned into a response by the emulator. */
export class EmulatorHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`emulated HTTP ${status}`);
    this.name = "EmulatorHttpError";
  }
}

export function azureErrorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

export interface OpenAIErrorFields {
  message: string;
  type?: string | null;
  param?: string | null;
  code?: string | null;
}

export function openAIErrorBody({ message, type = "invalid_request_error", param = null, code = null }: OpenAIErrorFields) {
  return { error: { message, type, param, code } };
}

/** 400 invalid_request_error in the OpenAI shape. */
export function invalidRequest(message: string, param: string | null = null, code: string | null = null): EmulatorHttpError {
  return new EmulatorHttpError(400, openAIErrorBody({ message, param, code }));
}

export function resourceNotFound(): EmulatorHttpError {
  // Azure's exact text, including for a missing or unsupported api-version on classic routes.
  return new EmulatorHttpError(404, azureErrorBody("404", "Resource not found"));
}

export function apiVersionNotSupported(): EmulatorHttpError {
  // Seen from Azure for a version the surface does not know at all (e.g. a dated one on /openai/v1).
  return new EmulatorHttpError(400, azureErrorBody("BadRequest", "API version not supported"));
}

export const INVALID_SUBSCRIPTION_KEY_MESSAGE =
  "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.";

export function invalidSubscriptionKey(): EmulatorHttpError {
  return new EmulatorHttpError(401, azureErrorBody("401", INVALID_SUBSCRIPTION_KEY_MESSAGE));
}

export const INVALID_TOKEN_MESSAGE =
  "Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.";

/** Azure's answer to a bearer token it cannot validate: note the body has no `error` wrapper. */
export function invalidAccessToken(): EmulatorHttpError {
  return new EmulatorHttpError(401, { statusCode: 401, message: INVALID_TOKEN_MESSAGE });
}

export function deploymentNotFound(): EmulatorHttpError {
  return new EmulatorHttpError(
    404,
    azureErrorBody(
      "DeploymentNotFound",
      "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
    ),
  );
}

export function operationNotSupported(operation: "chatCompletion" | "responses", model: string): EmulatorHttpError {
  return new EmulatorHttpError(
    400,
    azureErrorBody(
      "OperationNotSupported",
      `The ${operation} operation does not work with the specified model, ${model}. Please choose different model and try again. You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.`,
    ),
  );
}

export function missingParameter(param: string): EmulatorHttpError {
  return invalidRequest(`Missing required parameter: '${param}'.`, param, "missing_required_parameter");
}

export function invalidJsonBody(): EmulatorHttpError {
  return invalidRequest(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
  );
}

export function conversationNotFound(id: string): EmulatorHttpError {
  return new EmulatorHttpError(404, openAIErrorBody({ message: `Conversation with id '${id}' not found.`, param: "conversation_id" }));
}

export function responseNotFound(id: string): EmulatorHttpError {
  return new EmulatorHttpError(404, openAIErrorBody({ message: `Response with id '${id}' not found.` }));
}

export function rateLimited(operation: string, apiVersion: string, retryAfterSeconds = 2): EmulatorHttpError {
  return new EmulatorHttpError(
    429,
    azureErrorBody(
      "429",
      `Requests to the ${operation} Operation under Azure OpenAI API version ${apiVersion} have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after ${retryAfterSeconds} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.`,
    ),
    {
      "retry-after": String(retryAfterSeconds),
      "retry-after-ms": String(retryAfterSeconds * 1000),
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-remaining-tokens": "0",
    },
  );
}

/**
 * The input is longer than the model's context window: OpenAI's 400 with code
 * `context_length_exceeded`, worded per API as the service words it.
 */
export function contextLengthExceeded(api: "responses" | "chat"): EmulatorHttpError {
  return api === "responses"
    ? invalidRequest("Your input exceeds the context window of this model. Please adjust your input and try again.", "input", "context_length_exceeded")
    : invalidRequest(
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
        "messages",
        "context_length_exceeded",
      );
}

export const SERVER_ERROR_MESSAGE =
  "The server had an error processing your request. Sorry about that! You can retry your request, or contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 if you keep seeing this error.";

export function serverError(message = SERVER_ERROR_MESSAGE, code: string | null = null): EmulatorHttpError {
  return new EmulatorHttpError(500, openAIErrorBody({ message, type: "server_error", code }));
}

/** `a string`, `an integer`, … as OpenAI's validation messages name JSON types. */
export function describeJsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return "a string";
    case "boolean":
      return "a boolean";
    case "number":
      return Number.isInteger(value) ? "an integer" : "a decimal";
    case "object":
      return "an object";
    default:
      return "an unknown type";
  }
}

export function invalidType(param: string, expected: string, value: unknown): EmulatorHttpError {
  return invalidRequest(
    `Invalid type for '${param}': expected ${expected}, but got ${describeJsonType(value)} instead.`,
    param,
    "invalid_type",
  );
}

/** `'a', 'b', and 'c'` as OpenAI lists supported values. */
export function listValues(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  if (quoted.length <= 1) return quoted.join("");
  if (quoted.length === 2) return `${quoted[0]} and ${quoted[1]}`;
  return `${quoted.slice(0, -1).join(", ")}, and ${quoted[quoted.length - 1]}`;
}

export function invalidValue(param: string, value: unknown, supported: readonly string[]): EmulatorHttpError {
  return invalidRequest(
    `Invalid value: '${String(value)}'. Supported values are: ${listValues(supported)}.`,
    param,
    "invalid_value",
  );
}

export function unsupportedParameter(param: string, hint = ""): EmulatorHttpError {
  return invalidRequest(
    `Unsupported parameter: '${param}' is not supported with this model.${hint ? ` ${hint}` : ""}`,
    param,
    "unsupported_parameter",
  );
}
