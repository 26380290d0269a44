import type { OpenAIRoute } from "./openai-routes.js";

/**
 * The headers api.openai.com sends: a request id on every answer, its version and processing
 * time, the organization and project the call was billed to, and on model calls the six
 * `x-ratelimit-*` headers counting down as the emulator serves requests. A chat-only server
 * (vLLM) sends none of them.
 */

const REQUESTS_LIMIT = 10_000;
const TOKENS_LIMIT = 30_000_000;

export interface StampedExchange {
  request: Request;
  route: OpenAIRoute | undefined;
  /** The request body's length, for the token count. */
  bodyChars: number;
  /** The organization to name when the request names none. */
  organization: string | undefined;
}

export interface OpenAIHeaderStamp {
  stamp(response: Response, exchange: StampedExchange): Response;
  reset(): void;
}

export function openAIHeaderStamp(): OpenAIHeaderStamp {
  let requests = 0;
  let tokens = 0;
  return {
    stamp(response, { request, route, bodyChars, organization }) {
      const h = response.headers;
      h.set("x-request-id", `req_${crypto.randomUUID().replaceAll("-", "")}`);
      h.set("openai-version", "2020-10-01");
      h.set("openai-processing-ms", "12");
      const org = request.headers.get("openai-organization") ?? organization;
      if (org) h.set("openai-organization", org);
      const project = request.headers.get("openai-project");
      if (project) h.set("openai-project", project);
      if (route === "responses.create" || route === "chat.create") {
        requests += 1;
        // OpenAI counts a request's estimated tokens against the limit up front; four characters a token is its rule of thumb.
        tokens += Math.ceil(bodyChars / 4);
        h.set("x-ratelimit-limit-requests", String(REQUESTS_LIMIT));
        h.set("x-ratelimit-limit-tokens", String(TOKENS_LIMIT));
        h.set("x-ratelimit-remaining-requests", String(Math.max(0, REQUESTS_LIMIT - requests)));
        h.set("x-ratelimit-remaining-tokens", String(Math.max(0, TOKENS_LIMIT - tokens)));
        h.set("x-ratelimit-reset-requests", "6ms");
        h.set("x-ratelimit-reset-tokens", "0s");
      }
      return response;
    },
    reset() {
      requests = 0;
      tokens = 0;
    },
  };
}
