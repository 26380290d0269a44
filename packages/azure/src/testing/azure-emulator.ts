import { ConversationsStore } from "./conversations-store.js";
import {
  createConversation,
  createConversationItems,
  deleteConversation,
  deleteConversationItem,
  listConversationItems,
  retrieveConversation,
  retrieveConversationItem,
  updateConversation,
} from "./conversations-routes.js";
import type { HttpHandler } from "msw";
import { createChatCompletion } from "./chat-routes.js";
import { checkApiVersion } from "./emulator-api-version.js";
import { checkCredentials } from "./emulator-auth.js";
import type { EmulatorRuntime, RouteContext } from "./emulator-context.js";
import { DEFAULT_EMULATOR_DEPLOYMENTS, resolveDeployments } from "./emulator-deployments.js";
import { EmulatorHttpError, resourceNotFound, serverError } from "./emulator-errors.js";
import { jsonResponse } from "./emulator-http.js";
import { alphanumeric, newRequestId } from "./emulator-ids.js";
import { recordRequest } from "./emulator-request-log.js";
import { matchRoute } from "./emulator-routes.js";
import type { AzureEmulatorListenOptions, AzureEmulatorOptions, AzureEmulatorServer, RecordedRequest } from "./emulator-types.js";
import { listModels } from "./models-route.js";
import { createMswHandlers } from "./msw-handlers.js";
import { listenWithNodeHttp } from "./node-http-server.js";
import { cancelResponse, createResponse, deleteResponse, listInputItems, retrieveResponse } from "./responses-routes.js";
import { BACKGROUND_DELAY_MS, ResponsesStore } from "./responses-store.js";

/**
 * An Azure OpenAI resource in a box: one framework-free handler (web Request -> Response)
 * with the routing, auth, api-version rules, error bodies and headers of Azure, served in
 * process (`handle`), through msw (`mswHandlers`) or on a real loopback port (`listen`).
 */

export interface AzureEmulator {
  /** Answers one request as Azure would. */
  handle(request: Request): Promise<Response>;
  /** msw handlers for every request under `baseUrl` (e.g. `https://res.openai.azure.com`). */
  mswHandlers(baseUrl: string): HttpHandler[];
  /** Serves the emulator on a real node:http server (127.0.0.1, free port by default). */
  listen(options?: AzureEmulatorListenOptions): Promise<AzureEmulatorServer>;
  /** Every request received, oldest first, credentials redacted. */
  readonly requests: RecordedRequest[];
  /** Forgets recorded requests, stored responses and rate-limit counters. */
  reset(): void;
}

export const DEFAULT_API_KEYS: readonly string[] = ["test-azure-key"];
export const DEFAULT_AD_TOKENS: readonly string[] = ["test-azure-ad-token"];

const REQUESTS_LIMIT = 1000;
const TOKENS_LIMIT = 450_000;

export function createAzureEmulator(options: AzureEmulatorOptions = {}): AzureEmulator {
  const auth = { apiKeys: options.apiKeys ?? [...DEFAULT_API_KEYS], adTokens: options.adTokens ?? [...DEFAULT_AD_TOKENS] };
  const requests: RecordedRequest[] = [];
  let served = 0;
  let tokens = 0;
  const runtime: EmulatorRuntime = {
    deployments: resolveDeployments(options.deployments ?? DEFAULT_EMULATOR_DEPLOYMENTS),
    anyDeployment: options.anyDeployment ?? false,
    reply: options.reply,
    greeting: options.greeting ?? ((deployment) => `Hello from the Azure emulator (deployment ${deployment})`),
    streamDelayMs: options.streamDelayMs ?? 0,
    backgroundDelayMs: options.backgroundDelayMs ?? BACKGROUND_DELAY_MS,
    store: new ResponsesStore(),
    conversations: new ConversationsStore(),
    encryptionMark: alphanumeric(12),
    spendTokens(n) {
      tokens += n;
    },
  };

  async function dispatch(request: Request, basePath: string): Promise<Response> {
    const url = new URL(request.url);
    const path = basePath !== "" && url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
    const bodyText = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
    const recorded = recordRequest(request, url.pathname, url, bodyText);
    requests.push(recorded);
    served += 1;

    let response: Response;
    try {
      response = await route(request, url, path, bodyText, recorded);
    } catch (error) {
      if (error instanceof EmulatorHttpError) response = jsonResponse(error.status, error.body, error.headers);
      else response = jsonResponse(500, serverError(`Emulator bug: ${String(error)}`).body);
    }
    recorded.status = response.status;
    return withAzureHeaders(request, response);
  }

  async function route(request: Request, url: URL, path: string, bodyText: string, recorded: RecordedRequest): Promise<Response> {
    const matched = matchRoute(request.method, path);
    if (!matched) throw resourceNotFound();
    recorded.route = matched.name;
    const denied = checkCredentials(request.headers, matched.surface, auth);
    if (denied) throw denied;
    recorded.authOk = true;
    const apiVersion = checkApiVersion(url.searchParams, {
      surface: matched.surface,
      needsResponses: matched.name.startsWith("responses."),
    });
    const ctx: RouteContext = { runtime, route: matched, url, apiVersion, bodyText, recorded, signal: request.signal };
    switch (matched.name) {
      case "responses.create":
        return createResponse(ctx);
      case "responses.retrieve":
        return retrieveResponse(ctx);
      case "responses.delete":
        return deleteResponse(ctx);
      case "responses.cancel":
        return cancelResponse(ctx);
      case "responses.input_items":
        return listInputItems(ctx);
      case "chat.create":
        return createChatCompletion(ctx);
      case "models.list":
        return listModels(ctx);
      case "conversations.create":
        return createConversation(ctx);
      case "conversations.retrieve":
        return retrieveConversation(ctx);
      case "conversations.update":
        return updateConversation(ctx);
      case "conversations.delete":
        return deleteConversation(ctx);
      case "conversations.items.list":
        return listConversationItems(ctx);
      case "conversations.items.create":
        return createConversationItems(ctx);
      case "conversations.item.retrieve":
        return retrieveConversationItem(ctx);
      case "conversations.item.delete":
        return deleteConversationItem(ctx);
    }
  }

  function withAzureHeaders(request: Request, response: Response): Response {
    const h = response.headers;
    const requestId = newRequestId();
    h.set("apim-request-id", requestId);
    h.set("x-request-id", newRequestId());
    h.set("x-ms-region", "Sweden Central");
    h.set("x-content-type-options", "nosniff");
    const clientRequestId = request.headers.get("x-ms-client-request-id");
    h.set("x-ms-client-request-id", clientRequestId ?? requestId);
    if (!h.has("x-ratelimit-remaining-requests")) h.set("x-ratelimit-remaining-requests", String(Math.max(0, REQUESTS_LIMIT - served)));
    if (!h.has("x-ratelimit-remaining-tokens")) h.set("x-ratelimit-remaining-tokens", String(Math.max(0, TOKENS_LIMIT - tokens)));
    h.set("x-ratelimit-limit-requests", String(REQUESTS_LIMIT));
    h.set("x-ratelimit-limit-tokens", String(TOKENS_LIMIT));
    return response;
  }

  const emulator: AzureEmulator = {
    handle: (request) => dispatch(request, ""),
    mswHandlers: (baseUrl) => createMswHandlers(baseUrl, dispatch),
    listen: (listenOptions) => listenWithNodeHttp((request) => dispatch(request, ""), listenOptions),
    requests,
    reset() {
      requests.length = 0;
      runtime.store.clear();
      served = 0;
      tokens = 0;
    },
  };
  return emulator;
}
