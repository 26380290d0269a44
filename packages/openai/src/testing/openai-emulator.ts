import {
  createAzureEmulator,
  listenWithNodeHttp,
  recordRequest,
  type AzureEmulatorListenOptions,
  type AzureEmulatorOptions,
  type AzureEmulatorServer,
  type RecordedRequest,
} from "@dheera/azure/testing";
import { json, openAIErrors } from "./openai-errors.js";
import { openAIHeaderStamp } from "./openai-headers.js";
import { modelList, modelObject } from "./openai-models.js";
import { matchOpenAIRoute, type OpenAIRoute } from "./openai-routes.js";
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
   * A server that speaks only Chat Completions, as vLLM and Ollama do; vLLM's answers are the
   * ones emulated: `/v1/responses` (any other route too) is FastAPI's 404 `{"detail":"Not Found"}`,
   * a missing or wrong key is `{"error":"Unauthorized"}` (checked before the route, as its
   * middleware does), errors are vLLM's envelope, a request without `model` gets the first model,
   * and a reasoning model (`reasoningModels`) answers with `reasoning_content` before its text.
   */
  chatOnly?: boolean;
  /** Chat-only servers: models whose answers carry `reasoning_content` (vLLM's reasoning parser). Default: names with r1, qwq, qwen3 or reason. */
  reasoningModels?: (model: string) => boolean;
  /** When set, a request whose `OpenAI-Organization` names another organization is refused as OpenAI does (401 `mismatched_organization`). */
  organization?: string;
  /** Scripts the next answer (text, tool calls, failures, usage), as the Azure emulator's `reply`. */
  reply?: AzureEmulatorOptions["reply"];
  /** Delay between SSE events, ms. */
  streamDelayMs?: number;
  /** How long a `background: true` response stays queued, ms (default 1000). */
  backgroundDelayMs?: number;
}

export interface OpenAIEmulator {
  /** Answers one request as the emulated server would. */
  handle(request: Request): Promise<Response>;
  /** Serves the emulator on a real node:http server (127.0.0.1, free port by default). */
  listen(options?: AzureEmulatorListenOptions): Promise<AzureEmulatorServer>;
  /** Every request received, oldest first, `authorization` redacted; `route` is the OpenAI route matched (`chat.create`, …). */
  readonly requests: RecordedRequest[];
  /** Forgets recorded requests, stored responses and the rate-limit counters. */
  reset(): void;
}

/** Where OpenAI serves the Responses API's WebSocket mode, and the GET that checks a handshake's key. */
export const OPENAI_SOCKET_PATHS = { responses: "/v1/responses", probe: "/v1/models" } as const;

export const DEFAULT_OPENAI_API_KEYS: readonly string[] = ["sk-test-openai-key"];
export const DEFAULT_OPENAI_MODELS: readonly string[] = ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-5", "o3", "o4-mini", "codex-mini-latest"];

const INNER_KEY = "inner-emulator-key";
const DEFAULT_REASONING = (model: string) => /r1|qwq|qwen3|reason/i.test(model);

interface Exchange {
  request: Request;
  url: URL;
  route: OpenAIRoute | undefined;
  bodyText: string;
  recorded: RecordedRequest;
}

export function createOpenAIEmulator(options: OpenAIEmulatorOptions = {}): OpenAIEmulator {
  const chatOnly = options.chatOnly === true;
  const apiKeys = options.apiKeys ?? [...DEFAULT_OPENAI_API_KEYS];
  const models = options.models ?? [...DEFAULT_OPENAI_MODELS];
  const reasoning = options.reasoningModels ?? DEFAULT_REASONING;
  const errors = openAIErrors(chatOnly);
  const headers = openAIHeaderStamp();
  const inner = createAzureEmulator({
    apiKeys: [INNER_KEY],
    anyDeployment: true,
    greeting: (model) => `Hello from the ${chatOnly ? "vLLM" : "OpenAI"} emulator (model ${model})`,
    ...(options.reply ? { reply: options.reply } : {}),
    ...(options.streamDelayMs ? { streamDelayMs: options.streamDelayMs } : {}),
    ...(options.backgroundDelayMs !== undefined ? { backgroundDelayMs: options.backgroundDelayMs } : {}),
  });
  const requests: RecordedRequest[] = [];

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const bodyText = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
    const recorded = recordRequest(request, url.pathname, url, bodyText);
    requests.push(recorded);
    const route = matchOpenAIRoute(request.method, url.pathname, chatOnly);
    recorded.route = route;
    const exchange: Exchange = { request, url, route, bodyText, recorded };
    const response = await answer(exchange).catch((error: unknown) => errors.error(500, { message: `Emulator bug: ${String(error)}`, type: "server_error" }));
    recorded.status = response.status;
    // vLLM sends none of OpenAI's headers.
    if (chatOnly) return response;
    return headers.stamp(response, { request, route, bodyChars: bodyText.length, organization: options.organization });
  }

  async function answer(x: Exchange): Promise<Response> {
    if (chatOnly) {
      // vLLM's --api-key middleware guards every /v1 path before FastAPI looks for a route.
      if (x.url.pathname.startsWith("/v1")) {
        const denied = checkKey(x.request);
        if (denied) return denied;
      }
      if (!x.route) return errors.routeNotFound(x.request.method, x.url.pathname);
    } else {
      if (!x.route) return errors.routeNotFound(x.request.method, x.url.pathname);
      const denied = checkKey(x.request);
      if (denied) return denied;
      const org = x.request.headers.get("openai-organization");
      if (options.organization !== undefined && org !== null && org !== options.organization) return errors.mismatchedOrganization();
    }
    x.recorded.authOk = true;

    if (x.route === "models.list") return json(200, modelList(models, chatOnly));
    if (x.route === "models.retrieve") {
      const id = decodeURIComponent(x.url.pathname.slice("/v1/models/".length));
      return models.includes(id) ? json(200, modelObject(id, chatOnly)) : errors.modelNotFound(id);
    }
    if (x.route === "responses.create" || x.route === "chat.create") return generate(x, x.route === "chat.create" ? "chat" : "responses");
    return forward(x, x.bodyText, undefined);
  }

  function checkKey(request: Request): Response | undefined {
    if (apiKeys.length === 0) return undefined;
    const auth = /^Bearer +(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
    if (!auth) return errors.missingKey();
    if (!apiKeys.includes(auth[1]!)) return errors.wrongKey(auth[1]!);
    return undefined;
  }

  async function generate(x: Exchange, api: "responses" | "chat"): Promise<Response> {
    const body = x.recorded.body;
    if (typeof body !== "object" || body === null || Array.isArray(body)) return errors.invalidJson();
    const named = (body as { model?: unknown }).model;
    let bodyText = x.bodyText;
    let model: string;
    if (typeof named === "string") {
      if (!models.includes(named)) return errors.modelNotFound(named);
      model = named;
    } else if (chatOnly && named === undefined && models[0] !== undefined) {
      // vLLM serves its own model to a request that names none.
      model = models[0];
      bodyText = JSON.stringify({ ...body, model });
    } else {
      return errors.missingModel(api);
    }
    return forward(x, bodyText, model);
  }

  /** The engine's answer on its v1 surface, said as OpenAI (or vLLM) says it. */
  async function forward(x: Exchange, bodyText: string, model: string | undefined): Promise<Response> {
    const innerUrl = new URL(`/openai${x.url.pathname}${x.url.search}`, "http://emulator.internal");
    const innerHeaders = new Headers({ "api-key": INNER_KEY, "content-type": "application/json" });
    const upstream = await inner.handle(new Request(innerUrl, { method: x.request.method, headers: innerHeaders, ...(bodyText !== "" ? { body: bodyText } : {}), signal: x.request.signal }));
    const thinks = chatOnly && x.route === "chat.create" && model !== undefined && reasoning(model);
    const type = upstream.headers.get("content-type") ?? "";
    if (type.includes("text/event-stream") && upstream.body) {
      return new Response(upstream.body.pipeThrough(rewriteSse({ reasoning: thinks })), { status: upstream.status, headers: { "content-type": type } });
    }
    const parsed = parse(await upstream.text());
    if (!upstream.ok) return errors.fromEngine(upstream.status, parsed, upstream.headers, model);
    return json(upstream.status, thinks ? withReasoning(stripAzureOnly(parsed)) : stripAzureOnly(parsed));
  }

  return {
    handle,
    // OpenAI serves WebSocket mode on /v1/responses; a chat-only server (vLLM) has none.
    listen: (listenOptions) => listenWithNodeHttp(handle, listenOptions, chatOnly ? false : OPENAI_SOCKET_PATHS),
    requests,
    reset() {
      requests.length = 0;
      inner.reset();
      headers.reset();
    },
  };
}

function parse(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
