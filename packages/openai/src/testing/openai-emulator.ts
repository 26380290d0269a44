import { createAzureEmulator, listenWithNodeHttp, type AzureEmulatorListenOptions, type AzureEmulatorServer } from "@dheera/azure/testing";
import { openAIErrors } from "./openai-errors.js";
import { rewriteSse, stripAzureOnly, withReasoning } from "./openai-wire-rewrite.js";

/**
 * api.openai.com in a box, or a chat-only OpenAI-compatible server (vLLM's `vllm serve`), for
 * tests without credentials: OpenAI's routes, Bearer auth with its exact 401s (the key masked),
 * `model_not_found`, its headers, and nothing of Azure's. The answers come from the Azure
 * emulator's engine (`@dheera/azure/testing`) on its v1 surface, which speaks the same wire
 * formats: this emulator is the OpenAI front door on it (routes, auth, errors, headers), and
 * strips what only Azure adds (content filter results).
 */

export interface OpenAIEmulatorOptions {
  /** Keys accepted as `Authorization: Bearer`. Default `["sk-test-openai-key"]`; `[]` accepts anything (vLLM without --api-key). */
  apiKeys?: string[];
  /** Models served (`/v1/models` lists them). Default `DEFAULT_OPENAI_MODELS`. */
  models?: string[];
  /**
   * A server that speaks only Chat Completions, as vLLM and Ollama do: `/v1/responses` is
   * FastAPI's 404 `{"detail":"Not Found"}`, a wrong key is vLLM's `{"error":"Unauthorized"}`,
   * and a reasoning model (`reasoningModels`) streams `reasoning_content` before its answer.
   */
  chatOnly?: boolean;
  /** Chat-only servers: models whose answers carry `reasoning_content` (vLLM's reasoning parser). Default: names with r1, qwq, qwen3 or reason. */
  reasoningModels?: (model: string) => boolean;
  /** When set, a request whose `OpenAI-Organization` names another organization is refused as OpenAI does. */
  organization?: string;
  /** Delay between SSE events, ms. */
  streamDelayMs?: number;
}

export interface OpenAIRecordedRequest {
  method: string;
  path: string;
  /** Lower-cased names; `authorization` redacted. */
  headers: Record<string, string>;
  body: unknown;
  status: number;
  authOk: boolean;
}

export interface OpenAIEmulator {
  handle(request: Request): Promise<Response>;
  listen(options?: AzureEmulatorListenOptions): Promise<AzureEmulatorServer>;
  /** Every request received, oldest first. */
  readonly requests: OpenAIRecordedRequest[];
  reset(): void;
}

export const DEFAULT_OPENAI_API_KEYS: readonly string[] = ["sk-test-openai-key"];
export const DEFAULT_OPENAI_MODELS: readonly string[] = ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-5", "o3", "o4-mini", "codex-mini-latest"];

const INNER_KEY = "inner-emulator-key";
const DEFAULT_REASONING = (model: string) => /r1|qwq|qwen3|reason/i.test(model);

type Route = "responses.create" | "responses.byId" | "responses.cancel" | "responses.input_items" | "chat.create" | "models.list" | "models.retrieve";

function matchRoute(method: string, path: string): Route | undefined {
  const s = path.split("/").slice(1);
  if (s[0] !== "v1" || s.some((x) => x === "")) return undefined;
  const [, a, b, c] = s;
  if (a === "responses") {
    if (s.length === 2 && method === "POST") return "responses.create";
    if (s.length === 3 && (method === "GET" || method === "DELETE")) return "responses.byId";
    if (s.length === 4 && c === "cancel" && method === "POST") return "responses.cancel";
    if (s.length === 4 && c === "input_items" && method === "GET") return "responses.input_items";
    return undefined;
  }
  if (a === "chat" && b === "completions" && s.length === 3 && method === "POST") return "chat.create";
  if (a === "models" && s.length === 2 && method === "GET") return "models.list";
  if (a === "models" && s.length === 3 && method === "GET") return "models.retrieve";
  return undefined;
}

export function createOpenAIEmulator(options: OpenAIEmulatorOptions = {}): OpenAIEmulator {
  const apiKeys = options.apiKeys ?? [...DEFAULT_OPENAI_API_KEYS];
  const models = options.models ?? [...DEFAULT_OPENAI_MODELS];
  const reasoning = options.reasoningModels ?? DEFAULT_REASONING;
  const errors = openAIErrors(options.chatOnly === true);
  const inner = createAzureEmulator({ apiKeys: [INNER_KEY], anyDeployment: true, ...(options.streamDelayMs ? { streamDelayMs: options.streamDelayMs } : {}) });
  const requests: OpenAIRecordedRequest[] = [];
  const created = Math.floor(Date.UTC(2024, 4, 13) / 1000);

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const bodyText = request.method === "GET" || request.method === "DELETE" ? "" : await request.text();
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = name === "authorization" ? "[REDACTED]" : value));
    const recorded: OpenAIRecordedRequest = { method: request.method, path: url.pathname, headers, body: parse(bodyText), status: 0, authOk: false };
    requests.push(recorded);
    const response = await answer(request, url, bodyText, recorded).catch((error: unknown) => errors.error(500, { message: `Emulator bug: ${String(error)}`, type: "server_error" }));
    recorded.status = response.status;
    return openAIHeaders(response, request);
  }

  async function answer(request: Request, url: URL, bodyText: string, recorded: OpenAIRecordedRequest): Promise<Response> {
    const route = matchRoute(request.method, url.pathname);
    if (options.chatOnly && (route?.startsWith("responses.") || url.pathname.startsWith("/v1/responses"))) return errors.routeNotFound(request.method, url.pathname);
    if (!route) return errors.routeNotFound(request.method, url.pathname);

    if (apiKeys.length > 0) {
      const auth = /^Bearer +(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
      if (!auth) return errors.missingKey();
      if (!apiKeys.includes(auth[1]!)) return errors.wrongKey(auth[1]!);
    }
    const org = request.headers.get("openai-organization");
    if (options.organization !== undefined && org !== null && org !== options.organization) return errors.wrongOrganization(org);
    recorded.authOk = true;

    if (route === "models.list") return errors.json(200, { object: "list", data: models.map((id) => modelObject(id, created)) });
    if (route === "models.retrieve") {
      const id = decodeURIComponent(url.pathname.slice("/v1/models/".length));
      return models.includes(id) ? errors.json(200, modelObject(id, created)) : errors.modelNotFound(id);
    }

    let model: string | undefined;
    if (route === "responses.create" || route === "chat.create") {
      const body = recorded.body as { model?: unknown } | undefined;
      if (typeof body !== "object" || body === null) return errors.error(400, { message: "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)", type: "invalid_request_error" });
      if (typeof body.model !== "string") return errors.error(400, { message: "you must provide a model parameter", type: "invalid_request_error" });
      if (!models.includes(body.model)) return errors.modelNotFound(body.model);
      model = body.model;
    }

    const innerUrl = new URL(`/openai${url.pathname}${url.search}`, "http://emulator.internal");
    const innerHeaders = new Headers({ "api-key": INNER_KEY, "content-type": "application/json" });
    const upstream = await inner.handle(new Request(innerUrl, { method: request.method, headers: innerHeaders, ...(bodyText !== "" ? { body: bodyText } : {}), signal: request.signal }));
    const thinks = options.chatOnly === true && route === "chat.create" && model !== undefined && reasoning(model);
    const type = upstream.headers.get("content-type") ?? "";
    if (type.includes("text/event-stream") && upstream.body) {
      return new Response(upstream.body.pipeThrough(rewriteSse({ reasoning: thinks })), { status: upstream.status, headers: { "content-type": type } });
    }
    let json = stripAzureOnly(parse(await upstream.text()));
    if (thinks && upstream.ok) json = withReasoning(json);
    return errors.json(upstream.status, json);
  }

  function openAIHeaders(response: Response, request: Request): Response {
    const h = response.headers;
    h.set("x-request-id", `req_${crypto.randomUUID().replaceAll("-", "")}`);
    if (!options.chatOnly) {
      h.set("openai-version", "2020-10-01");
      h.set("openai-processing-ms", "12");
      h.set("x-ratelimit-limit-requests", "10000");
      h.set("x-ratelimit-remaining-requests", "9999");
      const org = request.headers.get("openai-organization") ?? options.organization;
      if (org) h.set("openai-organization", org);
    }
    return response;
  }

  return {
    handle,
    listen: (listenOptions) => listenWithNodeHttp(handle, listenOptions),
    requests,
    reset() {
      requests.length = 0;
      inner.reset();
    },
  };
}

function modelObject(id: string, created: number) {
  return { id, object: "model", created, owned_by: id.startsWith("gpt") || /^o\d/.test(id) || id.startsWith("codex") ? "system" : "organization-owner" };
}

function parse(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
