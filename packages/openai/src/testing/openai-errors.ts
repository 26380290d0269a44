/**
 * The error answers of api.openai.com (and, `chatOnly`, of vLLM's server), word for word where
 * clients and people read them: the 401s, the unknown route, `model_not_found`.
 */

export interface OpenAIErrorFields {
  message: string;
  type: string;
  param?: string | null;
  code?: string | null;
}

export function openAIErrors(chatOnly: boolean) {
  const json = (status: number, body: unknown): Response =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const error = (status: number, fields: OpenAIErrorFields): Response =>
    json(status, { error: { message: fields.message, type: fields.type, param: fields.param ?? null, code: fields.code ?? null } });

  return {
    json,
    error,
    routeNotFound(method: string, path: string): Response {
      // vLLM is a FastAPI app: an unknown route is Starlette's plain 404.
      if (chatOnly) return json(404, { detail: "Not Found" });
      return error(404, { message: `Invalid URL (${method} ${path})`, type: "invalid_request_error" });
    },
    missingKey(): Response {
      if (chatOnly) return json(401, { error: "Unauthorized" });
      return error(401, {
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        type: "invalid_request_error",
      });
    },
    wrongKey(key: string): Response {
      if (chatOnly) return json(401, { error: "Unauthorized" });
      return error(401, {
        message: `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        type: "invalid_request_error",
        code: "invalid_api_key",
      });
    },
    wrongOrganization(org: string): Response {
      return error(401, {
        message: `You must be a member of an organization to use the API. Please contact us through our help center at help.openai.com. (organization ${org})`,
        type: "invalid_request_error",
        code: "no_organization",
      });
    },
    modelNotFound(model: string): Response {
      if (chatOnly) return json(404, { object: "error", message: `The model \`${model}\` does not exist.`, type: "NotFoundError", param: null, code: 404 });
      return error(404, { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: "invalid_request_error", code: "model_not_found" });
    },
  };
}

/** As OpenAI shows a wrong key: its start and its last four characters, the rest starred. */
export function maskKey(key: string): string {
  if (key.length <= 8) return "*".repeat(key.length);
  return `${key.slice(0, 3)}${"*".repeat(key.length - 7)}${key.slice(-4)}`;
}
