import type { Route } from "../http/route-table.js";
import type { ProxyServices } from "../pipeline/services.js";
import { chatCompletions } from "./chat-completions.js";
import { deploymentHealth, liveliness, readiness } from "./health.js";
import { modelRoutes } from "./models.js";
import { responsesCreate } from "./responses-create.js";
import { responsesCompact } from "./responses-compact.js";
import { responsesUpgradeRequired, responsesWebSocket } from "./responses-websocket.js";
import { responsesInputTokens } from "./responses-input-tokens.js";
import { responsesCancel, responsesDelete, responsesInputItems, responsesRetrieve } from "./responses-by-id.js";
import { keyRoutes } from "./key-routes.js";
import { conversationRoutes } from "./conversations.js";
import { spendLogs, spendSummary } from "./spend.js";
import { teamRoutes } from "./team-routes.js";
import { metricsRoute } from "./metrics.js";

/** Every endpoint; the route table also serves each under `/v1`, `/openai/v1` and `/openai` (except the unprefixed admin routes). */
export function proxyRoutes(s: ProxyServices, version: string, options: { publicMetrics: boolean }): Route[] {
  const models = modelRoutes(s);
  return [
    { method: "POST", pattern: "/responses", handler: responsesCreate(s), models: true },
    { method: "GET", pattern: "/responses", handler: responsesUpgradeRequired, models: true, websocket: responsesWebSocket(s) },
    // Literal segments: static routes match before `/responses/:id`, so these are never taken for ids.
    { method: "POST", pattern: "/responses/input_tokens", handler: responsesInputTokens(s), models: true },
    { method: "POST", pattern: "/responses/compact", handler: responsesCompact(s), models: true },
    { method: "GET", pattern: "/responses/:id", handler: responsesRetrieve(s), models: true },
    { method: "DELETE", pattern: "/responses/:id", handler: responsesDelete(s), models: true },
    { method: "POST", pattern: "/responses/:id/cancel", handler: responsesCancel(s), models: true },
    { method: "GET", pattern: "/responses/:id/input_items", handler: responsesInputItems(s), models: true },
    { method: "POST", pattern: "/chat/completions", handler: chatCompletions(s), models: true },
    // Azure's deployment routes (`/openai/deployments/{name}/...?api-version=`): the path's
    // deployment name is the model_name, so AzureOpenAI clients need only a new endpoint.
    { method: "POST", pattern: "/deployments/:deployment/chat/completions", handler: chatCompletions(s), models: true },
    { method: "POST", pattern: "/deployments/:deployment/responses", handler: responsesCreate(s), models: true },
    { method: "GET", pattern: "/models", handler: models.list, models: true },
    { method: "GET", pattern: "/models/:id", handler: models.one, models: true },
    { method: "GET", pattern: "/health", handler: deploymentHealth(s) },
    { method: "GET", pattern: "/health/liveliness", handler: liveliness, public: true },
    { method: "GET", pattern: "/health/liveness", handler: liveliness, public: true },
    { method: "GET", pattern: "/health/readiness", handler: readiness(s, version), public: true },
    { method: "GET", pattern: "/spend/logs", handler: spendLogs(s), unprefixed: true },
    { method: "GET", pattern: "/spend/summary", handler: spendSummary(s), unprefixed: true },
    ...(s.metrics ? [{ method: "GET", pattern: "/metrics", handler: metricsRoute(s), unprefixed: true, public: options.publicMetrics } satisfies Route] : []),
    ...conversationRoutes(s),
    ...keyRoutes(s),
    ...teamRoutes(s),
  ];
}
